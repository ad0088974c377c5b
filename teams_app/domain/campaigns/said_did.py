""""You said, we did": what the owner changed because of the answers, told to everyone the
campaign asked (DESIGN.md 2, "After"), so people see their input used."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from teams_app.domain.campaigns.campaigns import CampaignError

MAX_TEXT = 2000  # a few paragraphs: a card, not a report


class SaidDidEmpty(CampaignError):
    code = "campaign_said_did_empty"
    field = "said_did"


class SaidDidTooLong(CampaignError):
    code = "campaign_said_did_too_long"
    field = "said_did"


class SaidDidChanged(CampaignError):
    """The card was made before another message was sent: it sends nothing (a double click, a
    retry, or an old card) and shows the report as it is now."""

    code = "campaign_said_did_changed"


@dataclass(frozen=True)
class SaidDid:
    id: str
    campaign_id: str
    text: str = field(repr=False)  # the owner's words: stored and sent, never logged
    at: datetime
    sent: int = 0  # people the card reached
    unreachable: int = 0  # people it could not reach (counted, with the prompts' reasons)

    @classmethod
    def write(cls, *, id: str, campaign_id: str, text: str, at: datetime) -> SaidDid:
        words = text.strip()
        if not words:
            raise SaidDidEmpty()
        if len(words) > MAX_TEXT:
            raise SaidDidTooLong(MAX_TEXT)
        return cls(id, campaign_id, words, at)
