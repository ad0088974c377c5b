"""SQL store of learning partners (ports.partners.PartnerRepository)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.partner_tables import (
    partner_checkins,
    partner_groups,
    partner_pairings,
)
from teams_app.domain.partners import Pairing, PairingSource, SourceKind
from teams_app.ports.partners import PartnerCheckIn


class SqlPartnerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, pairing: Pairing) -> None:
        await self._connection.execute(
            update(partner_pairings).where(_of(pairing.source)).values(active=False))
        await self._connection.execute(partner_pairings.insert().values(
            id=pairing.id, plan_id=pairing.plan_id, round_id=pairing.round_id,
            every_weeks=pairing.every_weeks, created_at=pairing.created_at,
            chosen=pairing.chosen, cycle=pairing.cycle, active=True))
        await self._connection.execute(partner_groups.insert(), [
            {"pairing_id": pairing.id, "person_id": person, "group_no": number}
            for number, group in enumerate(pairing.groups) for person in group])

    async def active(self, source: PairingSource) -> Pairing | None:
        found = await self._pairings(_of(source), partner_pairings.c.active.is_(True))
        return found[0] if found else None

    async def get(self, pairing_id: str) -> Pairing | None:
        found = await self._pairings(partner_pairings.c.id == pairing_id)
        return found[0] if found else None

    async def history(self, source: PairingSource) -> list[Pairing]:
        return await self._pairings(_of(source))

    async def of_plan(self, plan_id: str) -> list[Pairing]:
        return await self.history(PairingSource(SourceKind.PLAN, plan_id))

    async def of_round(self, round_id: str) -> list[Pairing]:
        return await self.history(PairingSource(SourceKind.ROUND, round_id))

    async def active_pairings(self) -> list[Pairing]:
        return await self._pairings(partner_pairings.c.active.is_(True))

    async def active_of_person(self, person_id: str) -> list[Pairing]:
        mine = select(partner_groups.c.pairing_id).where(partner_groups.c.person_id == person_id)
        return await self._pairings(partner_pairings.c.active.is_(True),
                                    partner_pairings.c.id.in_(mine))

    async def add_check_ins(self, check_ins: Sequence[PartnerCheckIn]) -> int:
        if not check_ins:
            return 0
        insert = insert_for(self._connection)(partner_checkins).on_conflict_do_nothing()
        result = await self._connection.execute(insert, [
            {"pairing_id": c.pairing_id, "person_id": c.person_id, "number": c.number,
             "due_at": c.due_at} for c in check_ins])
        return max(result.rowcount or 0, 0)

    async def check_in(self, pairing_id: str, person_id: str, number: int
                       ) -> PartnerCheckIn | None:
        row = (await self._connection.execute(select(partner_checkins).where(
            partner_checkins.c.pairing_id == pairing_id,
            partner_checkins.c.person_id == person_id,
            partner_checkins.c.number == number))).mappings().first()
        return _check_in(row) if row is not None else None

    async def mark_sent(self, check_in: PartnerCheckIn, *, at: datetime) -> None:
        await self._connection.execute(
            update(partner_checkins).where(*_key(check_in)).values(sent_at=at))

    async def mark_unreachable(self, check_in: PartnerCheckIn, reason: str) -> None:
        await self._connection.execute(
            update(partner_checkins).where(*_key(check_in)).values(unreachable=reason))

    async def mark_unannounced(self, pairing_id: str, person_id: str, reason: str) -> None:
        await self._connection.execute(
            update(partner_groups).where(partner_groups.c.pairing_id == pairing_id,
                                         partner_groups.c.person_id == person_id)
            .values(unreachable=reason))

    async def unreached(self, pairing_id: str) -> dict[str, int]:
        counted: dict[str, int] = {}
        for table in (partner_groups, partner_checkins):
            rows = (await self._connection.execute(
                select(table.c.unreachable, func.count())
                .where(table.c.pairing_id == pairing_id, table.c.unreachable.is_not(None))
                .group_by(table.c.unreachable))).all()
            for reason, n in rows:
                counted[reason] = counted.get(reason, 0) + n
        return counted

    async def answer(self, check_in: PartnerCheckIn, *, went: str, would_help: str,
                     at: datetime) -> bool:
        result = await self._connection.execute(
            update(partner_checkins)
            .where(*_key(check_in), partner_checkins.c.answered_at.is_(None))
            .values(answered_at=at, went=went, would_help=would_help))
        return (result.rowcount or 0) == 1

    async def _pairings(self, *where: Any) -> list[Pairing]:
        rows = (await self._connection.execute(
            select(partner_pairings).where(*where).order_by(partner_pairings.c.created_at,
                                                            partner_pairings.c.id)
        )).mappings().all()
        if not rows:
            return []
        members = (await self._connection.execute(
            select(partner_groups).where(partner_groups.c.pairing_id.in_([r["id"] for r in rows]))
            .order_by(partner_groups.c.pairing_id, partner_groups.c.group_no,
                      partner_groups.c.person_id)
        )).mappings().all()
        groups: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for member in members:
            groups[member["pairing_id"]][member["group_no"]].append(member["person_id"])
        return [
            Pairing(r["id"], r["plan_id"],
                    tuple(tuple(g) for _, g in sorted(groups[r["id"]].items())),
                    r["every_weeks"], r["created_at"], chosen=r["chosen"], cycle=r["cycle"],
                    round_id=r["round_id"])
            for r in rows
        ]


def _of(source: PairingSource) -> Any:
    column = (partner_pairings.c.round_id if source.kind is SourceKind.ROUND
              else partner_pairings.c.plan_id)
    return column == source.id


def _key(check_in: PartnerCheckIn) -> tuple[Any, ...]:
    return (partner_checkins.c.pairing_id == check_in.pairing_id,
            partner_checkins.c.person_id == check_in.person_id,
            partner_checkins.c.number == check_in.number)


def _check_in(row: Any) -> PartnerCheckIn:
    return PartnerCheckIn(row["pairing_id"], row["person_id"], row["number"], row["due_at"],
                          row["sent_at"], row["unreachable"], row["answered_at"], row["went"],
                          row["would_help"])
