"""Pairing a plan's members as learning partners: drawn (no pair twice until everyone has
met) or chosen by the owner. Only the plan's owner may pair it; each person is then told who
their partners are, in a card of their own (a job each, through the usual reach path)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from random import Random

from teams_app.domain.bookings import OUT_OF_PLAN
from teams_app.domain.learning_plans import PlanStatus
from teams_app.domain.partners import (
    DEFAULT_EVERY_WEEKS,
    Pairing,
    check_chosen,
    check_every_weeks,
    draw,
    met_pairs,
)
from teams_app.domain.reflections.sharing import (
    Shown,
    Viewer,
    shown_to,
    stored_content,
)
from teams_app.ports import Clock, UnitOfWork, UnitOfWorkFactory

ANNOUNCE = "partners.announce"  # one person's "your learning partners" card


class NoPartnersPlan(Exception):
    """No such active plan, or not the sender's: one answer for both."""


@dataclass(frozen=True)
class PairPlan:
    plan_id: str
    by: str
    every_weeks: int = DEFAULT_EVERY_WEEKS
    chosen: Sequence[Sequence[str]] | None = None  # the owner's own groups


async def pair_plan(cmd: PairPlan, *, uow: UnitOfWorkFactory, clock: Clock,
                    new_id: Callable[[], str], rng: Random) -> Pairing:
    check_every_weeks(cmd.every_weeks)
    now = clock.now()
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        if plan is None or plan.owner_id != cmd.by or plan.status is not PlanStatus.ACTIVE:
            raise NoPartnersPlan(cmd.plan_id)
        members = sorted(m.member_id for m in await tx.plans.members(plan.id)
                         if m.state not in OUT_OF_PLAN)
        history = await tx.partners.of_plan(plan.id)
        cycle = history[-1].cycle if history else 1
        if cmd.chosen is not None:
            groups = check_chosen(cmd.chosen, members)
        else:
            drawn = draw(members, met_pairs(history, cycle=cycle), rng)
            groups, cycle = drawn.groups, cycle + 1 if drawn.new_cycle else cycle
        pairing = Pairing(new_id(), plan.id, groups, cmd.every_weeks, now,
                          chosen=cmd.chosen is not None, cycle=cycle)
        await tx.partners.add(pairing)
        await tx.jobs.enqueue_many(ANNOUNCE, [
            ({"pairing_id": pairing.id, "person_id": person}, f"{ANNOUNCE}:{pairing.id}:{person}")
            for group in groups for person in group])
        await tx.commit()
    return pairing


@dataclass(frozen=True)
class SharedLearning:
    """A partner's latest reflection as a partner may see it (named ones only)."""

    takeaway: str = field(repr=False)
    action: str | None = field(default=None, repr=False)
    action_by: date | None = None


@dataclass(frozen=True)
class MyPartners:
    pairing: Pairing
    partners: tuple[str, ...]
    plan_title: str  # the plan's goal: the person's own plan, so they may read it
    shared: Mapping[str, SharedLearning] = field(default_factory=dict)  # by partner


async def partners_of(person_id: str, *, uow: UnitOfWorkFactory) -> list[MyPartners]:
    """The person's partners in every plan that pairs them now, with what each shared."""
    async with uow(read_only=True) as tx:
        pairings = await tx.partners.active_of_person(person_id)
        plans = {p.plan_id: await tx.plans.get(p.plan_id) for p in pairings}
        partners = {q for p in pairings for q in p.partners_of(person_id)}
        shared = {q: await shared_learning(tx, q) for q in partners}
    return [
        MyPartners(p, p.partners_of(person_id), plan.spec.goal,
                   {q: found for q in p.partners_of(person_id) if (found := shared[q])})
        for p in pairings
        if (plan := plans[p.plan_id]) is not None and plan.status is PlanStatus.ACTIVE
    ]


async def shared_learning(tx: UnitOfWork, partner: str) -> SharedLearning | None:
    """What `partner` last shared with their name (domain/reflections/sharing.py: a partner
    sees nothing of an anonymous or private reflection); `tx` is an open unit of work."""
    held = await tx.reflections.of_person(partner)
    for reflection in reversed(held.reflections):  # oldest first: the newest wins
        if shown_to(reflection.sharing, Viewer.PARTNER) is not Shown.NAMED:
            continue
        content = stored_content(reflection)
        if content.takeaway:
            return SharedLearning(content.takeaway, content.action, content.action_by)
    return None
