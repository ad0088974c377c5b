"""A prompt: one person asked one round of a campaign. Kept apart from what they answered: a
prompt knows only *whether* it was answered, never what or when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from teams_app.domain.campaigns.delivery import PromptProgress


@dataclass(frozen=True)
class Prompt:
    campaign_id: str
    person_id: str
    round: str  # "once", "r<n>" for a recurring round, "occ:<occurrence key>" after an occurrence
    due_at: datetime  # when the round wanted it
    send_at: datetime  # in their working hours, after any postponement by the weekly cap
    postponed: int = 0  # weeks the cap pushed it (counted, never dropped)
    sent_at: datetime | None = None
    reminders_sent: int = 0
    answered: bool = False
    unreachable: str | None = None  # an Unreachable reason: the card could not be delivered

    @property
    def progress(self) -> PromptProgress:
        return PromptProgress(self.sent_at, self.reminders_sent, self.answered)
