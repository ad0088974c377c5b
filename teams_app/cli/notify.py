"""`learning-loop notify`: queue a proactive message for a job worker to deliver."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, load_settings, run, with_runtime
from teams_app.domain.durations import parse_duration
from teams_app.use_cases.notifications import Recipient, ScheduleNotification, schedule_notification


def register(app: typer.Typer) -> None:
    app.command("notify")(notify)


def notify(
    template: Annotated[str, typer.Option(help="What to send: help or welcome.")],
    user: Annotated[str | None, typer.Option(help="AAD object id of the person.")] = None,
    conversation: Annotated[str | None, typer.Option(help="Conversation id.")] = None,
    after: Annotated[str | None, typer.Option("--in", help='Delay, e.g. "10m".')] = None,
    key: Annotated[str | None, typer.Option(help="Idempotency key (default: new).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Queue a proactive message to a person or conversation; a job worker delivers it."""
    if bool(user) == bool(conversation):
        console.print("[red]Give exactly one of --user or --conversation.[/red]")
        raise typer.Exit(2)
    try:
        delay = parse_duration(after) if after else None
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    settings = load_settings(database_url=database_url, anonymous=True)

    async def go(runtime: Runtime) -> str | None:
        at = runtime.clock.now() + delay if delay else None
        command = ScheduleNotification(
            Recipient(user_id=user, conversation_id=conversation), template,
            key or uuid.uuid4().hex, at,
        )
        return await schedule_notification(command, uow=runtime.services.uow)

    job_id = run(with_runtime(settings, go))
    console.print(f"Queued as job {job_id}." if job_id else "Already queued with that key.")
