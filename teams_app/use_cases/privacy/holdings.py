"""What Learning Loop holds about a person (`my data`) and the whole of it (export), from
every PersonalData source of the registry."""

from __future__ import annotations

from dataclasses import dataclass

from teams_app.domain.privacy import Holding, fingerprint
from teams_app.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class PersonalDataReport:
    person_id: str
    holdings: tuple[Holding, ...]
    fingerprint: str  # an erase confirmation made from this report carries it

    @property
    def erasable(self) -> int:
        return sum(1 for h in self.holdings if h.significant)


async def describe_person(person_id: str, *, uow: UnitOfWorkFactory) -> PersonalDataReport:
    async with uow(read_only=True) as tx:
        held = [h for source in tx.personal_data for h in await source.describe(person_id)]
    return PersonalDataReport(person_id, tuple(held), fingerprint(held))


async def export_person(person_id: str, *, uow: UnitOfWorkFactory) -> list[Holding]:
    async with uow(read_only=True) as tx:
        return [h for source in tx.personal_data for h in await source.export(person_id)]
