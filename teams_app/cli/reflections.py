"""`learning-loop reflect`: start a reflection round for the people of a chat the bot is in, or
for listed people (the summary then goes to the organiser's own chat); list the rounds; show one
round's counts and its summary as the group may see it (never private reflections)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import (
    CliStop,
    DatabaseOption,
    console,
    db_settings,
    errors,
    run_with_runtime,
)
from teams_app.domain.errors import DomainError
from teams_app.domain.reflections.rounds import MAX_K, MIN_K, RoundSpec, Source
from teams_app.ports import ExternalServiceError, GraphError, GraphNotFound
from teams_app.settings import Settings
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reflections.starting import (
    StartInChat,
    StartRound,
    start_round,
    start_round_in_chat,
)
from teams_app.use_cases.reflections.summaries import round_report

T = TypeVar("T")

_MESSAGES = {
    "reflection_unknown_chat": "--chat: Learning Loop is not in that chat (no conversation "
    "with that id is stored). Add the app to the chat, or use --person.",
    "reflection_personal_chat": "--chat: that is a personal chat; a round asks the people of "
    "a group chat, meeting chat or channel.",
    "reflection_chat_gone": "--chat: Teams refused the chat; the app was removed from it.",
    "reflection_no_participants": "Nobody to ask.",
    "reflection_round_open": "A round is already open in that chat.",
    "reflection_bad_settings": f"--window-hours must be 1 to 336 and --k {MIN_K} to {MAX_K}.",
    "reflection_unknown_round": "No such round. `learning-loop reflect list` shows them.",
    "reflection_form_missing": "The reflection form could not be loaded.",
}


def _run(settings: Settings, action: Callable[[Runtime], Awaitable[T]]) -> T:
    return run_with_runtime(settings, action, refusal=_refusal, to=errors)


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, GraphError):
        return f"Microsoft Graph: {type(error).__name__}", 1
    if isinstance(error, ExternalServiceError):
        return f"Teams: {type(error).__name__}", 1
    if isinstance(error, DomainError):
        return _MESSAGES.get(error.code, "Refused: " + error.code), 2
    return None


async def _person(runtime: Runtime, id_or_upn: str, option: str) -> str:
    directory = runtime.services.directory
    if directory is None:
        return id_or_upn
    try:
        return str((await directory.user(id_or_upn)).object_id)
    except GraphNotFound:
        errors.print(f"[red]{option} {escape(id_or_upn)}: nobody in the directory has that id "
                     "or name.[/red]")
        raise CliStop(2) from None


def start(
    by: Annotated[str, typer.Option("--by", help="The organiser (id or UPN).")],
    chat: Annotated[str | None, typer.Option(help="Ask the people of this chat or channel "
                                                  "(its conversation id).")] = None,
    person: Annotated[list[str] | None, typer.Option(help="Ask this person (repeat).")] = None,
    window_hours: Annotated[int, typer.Option(help="How long the round stays open.")] = 24,
    k: Annotated[int, typer.Option(help=f"Reflections before the summary shows more than "
                                        f"counts ({MIN_K}-{MAX_K}).")] = 5,
    database_url: DatabaseOption = None,
) -> None:
    """Start a reflection round now."""
    if (chat is None) == (not person):
        errors.print("[red]Give either --chat or --person.[/red]")
        raise typer.Exit(2)

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        organiser = await _person(runtime, by, "--by")
        spec = RoundSpec(timedelta(hours=window_hours), k)
        round_id = str(uuid.uuid4())
        if chat is not None:
            started = await start_round_in_chat(
                StartInChat(chat, Source.CLI, organiser, spec=spec), uow=services.uow,
                messenger=services.messenger, forms=services.forms, clock=services.clock,
                new_id=lambda: round_id,
            )
        else:
            people = [await _person(runtime, p, "--person") for p in person or []]
            started = await start_round(
                StartRound(Source.CLI, f"{Source.CLI.value}:{round_id}", None, organiser,
                           people, spec),
                uow=services.uow, forms=services.forms, clock=services.clock,
                new_id=lambda: round_id,
            )
        closes = started.round.closes_at.isoformat(timespec="minutes")
        console.print(f"Round [bold]{started.round.id}[/bold] started for {started.asked} "
                      f"people; it closes {closes}.")

    _run(db_settings(database_url), go)


def list_(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    database_url: DatabaseOption = None,
) -> None:
    """The newest rounds."""

    async def go(runtime: Runtime) -> None:
        async with runtime.services.uow(read_only=True) as tx:
            found = await tx.reflections.recent_rounds(max(1, min(limit, 500)))
        table = Table("id", "source", "opened", "closes", "state", "summary")
        for r in found:
            table.add_row(r.id, r.source.value, r.opened_at.isoformat(timespec="minutes"),
                          r.closes_at.isoformat(timespec="minutes"), r.state.value,
                          r.summary_outcome or "")
        console.print(table if found else "No reflection rounds.")

    _run(db_settings(database_url), go)


def show(round_id: str, database_url: DatabaseOption = None) -> None:
    """Counts, and the summary as the group sees it once k people reflected."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        report = await round_report(round_id, uow=services.uow, forms=services.forms)
        summary, counts = report.summary, report.counts
        console.print(f"Round {report.round.id} ({report.round.source.value}), "
                      f"{report.round.state.value}; summary: "
                      f"{report.round.summary_outcome or 'not yet'}")
        console.print(f"Asked {counts.asked}, sent {counts.sent}, reflected "
                      f"{summary.reflected} in time, {report.late} late.")
        for reason, n in sorted(counts.unreachable.items()):
            console.print(f"Not reached ({reason}): {n}")
        if summary.counts_only:
            console.print(f"Fewer than {summary.k} reflections: counts only.")
            return
        names = await people_names({i.person_id for i in summary.takeaways if i.person_id},
                                   directory=services.directory)
        for heading, items in (("Take-aways", summary.takeaways),
                               ("Planned actions", summary.actions)):
            console.print(f"[bold]{heading}[/bold]")
            for item in items:
                who = "anonymous" if item.person_id is None else names.get(
                    item.person_id, item.person_id)
                by = f" (by {item.by.isoformat()})" if item.by else ""
                console.print(f"- {escape(item.text)}{by} [dim]{escape(who)}[/dim]")
        console.print("[bold]Most common hindrances[/bold]")
        for hindrance, n in summary.hindrances:
            console.print(f"- {hindrance}: {n}")

    _run(db_settings(database_url), go)


def register(app: typer.Typer) -> None:
    reflect = typer.Typer(help="Reflection rounds: start one, list them, show one.",
                          no_args_is_help=True)
    reflect.command()(start)
    reflect.command("list")(list_)
    reflect.command()(show)
    app.add_typer(reflect, name="reflect")
