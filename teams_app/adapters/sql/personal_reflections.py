"""Reflection rounds as personal data: a person's named and private reflections (named ones
also in the SharePoint reflections list), their follow-ups and follow-up answers (the
follow-ups list), and the rounds they were asked in. Anonymous reflections hold no person and
stay out of reach of `my data`, export and erase.

Erase removes their reflections and follow-ups and hands back the SharePoint items; the round's
participant rows already sent are kept under a random id that names no one (marked erased and
reminded, so no card goes to it), so a round's counts stay true (asked, answered); a card not
yet sent is not sent. Retention removes reflections (named, private and anonymous) and
follow-ups last touched before the cutoff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from teams_app.adapters.sql.campaign_tables import ERASED_PREFIX, ERASED_REASON
from teams_app.adapters.sql.personal_source import HoldingsSource
from teams_app.adapters.sql.reflection_tables import (
    reflection_follow_ups,
    reflection_participants,
    reflections,
)
from teams_app.adapters.sql.results_tables import sharepoint_lists, sharepoint_outbox
from teams_app.domain.privacy import DATABASE, Erased, Holding, sharepoint
from teams_app.domain.results.lists import ListKind

_people, _refl, _fu = reflection_participants.c, reflections.c, reflection_follow_ups.c
_REFLECTION, _FOLLOW_UP = ListKind.REFLECTION.value, ListKind.FOLLOW_UP.value
_CHUNK = 500


class SqlReflectionData(HoldingsSource):
    source = "reflections"

    async def _holdings(self, person_id: str, *, details: bool) -> list[Holding]:
        c = self._connection
        kept = (await c.execute(select(reflections).where(_refl.person_id == person_id)
                                .order_by(_refl.submitted_at))).mappings().all()
        follow_ups = (await c.execute(select(reflection_follow_ups).where(
            _fu.person_id == person_id).order_by(_fu.due_at))).mappings().all()
        asked = (await c.execute(select(reflection_participants).where(
            _people.person_id == person_id).order_by(_people.round_id))).mappings().all()
        lists = await self._list_names()
        held = [Holding(
            self.source, "reflection", r["reflection_key"], r["submitted_at"],
            stored_in=_where(lists, _REFLECTION, r["exported"] and r["sharing"] == "named"),
            details=_reflection_details(r) if details else {},
        ) for r in kept]
        held += [Holding(
            self.source, "follow_up", f["id"], f["answered_at"] or f["due_at"],
            stored_in=_where(lists, _FOLLOW_UP, f["exported"]),
            details=_follow_up_details(f) if details else {},
        ) for f in follow_ups]
        held += [Holding(
            self.source, "reflection_round", p["round_id"], p["sent_at"],
            details={"round_id": p["round_id"],
                     "sent_at": p["sent_at"].isoformat() if p["sent_at"] else None,
                     "reminded": p["reminded"], "answered": p["answered"],
                     "unreachable": p["unreachable"]} if details else {},
        ) for p in asked]
        return held

    async def _list_names(self) -> dict[str, str]:
        rows = (await self._connection.execute(
            select(sharepoint_lists.c.list_kind, sharepoint_lists.c.name).where(
                sharepoint_lists.c.list_kind.in_([_REFLECTION, _FOLLOW_UP])))).all()
        return {kind: name for kind, name in rows}

    async def _items(self, list_kind: str, keys: Sequence[str], *, prefixes: bool = False
                     ) -> list[tuple[str, str]]:
        """(list kind, item key) of each item handed to the outbox: by key, or (follow-ups,
        one item per asking: `<id>:<ask>`) by key prefix."""
        found: set[tuple[str, str]] = set()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            key = sharepoint_outbox.c.item_key
            match = (or_(*(key.startswith(f"{k}:", autoescape=True) for k in chunk)) if prefixes
                     else key.in_(chunk))
            rows = (await self._connection.execute(
                select(sharepoint_outbox.c.list_kind, key).where(
                    sharepoint_outbox.c.list_kind == list_kind, match).distinct())).all()
            found.update((kind, item) for kind, item in rows)
        return sorted(found)

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        c = self._connection
        kept = (await c.execute(select(_refl.reflection_key, _refl.sharing).where(
            _refl.person_id == person_id))).all()
        follow_ups = list((await c.execute(select(_fu.id).where(
            _fu.person_id == person_id))).scalars())
        items = (await self._items(_REFLECTION, [k for k, _ in kept])
                 + await self._items(_FOLLOW_UP, follow_ups, prefixes=True))
        await c.execute(delete(reflections).where(_refl.person_id == person_id))
        await c.execute(delete(reflection_follow_ups).where(_fu.person_id == person_id))
        unsent = (await c.execute(delete(reflection_participants).where(
            _people.person_id == person_id, _people.sent_at.is_(None),
            _people.unreachable.is_(None)))).rowcount
        rounds = list((await c.execute(select(_people.round_id).where(
            _people.person_id == person_id))).scalars())
        for round_id in rounds:
            # Unreachable reasons stay as they were: the round counts them.
            await c.execute(update(reflection_participants).where(
                _people.round_id == round_id, _people.person_id == person_id,
            ).values(person_id=f"{ERASED_PREFIX}{uuid.uuid4()}", reminded=True,
                     unreachable=func.coalesce(_people.unreachable, ERASED_REASON)))
        named = sum(1 for _, sharing in kept if sharing == "named")
        return Erased({"named_reflections": named, "private_reflections": len(kept) - named,
                       "follow_ups": len(follow_ups), "rounds_unsent": unsent,
                       "rounds_kept_as_counts": len(rounds)}, list_items=tuple(items))

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        c = self._connection
        old = (await c.execute(select(_refl.reflection_key, _refl.person_id).where(
            _refl.submitted_at < before))).all()
        stale = func.coalesce(_fu.answered_at, _fu.due_at) < before
        follow_ups = list((await c.execute(select(_fu.id).where(stale))).scalars())
        if not old and not follow_ups:
            return Erased()
        keys = [key for key, _ in old]
        items = (await self._items(_REFLECTION, keys)
                 + await self._items(_FOLLOW_UP, follow_ups, prefixes=True))
        for start in range(0, len(keys), _CHUNK):
            await c.execute(delete(reflections).where(
                _refl.reflection_key.in_(keys[start:start + _CHUNK])))
        for start in range(0, len(follow_ups), _CHUNK):
            await c.execute(delete(reflection_follow_ups).where(
                _fu.id.in_(follow_ups[start:start + _CHUNK])))
        named = sum(1 for _, person in old if person is not None)
        return Erased({"named_reflections": named, "anonymous_reflections": len(old) - named,
                       "follow_ups": len(follow_ups)}, list_items=tuple(items))


def _where(lists: dict[str, str], kind: str, listed: bool) -> tuple[str, ...]:
    return (DATABASE, sharepoint(lists.get(kind, kind))) if listed else (DATABASE,)


def _reflection_details(row: Any) -> dict[str, Any]:
    return {"round_id": row["round_id"], "sharing": row["sharing"], "form_key": row["form_key"],
            "form_version": row["form_version"], "answers": row["answers"],
            "submitted_at": row["submitted_at"].isoformat(), "late": row["late"]}


def _follow_up_details(row: Any) -> dict[str, Any]:
    return {"round_id": row["round_id"], "action": row["action"],
            "action_by": row["action_by"].isoformat() if row["action_by"] else None,
            "planned_on": row["planned_on"].isoformat(), "due_at": row["due_at"].isoformat(),
            "ask": row["ask"], "state": row["state"], "applied": row["applied"],
            "answers": row["answers"],
            "answered_at": row["answered_at"].isoformat() if row["answered_at"] else None}
