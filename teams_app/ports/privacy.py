"""A person's own data (DESIGN.md section 8): one PersonalData source per place that holds
something about a person, collected in bootstrap's registry and reached through the unit of
work (`tx.personal_data`), so a new capability's data joins `my data`, export, erase and
retention with one adapter and one line; and the erasure log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from teams_app.domain.privacy import Erased, Holding

# Job kinds: the person's series deleted from their calendar after an erase (payload: the
# person, event ids and marks: ids only), and the daily retention sweep.
RELEASE_SERIES = "privacy.release_series"
RETENTION = "privacy.retention"


class PersonalData(Protocol):
    """Everything one source holds about a person, on the unit of work's transaction."""

    source: str

    async def describe(self, person_id: str) -> list[Holding]: ...  # no details
    async def export(self, person_id: str) -> list[Holding]: ...  # with details
    # Removes what names the person; what only counts them stays, unlinked.
    async def erase(self, person_id: str, *, at: datetime) -> Erased: ...
    # Answers recorded before `before`, named or anonymous, removed the same way (retention).
    async def expire(self, before: datetime, *, at: datetime) -> Erased: ...


@dataclass(frozen=True)
class Erasure:
    """One erase, without personal content: when, who asked, the keyed hash, counts."""

    at: datetime
    by: str  # self | admin | retention
    person_hash: str | None  # None for retention, which erases by age, not by person
    counts: Mapping[str, int] = field(default_factory=dict)


class ErasureLog(Protocol):
    async def record(self, erasure: Erasure) -> None: ...
    async def recent(self, limit: int) -> list[Erasure]: ...
    # A random key made once and kept (the erasure log's hash, the export links' signature),
    # unless the admin set one (LEARNING_LOOP_PRIVACY_KEY).
    async def key(self, name: str) -> bytes: ...
