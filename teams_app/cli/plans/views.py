"""`learning-loop plan list|show`: what plans there are and how their booking went."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Column, Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, db_settings
from teams_app.cli.plans.input import FAILURE_TEXT, REACH_TEXT
from teams_app.cli.plans.support import run_command
from teams_app.domain.bookings import OUT_OF_PLAN, MemberState, RunState, SlotState
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.plans.planning import UnknownPlan
from teams_app.use_cases.plans.reports import list_plans


def register(plan: typer.Typer) -> None:
    plan.command("list")(plan_list)
    plan.command("show")(plan_show)


def plan_list(
    owner: Annotated[str | None, typer.Option(help="Only this owner's plans (object id).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Active plans with their members, booking progress and kept vs booked hours."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        owners = [owner] if owner else await _owners(runtime)
        table = Table("mode", "members", "booking", "kept h", "booked h", "unreachable")
        for title in ("owner", "plan"):  # ids are meant to be copied: folded, never cut
            table.columns.insert(0, Column(title, overflow="fold"))
        for who in owners:
            reads = services.uow(read_only=True)
            for report in await list_plans(who, uow=reads, clock=services.clock):
                p = report.progress
                booking = (f"{p.done}/{p.total} booked, {p.failed} failed"
                           + ("" if p.state is RunState.FINISHED else " (running)")) if p else "—"
                table.add_row(report.plan.id, report.plan.owner_id, report.plan.spec.mode.value,
                              "—" if report.members is None else str(report.members), booking,
                              _hours(report.hours.kept), _hours(report.hours.booked),
                              str(len(report.unreachable)) if report.unreachable else "")
        console.print(table)

    run_command(db_settings(database_url), go)


async def _owners(runtime: Runtime) -> list[str]:
    async with runtime.services.uow() as tx:
        ids = await tx.plans.active_plan_ids()
        plans = [await tx.plans.get(i) for i in ids]
    return sorted({p.owner_id for p in plans if p is not None})


def _hours(value: Any) -> str:
    return f"{value.total_seconds() / 3600:.2f}"  # sessions are whole minutes: 0.25 h is real


def plan_show(
    plan_id: Annotated[str, typer.Argument(help="The plan's id (see `plan list`).")],
    database_url: DatabaseOption = None,
) -> None:
    """A plan's settings, state, members, their slots and why anyone could not be booked."""

    async def go(runtime: Runtime) -> None:
        async with runtime.services.uow() as tx:
            plan = await tx.plans.get(plan_id)
            if plan is None:
                raise UnknownPlan(plan_id)
            members = await tx.plans.members(plan_id)
            slots = {s.member_id: s for s in await tx.plans.slots(plan_id)
                     if s.revision == plan.revision}
            progress = await tx.plans.progress(plan_id, plan.revision)
            current = [m.member_id for m in members if m.state not in OUT_OF_PLAN]
            unreachable = await tx.conversations.unreachable_among(current)
            missed = await tx.occurrences.card_misses(plan_id)
        spec = plan.spec
        console.print(f"[bold]Plan {plan.id}[/bold] ({plan.status.value}, revision "
                      f"{plan.revision}), owner {plan.owner_id}")
        horizon = spec.horizon
        console.print(
            f"{spec.mode.value}, {spec.cadence.kind.value} every {spec.cadence.every}, "
            f"{spec.duration_minutes} min in {','.join(d.value[:3] for d in spec.window.days)} "
            f"{spec.window.start:%H:%M}-{spec.window.end:%H:%M}, from {horizon.start}"
            + (f" until {horizon.end}" if horizon.end else "")
            + (f" for {horizon.occurrences} sessions" if horizon.occurrences else ""))
        if progress is not None:
            console.print(f"Booking: {progress.done}/{progress.total} booked, "
                          f"{progress.failed} failed ({progress.state.value}).")
        # Names when Graph is configured (at most the first 60; the id always shows).
        names = await people_names([m.member_id for m in members],
                                   directory=runtime.services.directory)
        table = Table("member", "id", "state", "slot (their time)", "why not booked")
        for m in members:
            slot = slots.get(m.member_id)
            when = (f"{','.join(d.value[:3] for d in slot.days)} {slot.start:%H:%M} "
                    f"{slot.time_zone}" if slot and slot.state is not SlotState.CANCELLED
                    else "")
            why = FAILURE_TEXT.get(m.failure, m.failure.value) if m.failure else ""
            table.add_row(escape(names.get(m.member_id, "")), m.member_id, m.state.value, when,
                          why)
        console.print(table)
        if unreachable:
            console.print(f"{len(unreachable)} cannot be reached in Teams; "
                          f"{len(missed)} cards of this plan were not delivered.")
            reach = Table("member", "id", "since", "why", "what can be done")
            for person in unreachable.values():
                why, fix = REACH_TEXT[person.reason]
                reach.add_row(escape(names.get(person.user_id, "")), person.user_id,
                              f"{person.since:%Y-%m-%d %H:%M}", why, fix)
            console.print(reach)
        failed = sum(m.state is MemberState.FAILED for m in members)
        if failed:
            console.print(f"{failed} could not be booked. `learning-loop plan book {plan_id} "
                          "--by OWNER` tries again those Graph was too busy for; fix a 403 or "
                          "404 first (permission, mailbox), then make a new plan for them.")

    run_command(db_settings(database_url), go)


