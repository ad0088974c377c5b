"""`learning-loop install --group ID`: the Teams app installed through Graph for a group's
members before their first card, with a progress bar; run again, it goes on where it stopped."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, db_settings, errors, run_with_runtime
from teams_app.cli.plans.input import REACH_TEXT
from teams_app.jobs.support import personal_chats
from teams_app.ports import GraphError, GraphForbidden
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reach_group import (
    DEFAULT_CONCURRENCY,
    CannotInstall,
    GroupInstall,
    group_people,
    reach_each,
)

SHOWN_PER_REASON = 20  # people named under each reason; the rest are counted
INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C

REFUSALS = {
    "no_graph": "Microsoft Graph is not configured. Set LEARNING_LOOP_GRAPH_TENANT_ID, "
                "_CLIENT_ID and a credential, or LEARNING_LOOP_GRAPH_AUTH (see README).",
    "no_app_id": "The service has no Teams app id to install: set LEARNING_LOOP_GRAPH_TEAMS_APP_ID "
                 "to the app's App ID in the Teams admin center (Manage apps -> Learning Loop).",
    "unknown_group": "Microsoft Graph knows no group with that id (404). Give the group's "
                     "object id from the Entra admin center.",
    "empty_group": "That group has no people in it (nested groups included).",
}


def register(app: typer.Typer) -> None:
    app.command("install")(install)


def install(
    group: Annotated[str, typer.Option(help="The Entra group's object id.")],
    concurrency: Annotated[int, typer.Option(
        min=1, max=32, help="People installed for at once.")] = DEFAULT_CONCURRENCY,
    database_url: DatabaseOption = None,
) -> None:
    """Install the Teams app for a group's members (nested groups too) through Graph.

    Safe to run again, and after Ctrl-C: people already reached are skipped. Exit code 0 when
    everyone can be reached, 1 when some cannot (the reasons and what to do are listed)."""

    async def go(runtime: Runtime) -> tuple[GroupInstall, bool, dict[str, str]]:
        services = runtime.services
        chats = personal_chats(services)
        people = await group_people(group, directory=services.directory, chats=chats)
        tally = GroupInstall(total=len(people))
        stop = asyncio.Event()
        with _ctrl_c_sets(stop, lambda: console.print(
                f"Stopping after the people under way ({tally.done} of {tally.total} done)…")):
            with Progress(TextColumn("Installing for"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                task = bar.add_task("install", total=tally.total)
                async for reached in reach_each(people, chats=chats, concurrency=concurrency,
                                                stop=stop):
                    tally.add(reached)
                    bar.update(task, completed=tally.done)
        left = [p for ids in tally.unreachable.values() for p in ids[:SHOWN_PER_REASON]]
        names = await people_names(left, directory=services.directory)
        return tally, stop.is_set(), names

    tally, stopped, names = run_with_runtime(db_settings(database_url), go, refusal=_refusal,
                                             to=errors)
    _summary(tally, names)
    if stopped and tally.done < tally.total:
        console.print(f"Stopped after {tally.done} of {tally.total}. Run the same command again "
                      "to go on: those already reached are skipped.")
        raise typer.Exit(INTERRUPTED)
    raise typer.Exit(0 if tally.all_reached else 1)


def _summary(tally: GroupInstall, names: dict[str, str]) -> None:
    console.print(f"Installed now: {tally.installed}")
    console.print(f"Already had it: {tally.already}")
    if tally.try_again:
        console.print(f"Not answered for {len(tally.try_again)}: Graph or Teams stayed busy or "
                      "unreachable after the retries; run the command again later.")
    if not tally.unreachable:
        if tally.all_reached:
            console.print(f"[green]All {tally.total} can be reached in Teams.[/green]")
        return
    unreachable = sum(map(len, tally.unreachable.values()))
    console.print(f"Could not be reached: {unreachable}")
    for reason, people in tally.unreachable.items():
        why, fix = REACH_TEXT[reason]
        who = "1 person" if len(people) == 1 else f"{len(people)} people"
        console.print(f"\n[bold]{who}[/bold]: {why}. What can be done: {fix}.")
        table = Table("person", "id")
        for person in people[:SHOWN_PER_REASON]:
            table.add_row(escape(names.get(person, "")), person)
        console.print(table)
        if len(people) > SHOWN_PER_REASON:
            console.print(f"and {len(people) - SHOWN_PER_REASON} more")


@contextmanager
def _ctrl_c_sets(stop: asyncio.Event, said: Callable[[], None]) -> Iterator[None]:
    """While inside: the first Ctrl-C sets `stop` (people under way finish), a second one
    quits at once. Only the main thread may take signals; elsewhere Ctrl-C is left as it is."""
    loop = asyncio.get_running_loop()

    def first() -> None:
        stop.set()
        loop.remove_signal_handler(signal.SIGINT)
        said()

    try:
        loop.add_signal_handler(signal.SIGINT, first)
    except (ValueError, RuntimeError, NotImplementedError):
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)  # False when `first` took it already


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, CannotInstall):
        return REFUSALS[error.reason], 2
    if isinstance(error, GraphForbidden):
        return (f"{error}. Listing a group's members needs GroupMember.Read.All "
                "(docs/admin-guide.md, step 2).", 2)
    if isinstance(error, GraphError):
        return ("Microsoft Graph did not answer while listing the group (timeout, 5xx or "
                "throttling after the retries); try again later.", 1)
    return None
