"""The learning partners' store: pairings of a plan or a reflection round, and their coaching
check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from teams_app.domain.partners import Pairing, PairingSource


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
    async def add(self, pairing: Pairing) -> None: ...  # the source's others become inactive
    async def active(self, source: PairingSource) -> Pairing | None: ...
    async def get(self, pairing_id: str) -> Pairing | None: ...
    async def history(self, source: PairingSource) -> list[Pairing]: ...  # oldest first
    async def of_plan(self, plan_id: str) -> list[Pairing]: ...  # oldest first
    async def of_round(self, round_id: str) -> list[Pairing]: ...  # oldest first
    async def active_pairings(self) -> list[Pairing]: ...
    async def active_of_person(self, person_id: str) -> list[Pairing]: ...
    async def add_check_ins(self, check_ins: Sequence[PartnerCheckIn]) -> int: ...  # new ones
    async def check_in(self, pairing_id: str, person_id: str, number: int
                       ) -> PartnerCheckIn | None: ...
    async def mark_sent(self, check_in: PartnerCheckIn, *, at: datetime) -> None: ...
    async def mark_unreachable(self, check_in: PartnerCheckIn, reason: str) -> None: ...
    # A round pairing's "your partners" card that could not reach the person, and why.
    async def mark_unannounced(self, pairing_id: str, person_id: str, reason: str) -> None: ...
    # Cards of the pairing that reached nobody, by reason (announcements and check-ins).
    async def unreached(self, pairing_id: str) -> dict[str, int]: ...
    # False when it was answered already (the row is the lock: one answer per check-in).
    async def answer(self, check_in: PartnerCheckIn, *, went: str, would_help: str,
                     at: datetime) -> bool: ...
