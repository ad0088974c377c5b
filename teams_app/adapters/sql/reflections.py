"""SQL store of reflection rounds, participants, reflections and follow-ups
(ports.reflections.ReflectionRepository)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.campaign_tables import ERASED_PREFIX
from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.reflection_tables import (
    reflection_follow_ups,
    reflection_participants,
    reflection_rounds,
    reflections,
)
from teams_app.domain.reflections.follow_ups import Applied, FollowUp, FollowUpState
from teams_app.domain.reflections.rounds import (
    Participant,
    Round,
    RoundState,
    Source,
    plan_rounds_prefix,
)
from teams_app.domain.reflections.sharing import Sharing, StoredReflection
from teams_app.ports.reflections import ParticipantCounts, PersonReflections

_rounds, _people, _refl, _fu = (reflection_rounds.c, reflection_participants.c, reflections.c,
                                reflection_follow_ups.c)


class SqlReflectionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    # --- rounds -------------------------------------------------------------------------------

    async def add_round(self, rnd: Round) -> bool:
        insert = insert_for(self._connection)(reflection_rounds).values(
            id=rnd.id, source=rnd.source.value, source_key=rnd.source_key,
            conversation_id=rnd.conversation_id, organiser_id=rnd.organiser_id,
            form_key=rnd.form_key, form_version=rnd.form_version, opened_at=rnd.opened_at,
            closes_at=rnd.closes_at, k=rnd.k, state=rnd.state.value,
            summary_outcome=rnd.summary_outcome,
        ).on_conflict_do_nothing(index_elements=["source_key"]).returning(_rounds.id)
        return (await self._connection.execute(insert)).first() is not None

    async def round(self, round_id: str) -> Round | None:
        return await self._one(_rounds.id == round_id)

    async def round_by_source(self, source_key: str) -> Round | None:
        return await self._one(_rounds.source_key == source_key)

    async def open_round_in(self, conversation_id: str) -> Round | None:
        return await self._one(_rounds.conversation_id == conversation_id,
                               _rounds.state == RoundState.OPEN.value)

    async def rounds_closing(self, *, before: datetime) -> list[Round]:
        rows = (await self._connection.execute(
            select(reflection_rounds).where(_rounds.state == RoundState.OPEN.value,
                                            _rounds.closes_at <= before)
            .order_by(_rounds.closes_at, _rounds.id)
        )).mappings()
        return [_round(row) for row in rows]

    async def recent_rounds(self, limit: int) -> list[Round]:
        rows = (await self._connection.execute(
            select(reflection_rounds).order_by(_rounds.opened_at.desc(), _rounds.id).limit(limit)
        )).mappings()
        return [_round(row) for row in rows]

    async def rounds_of_plan(self, plan_id: str) -> list[Round]:
        """The rounds after the plan's kept sessions (their source key names the plan)."""
        rows = (await self._connection.execute(
            select(reflection_rounds).where(
                _rounds.source_key.startswith(plan_rounds_prefix(plan_id), autoescape=True))
            .order_by(_rounds.opened_at, _rounds.id)
        )).mappings()
        return [_round(row) for row in rows]

    async def mark_summarised(self, round_id: str, outcome: str) -> bool:
        result = await self._connection.execute(
            update(reflection_rounds)
            .where(_rounds.id == round_id, _rounds.state == RoundState.OPEN.value)
            .values(state=RoundState.SUMMARISED.value, summary_outcome=outcome)
            .returning(_rounds.id)
        )
        return result.first() is not None

    async def _one(self, *where: Any) -> Round | None:
        row = (await self._connection.execute(
            select(reflection_rounds).where(*where).limit(1)
        )).mappings().first()
        return None if row is None else _round(row)

    # --- participants -------------------------------------------------------------------------

    async def add_participants(self, round_id: str, person_ids: Sequence[str]) -> int:
        if not person_ids:
            return 0
        insert = insert_for(self._connection)(reflection_participants).on_conflict_do_nothing(
            index_elements=["round_id", "person_id"]
        ).returning(_people.person_id)
        rows = [{"round_id": round_id, "person_id": p, "sent_at": None, "reminded": False,
                 "answered": False, "unreachable": None} for p in dict.fromkeys(person_ids)]
        return len((await self._connection.execute(insert, rows)).all())

    async def participant(self, round_id: str, person_id: str) -> Participant | None:
        row = (await self._connection.execute(
            select(reflection_participants).where(_people.round_id == round_id,
                                                  _people.person_id == person_id)
        )).mappings().first()
        return None if row is None else _participant(row)

    async def participants(self, round_id: str) -> list[Participant]:
        rows = (await self._connection.execute(
            select(reflection_participants).where(_people.round_id == round_id)
            .order_by(_people.person_id)
        )).mappings()
        return [_participant(row) for row in rows]

    async def named_participants(self, round_id: str) -> list[str]:
        rows = await self._connection.execute(
            select(_people.person_id).where(_people.round_id == round_id,
                                            _people.person_id.not_like(f"{ERASED_PREFIX}%"))
            .order_by(_people.person_id))
        return list(rows.scalars())

    async def mark_sent(self, round_id: str, person_id: str, *, at: datetime) -> None:
        await self._set(round_id, person_id, sent_at=at, unreachable=None)

    async def mark_reminded(self, round_id: str, person_id: str) -> None:
        await self._set(round_id, person_id, reminded=True)

    async def mark_unreachable(self, round_id: str, person_id: str, reason: str) -> None:
        await self._set(round_id, person_id, unreachable=reason)

    async def mark_answered(self, round_id: str, person_id: str) -> bool:
        result = await self._connection.execute(
            update(reflection_participants)
            .where(_people.round_id == round_id, _people.person_id == person_id,
                   _people.answered.is_(False))
            .values(answered=True).returning(_people.person_id)
        )
        return result.first() is not None

    async def counts(self, round_id: str) -> ParticipantCounts:
        rows = (await self._connection.execute(
            select(_people.sent_at.is_not(None), _people.answered, _people.unreachable,
                   func.count()).where(_people.round_id == round_id)
            .group_by(_people.sent_at.is_not(None), _people.answered, _people.unreachable)
        )).all()
        asked = sent = answered = 0
        unreachable: dict[str, int] = {}
        for was_sent, was_answered, reason, n in rows:
            asked += n
            sent += n if was_sent else 0
            answered += n if was_answered else 0
            if reason and not was_sent:
                unreachable[reason] = unreachable.get(reason, 0) + n
        return ParticipantCounts(asked, sent, answered, unreachable)

    async def _set(self, round_id: str, person_id: str, **values: Any) -> None:
        await self._connection.execute(
            update(reflection_participants)
            .where(_people.round_id == round_id, _people.person_id == person_id).values(**values)
        )

    # --- reflections --------------------------------------------------------------------------

    async def add_reflection(self, reflection: StoredReflection) -> None:
        await self._connection.execute(reflections.insert().values(
            reflection_key=reflection.key, round_id=reflection.round_id,
            sharing=reflection.sharing.value, form_key=reflection.form_key,
            form_version=reflection.form_version, person_id=reflection.person_id,
            answers=dict(reflection.answers), submitted_at=reflection.submitted_at,
            late=reflection.late, exported=False,
        ))

    async def reflections_of(self, round_id: str) -> list[StoredReflection]:
        rows = (await self._connection.execute(
            select(reflections).where(_refl.round_id == round_id)
            .order_by(_refl.reflection_key)
        )).mappings()
        return [_reflection(row) for row in rows]

    async def reflection_of(self, round_id: str, person_id: str) -> StoredReflection | None:
        row = (await self._connection.execute(
            select(reflections).where(_refl.round_id == round_id, _refl.person_id == person_id)
        )).mappings().first()
        return None if row is None else _reflection(row)

    async def blur_answers(self, round_id: str) -> None:
        # PostgreSQL writes a new row version even when no value changes: that is the point.
        # SQLite keeps no writer's id on a row.
        if self._connection.dialect.name != "postgresql":
            return
        await self._connection.execute(
            update(reflection_participants)
            .where(_people.round_id == round_id, _people.answered.is_(True))
            .values(answered=_people.answered)
        )
        await self._connection.execute(
            update(reflections).where(_refl.round_id == round_id, _refl.person_id.is_(None))
            .values(exported=_refl.exported)
        )

    async def unexported_reflections(self, limit: int) -> list[StoredReflection]:
        rows = (await self._connection.execute(
            select(reflections).where(_refl.exported.is_(False))
            .order_by(_refl.reflection_key).limit(limit)
        )).mappings()
        return [_reflection(row) for row in rows]

    async def mark_reflections_exported(self, keys: Sequence[str]) -> None:
        if keys:
            await self._connection.execute(
                update(reflections).where(_refl.reflection_key.in_(list(keys)))
                .values(exported=True))

    # --- follow-ups ---------------------------------------------------------------------------

    async def add_follow_up(self, follow_up: FollowUp) -> None:
        insert = insert_for(self._connection)(reflection_follow_ups).values(
            **_follow_up_row(follow_up), answers=None, exported=False,
        ).on_conflict_do_nothing(index_elements=["reflection_key"])
        await self._connection.execute(insert)

    async def follow_up(self, follow_up_id: str) -> FollowUp | None:
        row = (await self._connection.execute(
            select(reflection_follow_ups).where(_fu.id == follow_up_id)
        )).mappings().first()
        return None if row is None else _follow_up(row)

    async def save_follow_up(
        self, follow_up: FollowUp, answers: Mapping[str, str] | None = None
    ) -> None:
        values: dict[str, Any] = _follow_up_row(follow_up)
        if answers is not None:
            # Named: handed to the SharePoint outbox in the same transaction.
            values.update(answers=dict(answers), exported=True)
        await self._connection.execute(
            update(reflection_follow_ups).where(_fu.id == follow_up.id).values(**values))

    async def follow_up_answers(self, follow_up_id: str) -> Mapping[str, str] | None:
        return (await self._connection.execute(
            select(_fu.answers).where(_fu.id == follow_up_id))).scalar()

    async def due_follow_ups(self, *, before: datetime) -> list[FollowUp]:
        rows = (await self._connection.execute(
            select(reflection_follow_ups)
            .where(_fu.state == FollowUpState.WAITING.value, _fu.due_at <= before)
            .order_by(_fu.due_at, _fu.id)
        )).mappings()
        return [_follow_up(row) for row in rows]

    async def follow_ups_of(
        self, *, people: Collection[str] | None = None, since: datetime | None = None
    ) -> list[FollowUp]:
        query = select(reflection_follow_ups)
        if people is not None:
            query = query.where(_fu.person_id.in_(list(people)))
        if since is not None:
            query = query.where(_fu.due_at >= since)
        rows = (await self._connection.execute(query.order_by(_fu.due_at, _fu.id))).mappings()
        return [_follow_up(row) for row in rows]

    async def of_person(self, person_id: str) -> PersonReflections:
        kept = (await self._connection.execute(
            select(reflections).where(_refl.person_id == person_id)
            .order_by(_refl.submitted_at, _refl.reflection_key)
        )).mappings()
        follow_ups = await self.follow_ups_of(people=[person_id])
        asked = (await self._connection.execute(
            select(_people.round_id).where(_people.person_id == person_id)
            .order_by(_people.round_id)
        )).scalars()
        return PersonReflections(tuple(_reflection(r) for r in kept), tuple(follow_ups),
                                 tuple(asked))


def _round(row: Any) -> Round:
    return Round(
        id=row["id"], source=Source(row["source"]), source_key=row["source_key"],
        conversation_id=row["conversation_id"], organiser_id=row["organiser_id"],
        form_key=row["form_key"], form_version=row["form_version"],
        opened_at=row["opened_at"], closes_at=row["closes_at"], k=row["k"],
        state=RoundState(row["state"]), summary_outcome=row["summary_outcome"],
    )


def _participant(row: Any) -> Participant:
    return Participant(row["round_id"], row["person_id"], row["sent_at"], row["reminded"],
                       row["answered"], row["unreachable"])


def _reflection(row: Any) -> StoredReflection:
    return StoredReflection(
        key=row["reflection_key"], round_id=row["round_id"], sharing=Sharing(row["sharing"]),
        form_key=row["form_key"], form_version=row["form_version"],
        answers=dict(row["answers"]), submitted_at=row["submitted_at"], late=row["late"],
        person_id=row["person_id"],
    )


def _follow_up_row(f: FollowUp) -> dict[str, Any]:
    return {"id": f.id, "person_id": f.person_id, "round_id": f.round_id,
            "reflection_key": f.reflection_key, "action": f.action, "action_by": f.action_by,
            "planned_on": f.planned_on, "due_at": f.due_at, "ask": f.ask,
            "state": f.state.value, "applied": f.applied.value if f.applied else None,
            "answered_at": f.answered_at}


def _follow_up(row: Any) -> FollowUp:
    return FollowUp(
        id=row["id"], person_id=row["person_id"], round_id=row["round_id"],
        reflection_key=row["reflection_key"], action=row["action"],
        action_by=row["action_by"], planned_on=row["planned_on"], due_at=row["due_at"],
        ask=row["ask"], state=FollowUpState(row["state"]),
        applied=Applied(row["applied"]) if row["applied"] else None,
        answered_at=row["answered_at"],
    )
