"""SQL store of campaigns, prompts and responses (ports.campaigns.CampaignRepository)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.campaign_tables import (
    ERASED_REASON,
    campaign_prompts,
    campaign_responses,
    campaign_said_did,
    campaigns,
)
from teams_app.adapters.sql.dialects import insert_for
from teams_app.domain.campaigns.campaigns import (
    Audience,
    AudienceKind,
    Campaign,
    CampaignSpec,
    CampaignState,
    Timing,
    TimingKind,
)
from teams_app.domain.campaigns.prompts import Prompt
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.campaigns.said_did import SaidDid
from teams_app.ports.campaigns import PromptCounts


class SqlCampaignRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, campaign: Campaign) -> None:
        await self._connection.execute(campaigns.insert().values(
            id=campaign.id, owner_id=campaign.owner_id, spec=spec_to_json(campaign.spec),
            state=campaign.state.value, closes_at=campaign.spec.closes_at,
            created_at=campaign.created_at, closed_at=campaign.closed_at,
        ))

    async def get(self, campaign_id: str) -> Campaign | None:
        row = (await self._connection.execute(
            select(campaigns).where(campaigns.c.id == campaign_id)
        )).mappings().first()
        return None if row is None else _campaign(row)

    async def close(self, campaign: Campaign) -> None:
        await self._connection.execute(update(campaigns).where(campaigns.c.id == campaign.id)
                                       .values(state=campaign.state.value,
                                               closed_at=campaign.closed_at))

    async def of_owner(self, owner_id: str) -> list[Campaign]:
        rows = (await self._connection.execute(
            select(campaigns).where(campaigns.c.owner_id == owner_id)
            .order_by(campaigns.c.created_at, campaigns.c.id)
        )).mappings()
        return [_campaign(row) for row in rows]

    async def open_campaigns(self) -> list[Campaign]:
        rows = (await self._connection.execute(
            select(campaigns).where(campaigns.c.state == CampaignState.OPEN.value)
            .order_by(campaigns.c.created_at, campaigns.c.id)
        )).mappings()
        return [_campaign(row) for row in rows]

    # --- prompts ------------------------------------------------------------------------------

    async def add_prompts(self, prompts: Sequence[Prompt]) -> int:
        if not prompts:
            return 0
        insert = insert_for(self._connection)(campaign_prompts).on_conflict_do_nothing(
            index_elements=["campaign_id", "person_id", "round"]
        ).returning(campaign_prompts.c.person_id)
        # RETURNING gives the rows inserted on both databases (asyncpg reports no rowcount
        # for many rows).
        result = await self._connection.execute(insert, [_prompt_row(p) for p in prompts])
        return len(result.all())

    async def prompt(self, campaign_id: str, person_id: str, round: str) -> Prompt | None:
        row = (await self._connection.execute(
            select(campaign_prompts).where(_prompt_is(campaign_id, person_id, round))
        )).mappings().first()
        return None if row is None else _prompt(row)

    async def prompts_of(self, campaign_id: str, round: str | None = None) -> list[Prompt]:
        query = select(campaign_prompts).where(campaign_prompts.c.campaign_id == campaign_id)
        if round is not None:
            query = query.where(campaign_prompts.c.round == round)
        rows = (await self._connection.execute(
            query.order_by(campaign_prompts.c.send_at, campaign_prompts.c.person_id)
        )).mappings()
        return [_prompt(row) for row in rows]

    async def send_times(
        self, person_ids: Sequence[str], *, since: datetime
    ) -> dict[str, list[datetime]]:
        found: dict[str, list[datetime]] = {p: [] for p in person_ids}
        for chunk in _chunks(list(person_ids)):
            rows = await self._connection.execute(
                select(campaign_prompts.c.person_id, campaign_prompts.c.send_at)
                .where(campaign_prompts.c.person_id.in_(chunk),
                       campaign_prompts.c.send_at >= since - timedelta(days=7))
            )
            for person, send_at in rows:
                found[person].append(send_at)
        return found

    async def mark_sent(self, prompt: Prompt, *, at: datetime) -> None:
        await self._update(prompt, sent_at=at, unreachable=None)

    async def mark_reminded(self, prompt: Prompt, number: int) -> None:
        await self._update(prompt, reminders_sent=number)

    async def mark_unreachable(self, prompt: Prompt, reason: str) -> None:
        await self._update(prompt, unreachable=reason)

    async def mark_answered(self, campaign_id: str, person_id: str, round: str) -> bool:
        result = await self._connection.execute(
            update(campaign_prompts)
            .where(_prompt_is(campaign_id, person_id, round),
                   campaign_prompts.c.answered.is_(False))
            .values(answered=True)
        )
        return result.rowcount == 1

    async def waiting_for_answers(self, *, sent_before: datetime) -> list[Prompt]:
        rows = (await self._connection.execute(
            select(campaign_prompts)
            .join(campaigns, campaigns.c.id == campaign_prompts.c.campaign_id)
            .where(campaign_prompts.c.answered.is_(False),
                   campaign_prompts.c.sent_at.is_not(None),
                   # a prompt kept as a count after its person erased their data
                   or_(campaign_prompts.c.unreachable.is_(None),
                       campaign_prompts.c.unreachable != ERASED_REASON),
                   campaign_prompts.c.sent_at <= sent_before,
                   campaigns.c.state == CampaignState.OPEN.value)
            .order_by(campaign_prompts.c.sent_at)
        )).mappings()
        return [_prompt(row) for row in rows]

    async def counts(self, campaign_id: str) -> PromptCounts:
        p = campaign_prompts.c
        row = (await self._connection.execute(
            select(
                func.count(),
                func.count(p.sent_at),
                func.coalesce(func.sum(p.answered.cast(Integer)), 0),
                func.coalesce(func.sum((p.postponed > 0).cast(Integer)), 0),
                func.count(p.unreachable),
            ).where(p.campaign_id == campaign_id)
        )).one()
        return PromptCounts(*(int(value or 0) for value in row))

    async def _update(self, prompt: Prompt, **values: Any) -> None:
        await self._connection.execute(
            update(campaign_prompts)
            .where(_prompt_is(prompt.campaign_id, prompt.person_id, prompt.round))
            .values(**values)
        )

    # --- responses ----------------------------------------------------------------------------

    async def add_response(self, response: StoredResponse) -> None:
        await self._connection.execute(campaign_responses.insert().values(
            response_key=response.key, campaign_id=response.campaign_id,
            form_key=response.form_key, form_version=response.form_version,
            person_id=response.person_id, round=response.round, answers=dict(response.answers),
            submitted_at=response.submitted_at, updated_at=response.updated_at, exported=False,
        ))

    async def named_response(
        self, campaign_id: str, round: str, person_id: str
    ) -> StoredResponse | None:
        r = campaign_responses.c
        row = (await self._connection.execute(
            select(campaign_responses).where(r.campaign_id == campaign_id, r.round == round,
                                             r.person_id == person_id)
        )).mappings().first()
        return None if row is None else _response(row)

    async def update_response(
        self, key: str, answers: Mapping[str, str], *, at: datetime
    ) -> None:
        await self._connection.execute(
            update(campaign_responses).where(campaign_responses.c.response_key == key)
            .values(answers=dict(answers), updated_at=at, exported=False)
        )

    async def responses(self, campaign_id: str) -> list[StoredResponse]:
        rows = (await self._connection.execute(
            select(campaign_responses).where(campaign_responses.c.campaign_id == campaign_id)
            .order_by(campaign_responses.c.response_key)  # random: no order of arrival
        )).mappings()
        return [_response(row) for row in rows]

    async def unexported_responses(self, limit: int) -> list[StoredResponse]:
        r = campaign_responses.c
        rows = (await self._connection.execute(
            select(campaign_responses).where(r.exported.is_(False))
            .order_by(r.response_key).limit(limit)
        )).mappings()
        return [_response(row) for row in rows]

    async def mark_exported(self, keys: Sequence[str]) -> None:
        for chunk in _chunks(list(keys)):
            await self._connection.execute(
                update(campaign_responses)
                .where(campaign_responses.c.response_key.in_(chunk)).values(exported=True)
            )

    async def blur_answers(self, campaign_id: str) -> None:
        # PostgreSQL writes a new row version even when no value changes: that is the point.
        # SQLite keeps no writer's id on a row: nothing to blur there.
        if self._connection.dialect.name != "postgresql":
            return
        p, r = campaign_prompts.c, campaign_responses.c
        await self._connection.execute(
            update(campaign_prompts).where(p.campaign_id == campaign_id, p.answered.is_(True))
            .values(answered=p.answered)
        )
        await self._connection.execute(
            update(campaign_responses).where(r.campaign_id == campaign_id, r.person_id.is_(None))
            .values(exported=r.exported)
        )

    async def add_said_did(self, said_did: SaidDid) -> None:
        await self._connection.execute(campaign_said_did.insert().values(
            id=said_did.id, campaign_id=said_did.campaign_id, text=said_did.text,
            created_at=said_did.at, sent=said_did.sent, unreachable=said_did.unreachable))

    async def said_dids(self, campaign_id: str) -> list[SaidDid]:
        s = campaign_said_did.c
        rows = (await self._connection.execute(
            select(campaign_said_did).where(s.campaign_id == campaign_id)
            .order_by(s.created_at, s.id)
        )).mappings()
        return [SaidDid(r["id"], r["campaign_id"], r["text"], r["created_at"], r["sent"],
                        r["unreachable"]) for r in rows]

    async def count_said_did(self, said_did_id: str, *, reached: bool) -> None:
        s = campaign_said_did.c
        column = s.sent if reached else s.unreachable
        await self._connection.execute(update(campaign_said_did).where(s.id == said_did_id)
                                       .values({column.name: column + 1}))


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _prompt_is(campaign_id: str, person_id: str, round: str) -> Any:
    p = campaign_prompts.c
    return and_(p.campaign_id == campaign_id, p.person_id == person_id, p.round == round)


def _prompt_row(prompt: Prompt) -> dict[str, Any]:
    return {
        "campaign_id": prompt.campaign_id, "person_id": prompt.person_id, "round": prompt.round,
        "due_at": prompt.due_at, "send_at": prompt.send_at, "postponed": prompt.postponed,
        "sent_at": prompt.sent_at, "reminders_sent": prompt.reminders_sent,
        "answered": prompt.answered, "unreachable": prompt.unreachable,
    }


def _prompt(row: Mapping[str, Any]) -> Prompt:
    return Prompt(
        campaign_id=row["campaign_id"], person_id=row["person_id"], round=row["round"],
        due_at=row["due_at"], send_at=row["send_at"], postponed=row["postponed"],
        sent_at=row["sent_at"], reminders_sent=row["reminders_sent"],
        answered=bool(row["answered"]), unreachable=row["unreachable"],
    )


def _response(row: Mapping[str, Any]) -> StoredResponse:
    return StoredResponse(
        key=row["response_key"], campaign_id=row["campaign_id"], form_key=row["form_key"],
        form_version=row["form_version"], answers=dict(row["answers"]),
        submitted_at=row["submitted_at"], person_id=row["person_id"], round=row["round"],
        updated_at=row["updated_at"],
    )


def _campaign(row: Mapping[str, Any]) -> Campaign:
    return Campaign(
        id=row["id"], owner_id=row["owner_id"], spec=spec_from_json(row["spec"]),
        created_at=row["created_at"], state=CampaignState(row["state"]),
        closed_at=row["closed_at"],
    )


def spec_to_json(spec: CampaignSpec) -> dict[str, Any]:
    audience, timing = spec.audience, spec.timing
    return {
        "form_key": spec.form_key,
        "form_version": spec.form_version,
        "audience": {"kind": audience.kind.value, "plan_id": audience.plan_id,
                     "group_id": audience.group_id, "people": list(audience.people)},
        "timing": {"kind": timing.kind.value,
                   "first_at": timing.first_at.isoformat() if timing.first_at else None,
                   "every_weeks": timing.every_weeks,
                   "after_seconds": int(timing.after.total_seconds())},
        "closes_at": spec.closes_at.isoformat(),
        "anonymous": spec.anonymous,
        "k": spec.k,
        "reminder_seconds": [int(r.total_seconds()) for r in spec.reminders],
        "support_contact": spec.support_contact,
    }


def spec_from_json(data: dict[str, Any]) -> CampaignSpec:
    audience, timing = data["audience"], data["timing"]
    first_at = timing.get("first_at")
    return CampaignSpec(
        form_key=data["form_key"],
        form_version=int(data["form_version"]),
        audience=Audience(AudienceKind(audience["kind"]), plan_id=audience.get("plan_id"),
                          group_id=audience.get("group_id"),
                          people=tuple(audience.get("people") or ())),
        timing=Timing(TimingKind(timing["kind"]),
                      first_at=datetime.fromisoformat(first_at) if first_at else None,
                      every_weeks=timing.get("every_weeks"),
                      after=timedelta(seconds=int(timing.get("after_seconds") or 0))),
        closes_at=datetime.fromisoformat(data["closes_at"]),
        anonymous=bool(data["anonymous"]),
        k=int(data["k"]),
        reminders=tuple(timedelta(seconds=int(s)) for s in data["reminder_seconds"]),
        support_contact=data.get("support_contact"),
    )
