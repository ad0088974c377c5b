"""Rounds after learning sessions: plain calendar events raise no Teams event, so a periodic
job reads the stored occurrences. Every occurrence of a plan that starts at the same time (a
team session, or one member's own learning time) and has ended, kept, gets one round for the
members who kept it; the summary goes to the plan's owner. A lost, skipped or away occurrence
asks nobody (domain/campaigns/delivery.asks_after); one that ended before the look-back, or
whose plan's member left, neither."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from teams_app.domain.bookings import MemberState
from teams_app.domain.campaigns.delivery import asks_after
from teams_app.domain.reflections.rounds import NoParticipants, RoundSpec, Source, occurrence_key
from teams_app.ports import Clock, FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.reflections.starting import StartRound, start_round

log = structlog.get_logger()

SESSION_ROUNDS = "reflection.session_rounds"  # periodic: no payload
LOOK_BACK = timedelta(days=2)  # sessions that ended longer ago than this start nothing
_GONE = (MemberState.RELEASED, MemberState.LEFT)


async def rounds_after_sessions(
    *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock, spec: RoundSpec,
    new_id: Callable[[], str],
) -> int:
    """Starts the rounds of sessions that ended since the look-back; returns how many."""
    now = clock.now()
    async with uow(read_only=True) as tx:
        plan_ids = await tx.plans.active_plan_ids()
        occurrences = await tx.occurrences.plan_occurrences(plan_ids) if plan_ids else []
    sessions: dict[tuple[str, datetime], list[str]] = {}
    for occurrence in occurrences:
        if asks_after(occurrence.outcome) and now - LOOK_BACK <= occurrence.span.end <= now:
            group = (occurrence.slot.plan_id, occurrence.span.start)
            sessions.setdefault(group, []).append(occurrence.slot.member_id)
    started = 0
    for (plan_id, start), members in sorted(sessions.items()):
        key = occurrence_key(plan_id, start)
        async with uow(read_only=True) as tx:
            if await tx.reflections.round_by_source(key) is not None:
                continue
            plan = await tx.plans.get(plan_id)
            staying = {m.member_id for m in await tx.plans.members(plan_id)
                       if m.state not in _GONE}
        people = [m for m in members if m in staying]
        if plan is None or not people:
            continue
        try:
            done = await start_round(
                StartRound(Source.OCCURRENCE, key, None, plan.owner_id, sorted(people), spec),
                uow=uow, forms=forms, clock=clock, new_id=new_id,
            )
        except NoParticipants:
            continue
        started += done.new
    if started:
        log.info("reflection_session_rounds", started=started)
    return started
