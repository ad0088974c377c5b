"""The learning partners' store: pairings of a plan and their coaching check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from teams_app.domain.partners import Pairing


@dataclass(frozen=True)
class PartnerCheckIn:
    pairing_id: str
    person_id: str
    number: int
    due_at: datetime
    sent_at: datetime | None = None
    unreachable: str | None = None
    answered_at: datetime | None = None
    went: str | None = field(default=None, repr=False)  # their own words: never in logs
    would_help: str | None = field(default=None, repr=False)


class PartnerRepository(Protocol):
    async def add(self, pairing: Pairing) -> None: ...  # the plan's others become inactive
    async def active(self, plan_id: str) -> Pairing | None: ...
    async def get(self, pairing_id: str) -> Pairing | None: ...
    async def of_plan(self, plan_id: str) -> list[Pairing]: ...  # oldest first
    async def active_pairings(self) -> list[Pairing]: ...
    async def active_of_person(self, person_id: str) -> list[Pairing]: ...
    async def add_check_ins(self, check_ins: Sequence[PartnerCheckIn]) -> int: ...  # new ones
    async def check_in(self, pairing_id: str, person_id: str, number: int
                       ) -> PartnerCheckIn | None: ...
    async def mark_sent(self, check_in: PartnerCheckIn, *, at: datetime) -> None: ...
    async def mark_unreachable(self, check_in: PartnerCheckIn, reason: str) -> None: ...
    # False when it was answered already (the row is the lock: one answer per check-in).
    async def answer(self, check_in: PartnerCheckIn, *, went: str, would_help: str,
                     at: datetime) -> bool: ...
