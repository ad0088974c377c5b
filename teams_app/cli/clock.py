"""`learning-loop clock`: the local-mode clock (demo and tests only)."""

from __future__ import annotations

from typing import Annotated

import typer

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, load_settings, run, with_runtime
from teams_app.domain.durations import parse_duration


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The local-mode clock (demo and tests only).", no_args_is_help=True)
    group.command("show")(clock_show)
    group.command("advance")(clock_advance)
    app.add_typer(group, name="clock")


def clock_show(database_url: DatabaseOption = None) -> None:
    """Show the local clock."""
    settings = load_settings(database_url=database_url, anonymous=True, local_mode=True)

    async def go(runtime: Runtime) -> str:
        return runtime.clock.now().isoformat()

    console.print(run(with_runtime(settings, go)))


def clock_advance(
    by: Annotated[str, typer.Argument(help='How far to move, e.g. "14d", "2h30m".')],
    database_url: DatabaseOption = None,
) -> None:
    """Move the local clock forward, so "two weeks later" happens now (local mode only)."""
    try:
        delta = parse_duration(by)
    except ValueError as error:
        console.print(f"[red]{error}[/red]  Use units s, m, h, d, w, e.g. 14d.")
        raise typer.Exit(2) from None
    settings = load_settings(database_url=database_url, anonymous=True, local_mode=True)

    async def go(runtime: Runtime) -> str:
        return (await runtime.advance_clock(delta)).isoformat()

    console.print(f"Local time is now {run(with_runtime(settings, go))}.")
