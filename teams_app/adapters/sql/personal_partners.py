"""Learning partners as personal data: the pairings a person is in (their group and who their
partners were) and their coaching check-ins with the words they wrote. Nothing of it goes to
SharePoint.

Erase takes them out of every group (their partner's group shrinks: a pair leaves one person,
who gets no check-in about nobody and is told in `my partners` that the owner can pair again)
and removes their check-ins. Retention clears the words of check-ins answered before the cutoff
and keeps that they were answered, so a check-in already answered is never asked again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from teams_app.adapters.sql.partner_tables import (
    partner_checkins,
    partner_groups,
    partner_pairings,
)
from teams_app.adapters.sql.personal_source import HoldingsSource
from teams_app.domain.privacy import Erased, Holding

_groups, _checkins, _pairings = partner_groups.c, partner_checkins.c, partner_pairings.c


class SqlPartnerData(HoldingsSource):
    source = "partners"

    async def _holdings(self, person_id: str, *, details: bool) -> list[Holding]:
        c = self._connection
        mine = (await c.execute(
            select(partner_pairings, _groups.group_no)
            .join(partner_groups, _groups.pairing_id == _pairings.id)
            .where(_groups.person_id == person_id)
            .order_by(_pairings.created_at, _pairings.id))).mappings().all()
        held: list[Holding] = []
        for row in mine:
            partners: list[str] = []
            if details:
                partners = list((await c.execute(select(_groups.person_id).where(
                    _groups.pairing_id == row["id"], _groups.group_no == row["group_no"],
                    _groups.person_id != person_id).order_by(_groups.person_id))).scalars())
            held.append(Holding(
                self.source, "partner_group", row["id"], row["created_at"],
                details={"plan_id": row["plan_id"], "round_id": row["round_id"],
                         "partners": partners,
                         "every_weeks": row["every_weeks"], "chosen": row["chosen"],
                         "active": row["active"]} if details else {},
            ))
        check_ins = (await c.execute(select(partner_checkins).where(
            _checkins.person_id == person_id).order_by(
            _checkins.due_at, _checkins.pairing_id, _checkins.number))).mappings().all()
        held += [Holding(
            self.source, "partner_check_in", f"{r['pairing_id']}/{r['number']}",
            r["answered_at"] or r["sent_at"] or r["due_at"],
            details=_check_in_details(r) if details else {},
        ) for r in check_ins]
        return held

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        c = self._connection
        groups = (await c.execute(delete(partner_groups).where(
            _groups.person_id == person_id))).rowcount
        check_ins = (await c.execute(delete(partner_checkins).where(
            _checkins.person_id == person_id))).rowcount
        return Erased({"partner_groups": groups, "partner_check_ins": check_ins})

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        cleared = (await self._connection.execute(
            update(partner_checkins).where(
                _checkins.answered_at < before,
                (_checkins.went.is_not(None)) | (_checkins.would_help.is_not(None)))
            .values(went=None, would_help=None))).rowcount
        return Erased({"partner_check_in_answers": cleared})


def _check_in_details(row: Any) -> dict[str, Any]:
    return {"pairing_id": row["pairing_id"], "number": row["number"],
            "due_at": row["due_at"].isoformat(),
            "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
            "answered_at": row["answered_at"].isoformat() if row["answered_at"] else None,
            "went": row["went"], "would_help": row["would_help"]}
