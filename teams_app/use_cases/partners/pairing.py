"""Pairing a plan's members as learning partners: drawn (no pair twice until everyone has
met) or chosen by the owner. Only the plan's owner may pair it; each person is then told who
their partners are, in a card of their own (a job each, through the usual reach path). A
reflection round's participants are paired the same way (rounds.py); the person's view of their
partners (`partners_of`) covers both."""

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
    SourceKind,
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
        groups, cycle = grouped(members, cmd.chosen, await tx.partners.of_plan(plan.id), rng)
        pairing = Pairing(new_id(), plan.id, groups, cmd.every_weeks, now,
                          chosen=cmd.chosen is not None, cycle=cycle)
        await add_and_announce(tx, pairing)
        await tx.commit()
    return pairing


def grouped(members: Sequence[str], chosen: Sequence[Sequence[str]] | None,
            history: Sequence[Pairing], rng: Random) -> tuple[tuple[tuple[str, ...], ...], int]:
    """The groups (chosen, checked; or drawn without repeats in the source's history) and the
    cycle they belong to."""
    cycle = history[-1].cycle if history else 1
    if chosen is not None:
        return check_chosen(chosen, members), cycle
    drawn = draw(members, met_pairs(history, cycle=cycle), rng)
    return drawn.groups, cycle + 1 if drawn.new_cycle else cycle


async def add_and_announce(tx: UnitOfWork, pairing: Pairing) -> None:
    """Stores the pairing (the source's earlier ones become history) and queues each person's
    card; `tx` is an open unit of work."""
    await tx.partners.add(pairing)
    await tx.jobs.enqueue_many(ANNOUNCE, [
        ({"pairing_id": pairing.id, "person_id": person}, f"{ANNOUNCE}:{pairing.id}:{person}")
        for group in pairing.groups for person in group])


@dataclass(frozen=True)
class SharedLearning:
    """A partner's latest reflection as a partner may see it (named ones only)."""

    takeaway: str = field(repr=False)
    action: str | None = field(default=None, repr=False)
    action_by: date | None = None


@dataclass(frozen=True)
class PairedOf:
    """How cards name what a pairing is of: a plan by its goal (the person's own plan, so they
    may read it); a round keeps no title, so by the day it opened."""

    plan_goal: str = ""
    round_on: date | None = None


@dataclass(frozen=True)
class MyPartners:
    pairing: Pairing
    partners: tuple[str, ...]
    of: PairedOf
    shared: Mapping[str, SharedLearning] = field(default_factory=dict)  # by partner


async def paired_of(tx: UnitOfWork, pairing: Pairing) -> PairedOf | None:
    """What the pairing is of, as cards name it; None when that plan ended or the round is
    gone (its partners are no more)."""
    source = pairing.source
    if source.kind is SourceKind.ROUND:
        rnd = await tx.reflections.round(source.id)
        return None if rnd is None else PairedOf(round_on=rnd.opened_at.date())
    plan = await tx.plans.get(source.id)
    if plan is None or plan.status is not PlanStatus.ACTIVE:
        return None
    return PairedOf(plan_goal=plan.spec.goal)


async def is_current(tx: UnitOfWork, pairing: Pairing) -> bool:
    """The source's newest pairing, of a plan still running or a round still kept."""
    active = await tx.partners.active(pairing.source)
    return active is not None and active.id == pairing.id


async def partners_of(person_id: str, *, uow: UnitOfWorkFactory) -> list[MyPartners]:
    """The person's partners in every plan and round that pairs them now, with what each
    shared."""
    async with uow(read_only=True) as tx:
        pairings = await tx.partners.active_of_person(person_id)
        of = {p.id: await paired_of(tx, p) for p in pairings}
        partners = {q for p in pairings for q in p.partners_of(person_id)}
        shared = {q: await shared_learning(tx, q) for q in partners}
    return [
        MyPartners(p, p.partners_of(person_id), paired,
                   {q: found for q in p.partners_of(person_id) if (found := shared[q])})
        for p in pairings if (paired := of[p.id]) is not None
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
