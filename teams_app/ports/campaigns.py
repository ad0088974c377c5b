"""Campaigns (issue 12): the campaigns, their prompts (who was asked) and their responses (what
was answered), in one store but never joined: no method returns a response with its prompt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.prompts import Prompt
from teams_app.domain.campaigns.responses import StoredResponse


@dataclass(frozen=True)
class PromptCounts:
    asked: int
    sent: int
    answered: int
    postponed: int  # prompts the weekly cap pushed to a later week
    unreachable: int


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> None: ...
    async def get(self, campaign_id: str) -> Campaign | None: ...
    async def close(self, campaign: Campaign) -> None: ...  # saves its state
    async def of_owner(self, owner_id: str) -> list[Campaign]: ...
    async def open_campaigns(self) -> list[Campaign]: ...

    # Prompts: who was asked.
    async def add_prompts(self, prompts: Sequence[Prompt]) -> int: ...  # new ones; known kept
    async def prompt(self, campaign_id: str, person_id: str, round: str) -> Prompt | None: ...
    async def prompts_of(self, campaign_id: str, round: str | None = None) -> list[Prompt]: ...
    async def send_times(
        self, person_ids: Sequence[str], *, since: datetime
    ) -> dict[str, list[datetime]]: ...  # each person's prompts planned from `since`, any campaign
    async def mark_sent(self, prompt: Prompt, *, at: datetime) -> None: ...
    async def mark_reminded(self, prompt: Prompt, number: int) -> None: ...
    async def mark_unreachable(self, prompt: Prompt, reason: str) -> None: ...
    # True when this call answered it (False: it was answered already). Records no time.
    async def mark_answered(self, campaign_id: str, person_id: str, round: str) -> bool: ...
    async def waiting_for_answers(self, *, sent_before: datetime) -> list[Prompt]: ...
    async def counts(self, campaign_id: str) -> PromptCounts: ...

    # Responses: what was answered.
    async def add_response(self, response: StoredResponse) -> None: ...
    async def named_response(
        self, campaign_id: str, round: str, person_id: str
    ) -> StoredResponse | None: ...
    async def update_response(
        self, key: str, answers: Mapping[str, str], *, at: datetime
    ) -> None: ...
    async def responses(self, campaign_id: str) -> list[StoredResponse]: ...
    # Rewrites the campaign's answered prompts and anonymous responses together, so each of
    # them was last written by this transaction and none by the one that answered (PostgreSQL
    # shows the writing transaction's id, xmin, on every row).
    async def blur_answers(self, campaign_id: str) -> None: ...
