"""`learning-loop plan create|book|cancel`: learning plans from the command line (`list` and
`show` are in views.py).

Thin like the rest of the CLI: read options, call the use cases, print. `create`, `book` and
`cancel` run job workers in this process while they show progress, because an admin trying a
plan from a laptop has no service running to book it; `--no-workers` only watches the progress
while the service's own workers (`learning-loop serve` or `worker`) do the booking.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, db_settings
from teams_app.cli.plans.input import (
    CADENCE_HELP,
    FAILURE_TEXT,
    OptionError,
    next_monday,
    parse_cadence,
    parse_date,
    parse_days,
    parse_window,
    plan_error_text,
)
from teams_app.cli.plans.support import (
    CliStop,
    NoWorkersOption,
    WorkersOption,
    need_graph,
    person_id,
    refuse_not_allowed,
    run_command,
)
from teams_app.domain.bookings import BookingProgress, RunState, SlotState
from teams_app.domain.cadences import Horizon, LearningWindow
from teams_app.domain.learning_plans import (
    CancelPlan,
    CreatePlan,
    DayPart,
    LearningPlan,
    MemberSource,
    PlanMode,
    PlanSpec,
    check,
)
from teams_app.ports import (
    JobState,
)
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.plans.booking import (
    BookingStarted,
    BookPlan,
    ReadFailure,
    book_plan,
)
from teams_app.use_cases.plans.planning import PlanPreview, cancel_plan, create_plan, find_slots


def register(plan: typer.Typer) -> None:
    plan.command("create")(plan_create)
    plan.command("book")(plan_book)
    plan.command("cancel")(plan_cancel)


# --- create ---------------------------------------------------------------------------------


def plan_create(
    owner: Annotated[str | None, typer.Option(help="The plan's owner: object id or UPN.")] = None,
    member: Annotated[list[str] | None, typer.Option(
        help="A member (object id or UPN); repeat for more.")] = None,
    group: Annotated[str | None, typer.Option(help="Members: everyone in this group (id).")] = None,
    reports_of: Annotated[str | None, typer.Option(
        help="Members: the direct reports of this person (the owner).")] = None,
    cadence: Annotated[str, typer.Option(help=CADENCE_HELP)] = "weekly",
    days: Annotated[str, typer.Option(help="Allowed days, e.g. mon-thu or mon,wed.")] = "mon-fri",
    window: Annotated[str, typer.Option(help="Allowed local times, e.g. 09:00-16:00.")] = (
        "09:00-17:00"),
    duration: Annotated[int, typer.Option(help="Minutes per session (15-240).")] = 60,
    mode: Annotated[PlanMode, typer.Option(help="personal: a series each; team_session: one "
                                                "meeting.")] = PlanMode.PERSONAL,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: next "
                                                   "Monday).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    sessions: Annotated[int | None, typer.Option(help="Number of sessions (instead of "
                                                      "--until).")] = None,
    preference: Annotated[DayPart, typer.Option(help="Time of day.")] = DayPart.ANY,
    goal: Annotated[str, typer.Option(help="What the time is for (shown in the event).")] = "",
    material: Annotated[str | None, typer.Option(help="https link to study before.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Book without the preview.")] = False,
    workers: WorkersOption = 8,
    no_workers: NoWorkersOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create a plan, preview the slots, book them and show the booking's progress."""
    sources = [bool(member), group is not None, reports_of is not None]
    if sum(sources) != 1:
        console.print("[red]members:[/red] give exactly one of --member (repeatable), --group "
                      "or --reports-of.")
        raise typer.Exit(2)
    if reports_of is not None and owner is not None and reports_of != owner:
        console.print("[red]--reports-of:[/red] a plan for direct reports belongs to their "
                      "manager; leave out --owner or give the same person.")
        raise typer.Exit(2)
    owner = owner or reports_of
    if owner is None:
        console.print("[red]--owner:[/red] who owns the plan (object id or UPN)?")
        raise typer.Exit(2)
    try:
        cadence_value = parse_cadence(cadence)
        window_days = parse_days(days)
        window_start, window_end = parse_window(window)
        first = parse_date(start, "--start") if start else next_monday(date.today())
        last = parse_date(until, "--until") if until else None
    except OptionError as error:
        console.print(f"[red]{error.option}:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    spec = PlanSpec(
        members=MemberSource.of_people(*member) if member else (
            MemberSource.of_group(group or "") if group is not None
            else MemberSource.direct_reports()),
        cadence=cadence_value,
        duration_minutes=duration,
        window=LearningWindow(window_days, window_start, window_end),
        horizon=Horizon(first, last, sessions),
        mode=mode,
        goal=goal,
        material_url=material,
        preference=preference,
    )
    # Yesterday, as the domain does: the start is a local date, and west of UTC it may still be
    # "today" there.
    if problems := check(spec, today=date.today() - timedelta(days=1)):
        for problem in problems:
            option, text = plan_error_text(problem)
            console.print(f"[red]{option}:[/red] {text}")
        raise typer.Exit(2)

    async def go(runtime: Runtime) -> None:
        calendar, directory = need_graph(runtime)
        services = runtime.services
        owner_id = await person_id(directory, owner, "--owner")
        final = spec
        if member:
            ids = [await person_id(directory, m, "--member") for m in member]
            final = replace(spec, members=MemberSource.of_people(*ids))
        draft, _ = LearningPlan.create(CreatePlan(owner_id, final), plan_id="preview",
                                       at=services.clock.now())
        preview = await find_slots(draft, calendar=calendar, directory=directory,
                                   rights=services.rights)
        await refuse_not_allowed(preview, directory)  # before anything is stored
        if not yes:
            names = await people_names([m.member_id for m in preview.members],
                                       directory=directory)
            _print_preview(preview, names)
            if not typer.confirm("Book these slots?", default=True):
                console.print("Nothing was saved or booked.")
                raise CliStop(1)
        receipt = await create_plan(CreatePlan(owner_id, final), uow=services.uow(),
                                    clock=services.clock, new_id=lambda: str(uuid.uuid4()))
        console.print(f"Plan [bold]{receipt.plan_id}[/bold] created.")
        _, progress = await _book_and_follow(
            runtime,
            lambda: book_plan(BookPlan(receipt.plan_id, owner_id, on_failure=ReadFailure.SETTLE),
                              uow=services.uow, calendar=calendar, directory=directory,
                              clock=services.clock, rights=services.rights),
            workers=None if no_workers else workers)
        _print_outcome(progress, receipt.plan_id)

    run_command(db_settings(database_url), go)


def _print_preview(preview: PlanPreview, names: dict[str, str]) -> None:
    table = Table("member", "id", "slot (their time)", "sessions", "collides on", "problem",
                  title="Preview")
    for m in preview.members:
        slot = m.slot
        when = (f"{','.join(d.value[:3] for d in slot.days)} {slot.start:%H:%M} "
                f"{slot.time_zone}" if slot else "")
        table.add_row(escape(names.get(m.member_id, "")), m.member_id, when, str(m.sessions or ""),
                      ", ".join(d.isoformat() for d in m.conflicts),
                      FAILURE_TEXT.get(m.problem, "") if m.problem else "")
    console.print(table)
    console.print(f"{len(preview.bookable)} can be booked, {len(preview.problems)} cannot.")


async def _book_and_follow(
    runtime: Runtime, book: Callable[[], Awaitable[BookingStarted]], *, workers: int | None
) -> tuple[BookingStarted, BookingProgress]:
    """Book, and show the run's progress until it finishes, running job workers here unless
    None. The workers start first: booking queues each chunk's jobs while it still reads the
    calendars of later chunks, and they create those series meanwhile."""
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.worker(concurrency=workers).run(stop)) if workers \
        else None
    try:
        started = await book()
        progress = started.progress
        with Progress(TextColumn("Booking"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[failed]} not booked"), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            shown = bar.add_task("booking", total=progress.total, failed=progress.failed,
                                 completed=progress.done + progress.failed)
            while progress.state is not RunState.FINISHED:
                await asyncio.sleep(0.2)
                async with runtime.services.uow() as tx:
                    progress = await tx.plans.progress(started.plan_id,
                                                       started.revision) or progress
                bar.update(shown, completed=progress.done + progress.failed,
                           failed=progress.failed)
    finally:
        stop.set()
        if task is not None:
            await task
    return started, progress


def _print_outcome(progress: BookingProgress, plan_id: str) -> None:
    console.print(f"Booked {progress.done} of {progress.total}; {progress.failed} could not be "
                  "booked.")
    if progress.failed:
        console.print(f"`learning-loop plan show {plan_id}` lists who and why.")


def plan_book(
    plan_id: Annotated[str, typer.Argument(help="The plan's id.")],
    by: Annotated[str, typer.Option(help="Who books: the plan's owner (object id).")],
    workers: WorkersOption = 8,
    no_workers: NoWorkersOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Book a plan again: resumes a booking that stopped, and tries members Graph was too busy
    for; members already booked, or refused for good (403/404), are left as they are."""

    async def go(runtime: Runtime) -> None:
        calendar, directory = need_graph(runtime)
        services = runtime.services
        started, progress = await _book_and_follow(
            runtime,
            lambda: book_plan(BookPlan(plan_id, by, on_failure=ReadFailure.SETTLE),
                              uow=services.uow, calendar=calendar, directory=directory,
                              clock=services.clock, rights=services.rights),
            workers=None if no_workers else workers)
        console.print(f"{started.queued} members to book.")
        _print_outcome(progress, plan_id)
        # The others are booked; those no longer the owner's to plan for are named, exit 2.
        await refuse_not_allowed(
            PlanPreview(plan_id, started.revision, started.problems), directory)

    run_command(db_settings(database_url), go)


# --- list, show, cancel -----------------------------------------------------------------------


def plan_cancel(
    plan_id: Annotated[str, typer.Argument(help="The plan's id.")],
    by: Annotated[str, typer.Option(help="Who cancels: the plan's owner (object id).")],
    workers: WorkersOption = 8,
    no_workers: NoWorkersOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Cancel a plan and remove every member's series from their calendar."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        receipt = await cancel_plan(CancelPlan(plan_id, by), uow=services.uow(),
                                    clock=services.clock)
        console.print(f"Plan {plan_id} is cancelled; {receipt.series_to_cancel} series to "
                      "remove.")
        if no_workers or not receipt.series_to_cancel:
            return
        need_graph(runtime)
        worker = runtime.worker(concurrency=workers)
        while await worker.run_once():
            pass
        async with services.uow() as tx:
            left = [s for s in await tx.plans.slots(plan_id) if s.state is not SlotState.CANCELLED]
        dead = [j for j in await runtime.jobs.list(JobState.DEAD, limit=1000)
                if j.payload.get("plan_id") == plan_id]
        if left or dead:
            console.print(f"[yellow]{len(left)} series are still to remove "
                          f"({len(dead)} jobs failed); see `learning-loop jobs list --state "
                          "dead`.[/yellow]")
            raise CliStop(1)
        console.print("Every series is removed.")

    run_command(db_settings(database_url), go)
