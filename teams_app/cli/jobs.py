"""`learning-loop jobs`: the durable job queue."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, db_settings, run, with_runtime
from teams_app.ports import JobState


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The durable job queue.", no_args_is_help=True)
    group.command("list")(jobs_list)
    group.command("retry")(jobs_retry)
    app.add_typer(group, name="jobs")


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
