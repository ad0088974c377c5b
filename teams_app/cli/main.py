"""The `learning-loop` command line: thin commands over bootstrap, use cases and the job store."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from teams_app.bootstrap import Runtime, bootstrap, migrate
from teams_app.cli.plans.commands import plan_app
from teams_app.domain.durations import parse_duration
from teams_app.logs import configure_logging
from teams_app.ports import JobState
from teams_app.settings import Settings
from teams_app.use_cases.notifications import Recipient, ScheduleNotification, schedule_notification

app = typer.Typer(help="Learning Loop: protected learning time, check-ins and reflection in Teams.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
jobs_app = typer.Typer(help="The durable job queue.", no_args_is_help=True)
clock_app = typer.Typer(help="The local-mode clock (demo and tests only).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(jobs_app, name="jobs")
app.add_typer(clock_app, name="clock")
app.add_typer(plan_app, name="plan")  # learning plans: cli_plans.py

console = Console()
T = TypeVar("T")


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(map(str, problem["loc"])) or "settings"
            console.print(f"[red]Configuration problem[/red] ({where}): {problem['msg']}")
        raise typer.Exit(2) from None


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def with_runtime(settings: Settings, action: Callable[[Runtime], Awaitable[T]]) -> T:
    runtime = await bootstrap(settings)
    try:
        return await action(runtime)
    finally:
        await runtime.close()


# Commands that only touch the database need no bot identity; local settings satisfy validation.
def db_settings(database_url: str | None) -> Settings:
    return load_settings(database_url=database_url, anonymous=True, host="127.0.0.1")


DatabaseOption = Annotated[str | None, typer.Option(help="Database URL (default: settings).")]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Job worker concurrency in this process.")
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Local anonymous mode with a movable clock.")
    ] = False,
) -> None:
    """Run the bot endpoint, health checks and job workers."""
    from teams_app.cli.serve import serve as serve_forever

    overrides: dict[str, Any] = {"host": host, "port": port, "workers": workers}
    if local:
        overrides |= {"anonymous": True, "local_mode": True}
    settings = load_settings(**overrides)
    configure_logging(json=settings.log_json)
    run(serve_forever(settings))


@app.command()
def worker(
    workers: Annotated[int | None, typer.Option(help="Jobs run at once.")] = None,
) -> None:
    """Run job workers only (add processes to share the queue)."""
    from teams_app.cli.serve import work

    settings = load_settings(workers=workers)
    configure_logging(json=settings.log_json)
    run(work(settings))


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port of the bot endpoint.")] = 3978,
    playground_port: Annotated[int, typer.Option(help="Port of the Agents Playground.")] = 56150,
    graph_port: Annotated[int, typer.Option(help="Port of the local Graph emulator.")] = 5039,
    database_url: DatabaseOption = "sqlite+aiosqlite:///.learning-loop/demo.db",
) -> None:
    """Start the service in local mode with the Agents Playground and a demo organisation."""
    from teams_app.local.demo import run_demo

    settings = load_settings(
        anonymous=True, local_mode=True, host="127.0.0.1", port=port, database_url=database_url
    )
    configure_logging(json=False)
    run(run_demo(settings, playground_port=playground_port, graph_port=graph_port,
                 console=console))


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseOption = None) -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = db_settings(database_url)

    current, head = run(migrate(settings.database_url))
    console.print(f"Database at revision [bold]{current}[/bold] (head {head}).")


@jobs_app.command("list")
def jobs_list(
    state: Annotated[JobState | None, typer.Option(help="Only jobs in this state.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    database_url: DatabaseOption = None,
) -> None:
    """List jobs, newest first; dead jobs show their last error."""

    async def go(runtime: Runtime) -> tuple[list[Any], dict[JobState, int]]:
        return await runtime.jobs.list(state, limit=limit), await runtime.jobs.counts()

    jobs, counts = run(with_runtime(db_settings(database_url), go))
    table = Table("id", "kind", "state", "attempts", "run at (UTC)", "last error")
    for job in jobs:
        table.add_row(job.id, job.kind, job.state.value, f"{job.attempts}/{job.max_attempts}",
                      job.run_at.strftime("%Y-%m-%d %H:%M:%S"), job.last_error or "")
    console.print(table)
    console.print("  ".join(f"{s.value}: {counts.get(s, 0)}" for s in JobState))


@jobs_app.command("retry")
def jobs_retry(
    job_id: Annotated[str, typer.Argument(help="Id of a dead job.")],
    database_url: DatabaseOption = None,
) -> None:
    """Revive a dead job: queued again now, with a fresh attempt budget."""

    async def go(runtime: Runtime) -> bool:
        return await runtime.jobs.retry(job_id)

    if not run(with_runtime(db_settings(database_url), go)):
        console.print(
            f"[red]No dead job with id {job_id}.[/red] "
            "See `learning-loop jobs list --state dead`."
        )
        raise typer.Exit(1)
    console.print(f"Job {job_id} is queued again.")


@clock_app.command("show")
def clock_show(database_url: DatabaseOption = None) -> None:
    """Show the local clock."""
    settings = load_settings(database_url=database_url, anonymous=True, local_mode=True)

    async def go(runtime: Runtime) -> str:
        return runtime.clock.now().isoformat()

    console.print(run(with_runtime(settings, go)))


@clock_app.command("advance")
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


@app.command()
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


manifest_app = typer.Typer(help="The Teams app package.", no_args_is_help=True)
app.add_typer(manifest_app, name="manifest")
PACKAGE_FLAGS = {"app_id": "--app-id", "bot_id": "--bot-id", "host": "--host",
                 "version": "--version", "developer.name": "--developer-name",
                 "developer.website_url": "--website-url", "developer.privacy_url": "--privacy-url",
                 "developer.terms_of_use_url": "--terms-url"}


@manifest_app.command("build")
def manifest_build(
    app_id: Annotated[str | None, typer.Option(
        help="Teams app id, a GUID; often the bot's Entra app id (required).")] = None,
    host: Annotated[str | None, typer.Option(
        help="The service's public DNS name, e.g. learningloop.contoso.com (required).")] = None,
    version: Annotated[str | None, typer.Option(
        help="App version MAJOR.MINOR.PATCH; raise it for every upload (required).")] = None,
    developer_name: Annotated[str | None, typer.Option(help="Publisher name (required).")] = None,
    website_url: Annotated[str | None, typer.Option(help="https support page (required).")] = None,
    privacy_url: Annotated[str | None, typer.Option(help="https privacy page (required).")] = None,
    terms_url: Annotated[str | None, typer.Option(help="https terms of use (required).")] = None,
    bot_id: Annotated[str | None, typer.Option(
        help="The bot's Entra app (client) id, if not the same as --app-id.")] = None,
    out: Annotated[str, typer.Option(help="Where to write the zip.")] = "learning-loop.zip",
) -> None:
    """Build the Teams app package (zip) to upload in the Teams admin center."""
    from pathlib import Path

    from rich.markup import escape

    from manifest import package

    given = {"app_id": app_id, "host": host, "version": version, "developer.name": developer_name,
             "developer.website_url": website_url, "developer.privacy_url": privacy_url,
             "developer.terms_of_use_url": terms_url}
    if missing := [PACKAGE_FLAGS[name] for name, value in given.items() if value is None]:
        console.print(f"[red]Missing build inputs:[/red] {', '.join(missing)}. "
                      "See `learning-loop manifest build --help`.")
        raise typer.Exit(2)
    text = {name: str(value) for name, value in given.items()}
    developer = package.DeveloperInfo(*(text[f"developer.{field}"] for field in (
        "name", "website_url", "privacy_url", "terms_of_use_url")))
    try:
        path = package.build_app_package(
            app_id=text["app_id"], bot_id=bot_id or text["app_id"], host=text["host"],
            version=text["version"], developer=developer, out=Path(out))
    except package.InvalidPackageInput as error:
        for problem in error.problems:
            if problem.field == "bot_id" and bot_id is None:
                continue  # it defaulted to --app-id, which is reported already
            console.print(f"[red]{PACKAGE_FLAGS[problem.field]}[/red] {escape(problem.message)}")
        raise typer.Exit(2) from None
    except package.ManifestDataMissing as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(1) from None
    typer.echo(str(path))


@app.command("graph-emulator")
def graph_emulator(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 5039,
    seed: Annotated[str, typer.Option(help="demo (the demo organisation) or empty.")] = "demo",
) -> None:
    """Run the local Microsoft Graph emulator at http://127.0.0.1:<port>/v1.0."""
    from aiohttp import web

    from graph.emulator import create_emulator_app

    if seed not in {"demo", "empty"}:
        console.print("[red]--seed must be demo or empty.[/red]")
        raise typer.Exit(2)
    console.print(f"Graph emulator on http://127.0.0.1:{port}/v1.0 (seed {seed}); "
                  f"control API at http://127.0.0.1:{port}/_emulator/")
    web.run_app(create_emulator_app(seed), host="127.0.0.1", port=port, print=None)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
