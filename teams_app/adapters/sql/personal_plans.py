"""Plans as personal data: the plans a person is in, their slots (booked series) and what
became of each session, and the plans they own (listed, never erased: a team's plan stays until
its owner cancels it). Erase releases them: the rows go, and the series ids and marks are
handed back so the use case deletes the series from their calendar, as leaving a plan does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from teams_app.adapters.sql.occurrence_tables import slot_collisions, slot_occurrences
from teams_app.adapters.sql.personal_source import HoldingsSource
from teams_app.adapters.sql.tables import learning_plans, plan_members, plan_slots
from teams_app.domain.learning_plans import PlanStatus
from teams_app.domain.privacy import Erased, Holding
from teams_app.domain.slot_events import slot_marker


class SqlPlanData(HoldingsSource):
    source = "plans"

    async def _holdings(self, person_id: str, *, details: bool) -> list[Holding]:
        c = self._connection
        held: list[Holding] = []
        members = (await c.execute(
            select(plan_members, learning_plans.c.goal, learning_plans.c.owner_id)
            .join(learning_plans, learning_plans.c.id == plan_members.c.plan_id)
            .where(plan_members.c.member_id == person_id))).mappings().all()
        for m in members:
            held.append(Holding(self.source, "membership", m["plan_id"], m["updated_at"],
                                details={"plan_id": m["plan_id"], "state": m["state"],
                                         "goal": m["goal"]} if details else {}))
        owned = (await c.execute(select(learning_plans).where(
            learning_plans.c.owner_id == person_id,
            learning_plans.c.state == PlanStatus.ACTIVE.value))).mappings().all()
        for p in owned:
            # A team's plan does not go with its owner's erase: it stays until they cancel it,
            # so it is shown but not counted in what an erase takes away.
            held.append(Holding(self.source, "owned_plan", p["id"], p["updated_at"],
                                significant=False,
                                details={"plan_id": p["id"], "goal": p["goal"],
                                         "state": p["state"]} if details else {}))
        slots = (await c.execute(select(plan_slots).where(
            plan_slots.c.member_id == person_id))).mappings().all()
        for s in slots:
            held.append(Holding(
                self.source, "slot", f"{s['plan_id']}/r{s['revision']}", s["updated_at"],
                stored_in=("database", "calendar"),
                details={"plan_id": s["plan_id"], "revision": s["revision"],
                         "days": s["days"], "start_time": s["start_time"],
                         "time_zone": s["time_zone"], "state": s["state"],
                         "event_id": s["event_id"]} if details else {}))
        sessions = (await c.execute(
            select(slot_occurrences.c.plan_id, slot_occurrences.c.outcome, func.count(),
                   func.max(slot_occurrences.c.updated_at))
            .where(slot_occurrences.c.member_id == person_id)
            .group_by(slot_occurrences.c.plan_id, slot_occurrences.c.outcome))).all()
        for plan_id, outcome, count, updated in sessions:
            held.append(Holding(self.source, "sessions", f"{plan_id}/{outcome}", updated,
                                details={"plan_id": plan_id, "outcome": outcome,
                                         "count": int(count)} if details else {}))
        return held

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        c = self._connection
        slots = (await c.execute(select(plan_slots.c.plan_id, plan_slots.c.event_id).where(
            plan_slots.c.member_id == person_id))).all()
        plans = sorted({plan_id for plan_id, _ in slots} | set((await c.execute(
            select(plan_members.c.plan_id).where(plan_members.c.member_id == person_id)
        )).scalars().all()))
        counts = {"memberships": (await c.execute(delete(plan_members).where(
            plan_members.c.member_id == person_id))).rowcount}
        counts["slots"] = (await c.execute(delete(plan_slots).where(
            plan_slots.c.member_id == person_id))).rowcount
        counts["sessions"] = (await c.execute(delete(slot_occurrences).where(
            slot_occurrences.c.member_id == person_id))).rowcount
        await c.execute(delete(slot_collisions).where(slot_collisions.c.member_id == person_id))
        return Erased(
            counts,
            calendar_series=tuple(sorted({e for _, e in slots if e})),
            calendar_marks=tuple(slot_marker(p, person_id) for p in plans),
        )

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        return Erased()  # booked time is not an answer: it goes when the plan or person does
