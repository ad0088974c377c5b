"""Campaigns as personal data: a person's named responses (anonymous ones hold no person and
stay out of reach) and their prompts (who was asked). Erase removes the named responses and
hands back their SharePoint items; the prompts already sent are kept as counts under a random
id that names no one (the campaign's rates stay true), the ones not yet sent go."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update

from teams_app.adapters.sql.campaign_tables import (
    ERASED_PREFIX,
    ERASED_REASON,
    campaign_prompts,
    campaign_responses,
)
from teams_app.adapters.sql.personal_source import HoldingsSource
from teams_app.adapters.sql.results_tables import sharepoint_lists, sharepoint_outbox
from teams_app.domain.privacy import DATABASE, Erased, Holding, sharepoint


class SqlCampaignData(HoldingsSource):
    source = "campaigns"

    async def _holdings(self, person_id: str, *, details: bool) -> list[Holding]:
        c = self._connection
        responses = (await c.execute(select(campaign_responses).where(
            campaign_responses.c.person_id == person_id))).mappings().all()
        where = await self._lists_of([r["response_key"] for r in responses])
        held = [Holding(
            self.source, "response", r["response_key"], r["updated_at"] or r["submitted_at"],
            stored_in=(DATABASE, *where.get(r["response_key"], ())),
            details=_response_details(r) if details else {},
        ) for r in responses]
        prompts = (await c.execute(select(campaign_prompts).where(
            campaign_prompts.c.person_id == person_id))).mappings().all()
        held += [Holding(
            self.source, "prompt", f"{p['campaign_id']}/{p['round']}", p["sent_at"] or p["due_at"],
            details={"campaign_id": p["campaign_id"], "round": p["round"],
                     "due_at": p["due_at"].isoformat(),
                     "sent_at": p["sent_at"].isoformat() if p["sent_at"] else None,
                     "reminders_sent": p["reminders_sent"], "answered": p["answered"]}
            if details else {},
        ) for p in prompts]
        return held

    async def _lists_of(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Which SharePoint list each response went to (or is on its way to)."""
        if not keys:
            return {}
        rows = (await self._connection.execute(
            select(sharepoint_outbox.c.item_key, sharepoint_lists.c.name,
                   sharepoint_outbox.c.list_kind)
            .outerjoin(sharepoint_lists,
                       sharepoint_lists.c.list_kind == sharepoint_outbox.c.list_kind)
            .where(sharepoint_outbox.c.item_key.in_(keys),
                   sharepoint_outbox.c.operation == "upsert"))).all()
        found: dict[str, tuple[str, ...]] = {}
        for key, name, kind in rows:
            found[key] = (sharepoint(name or kind),)
        return found

    async def _items(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """(list kind, item key) of each response that was handed to the outbox."""
        if not keys:
            return []
        rows = (await self._connection.execute(
            select(sharepoint_outbox.c.list_kind, sharepoint_outbox.c.item_key)
            .where(sharepoint_outbox.c.item_key.in_(keys)).distinct())).all()
        return sorted((kind, key) for kind, key in rows)

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        c = self._connection
        keys = list((await c.execute(select(campaign_responses.c.response_key).where(
            campaign_responses.c.person_id == person_id))).scalars().all())
        items = await self._items(keys)
        removed = (await c.execute(delete(campaign_responses).where(
            campaign_responses.c.person_id == person_id))).rowcount
        unsent = (await c.execute(delete(campaign_prompts).where(
            campaign_prompts.c.person_id == person_id,
            campaign_prompts.c.sent_at.is_(None)))).rowcount
        sent = (await c.execute(select(campaign_prompts.c.campaign_id, campaign_prompts.c.round)
                                .where(campaign_prompts.c.person_id == person_id))).all()
        for campaign_id, round_ in sent:
            await c.execute(update(campaign_prompts).where(
                campaign_prompts.c.person_id == person_id,
                campaign_prompts.c.campaign_id == campaign_id,
                campaign_prompts.c.round == round_,
            ).values(person_id=f"{ERASED_PREFIX}{uuid.uuid4()}", unreachable=ERASED_REASON))
        return Erased({"named_responses": removed, "prompts_unsent": unsent,
                       "prompts_kept_as_counts": len(sent)}, list_items=tuple(items))

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        c = self._connection
        old = or_(and_(campaign_responses.c.updated_at.is_(None),
                       campaign_responses.c.submitted_at < before),
                  campaign_responses.c.updated_at < before)
        rows = (await c.execute(select(campaign_responses.c.response_key,
                                       campaign_responses.c.person_id).where(old))).all()
        if not rows:
            return Erased()
        keys = [key for key, _ in rows]
        items = await self._items(keys)
        for chunk in range(0, len(keys), 500):
            await c.execute(delete(campaign_responses).where(
                campaign_responses.c.response_key.in_(keys[chunk:chunk + 500])))
        named = sum(1 for _, person in rows if person is not None)
        return Erased({"named_responses": named, "anonymous_responses": len(rows) - named},
                      list_items=tuple(items))


def _response_details(row: Any) -> dict[str, Any]:
    return {"campaign_id": row["campaign_id"], "form_key": row["form_key"],
            "form_version": row["form_version"], "round": row["round"],
            "answers": row["answers"], "submitted_at": row["submitted_at"].isoformat(),
            "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None}
