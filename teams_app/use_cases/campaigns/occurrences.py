"""Campaigns sent after each learning occurrence of a plan: when an occurrence has ended (as
booked, plus the campaign's delay), its member is asked about it, once, in their working hours.
A lost, skipped or away occurrence gets no prompt (domain/campaigns/delivery.asks_after); nor
does one that ended before the campaign began."""

from __future__ import annotations

from datetime import datetime

import structlog

from teams_app.domain.bookings import MemberState
from teams_app.domain.campaigns.campaigns import AudienceKind, Campaign, TimingKind
from teams_app.domain.campaigns.delivery import asks_after, place_prompt
from teams_app.domain.campaigns.prompts import Prompt
from teams_app.ports import Calendar, Clock, UnitOfWorkFactory
from teams_app.use_cases.campaigns.sending import PROMPT, prompt_key, prompt_payload
from teams_app.use_cases.working_hours import working_weeks

log = structlog.get_logger()

OCCURRENCE_PROMPTS = "campaign.occurrence_prompts"  # periodic: no payload
_GONE = (MemberState.RELEASED, MemberState.LEFT)


async def prompt_after_occurrences(
    *, uow: UnitOfWorkFactory, calendar: Calendar | None, clock: Clock, weekly_cap: int
) -> int:
    """Makes the prompts for occurrences that ended since the last run; returns how many."""
    now = clock.now()
    async with uow(read_only=True) as tx:
        campaigns = [c for c in await tx.campaigns.open_campaigns()
                     if c.spec.timing.kind is TimingKind.AFTER_OCCURRENCE and c.is_open(now)]
    made = 0
    for campaign in campaigns:
        made += await _one(campaign, uow=uow, calendar=calendar, clock=clock,
                           weekly_cap=weekly_cap)
    return made


async def _one(
    campaign: Campaign, *, uow: UnitOfWorkFactory, calendar: Calendar | None, clock: Clock,
    weekly_cap: int,
) -> int:
    spec, now = campaign.spec, clock.now()
    if spec.audience.kind is not AudienceKind.PLAN or spec.audience.plan_id is None:
        return 0
    plan_id = spec.audience.plan_id
    async with uow(read_only=True) as tx:
        members = {m.member_id for m in await tx.plans.members(plan_id) if m.state not in _GONE}
        occurrences = await tx.occurrences.plan_occurrences([plan_id])
        known = {(p.person_id, p.round) for p in await tx.campaigns.prompts_of(campaign.id)}
    wanted: list[tuple[str, str, datetime]] = []
    for occurrence in occurrences:
        due = occurrence.span.end + spec.timing.after
        member, round_key = occurrence.slot.member_id, spec.timing.occurrence_round(
            occurrence.key)
        if (member in members and asks_after(occurrence.outcome)
                and campaign.created_at <= occurrence.span.end and due <= now
                and due < spec.closes_at and (member, round_key) not in known):
            wanted.append((member, round_key, due))
    if not wanted:
        return 0
    weeks = await working_weeks(sorted({m for m, _, _ in wanted}), calendar)
    async with uow() as tx:
        planned = await tx.campaigns.send_times(sorted(weeks), since=now)
        prompts = []
        for member, round_key, due in wanted:
            placed = place_prompt(due, weeks[member], planned[member], cap=weekly_cap)
            planned[member].append(placed.send_at)
            prompts.append(Prompt(campaign.id, member, round_key, due, placed.send_at,
                                  placed.postponed))
        await tx.campaigns.add_prompts(prompts)
        for prompt in prompts:
            await tx.jobs.enqueue(PROMPT, prompt_payload(prompt), run_at=prompt.send_at,
                                  idempotency_key=prompt_key(prompt))
        await tx.commit()
    log.info("campaign_occurrence_prompts", campaign_id=campaign.id, prompts=len(prompts))
    return len(prompts)
