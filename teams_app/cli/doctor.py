"""`learning-loop doctor`: checks a deployment and prints a table with a fix for each failure;
the exit code is 1 when anything failed."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from rich.text import Text

from teams_app.bootstrap import build_doctor
from teams_app.cli.common import console
from teams_app.domain.doctor import CheckResult, CheckStatus, DoctorReport
from teams_app.logs import configure_logging
from teams_app.settings import Settings
from teams_app.use_cases.doctor.run import run_doctor

STYLES = {CheckStatus.OK: "green", CheckStatus.FAILED: "bold red", CheckStatus.SKIPPED: "yellow"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    public_url: Annotated[str | None, typer.Option(
        help="The service's public https address, whose /readyz is asked "
             "(default: LEARNING_LOOP_PUBLIC_URL).")] = None,
    mailbox: Annotated[str | None, typer.Option(
        help="A mailbox inside the calendar scope, for the Graph probes "
             "(default: LEARNING_LOOP_DOCTOR_MAILBOX, else the first user listed).")] = None,
    group: Annotated[str | None, typer.Option(
        help="A group id whose members are listed (default: LEARNING_LOOP_DOCTOR_GROUP, "
             "else the learning leads group).")] = None,
    outside_mailbox: Annotated[str | None, typer.Option(
        help="A mailbox outside the Exchange RBAC scope, which Graph must refuse "
             "(default: LEARNING_LOOP_RBAC_OUTSIDE_MAILBOX).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Check settings, database, the bot's credentials, Graph permissions, the RBAC scope and
    the public endpoint; exit code 1 when anything failed."""
    overrides = {"public_url": public_url, "doctor_mailbox": mailbox, "doctor_group": group,
                 "rbac_outside_mailbox": outside_mailbox}
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        report = DoctorReport(tuple(_refused_setting(problem) for problem in error.errors()))
    else:
        configure_logging(json=settings.log_json, level=logging.WARNING, cache=False)
        report = asyncio.run(_examine(settings))
    _print(report, as_json=as_json)
    raise typer.Exit(0 if report.healthy else 1)


async def _examine(settings: Settings) -> DoctorReport:
    runtime = build_doctor(settings)
    try:
        return await run_doctor(settings, runtime.ports)
    finally:
        await runtime.close()


def _refused_setting(problem: object) -> CheckResult:
    details = problem if isinstance(problem, dict) else {}
    where = ".".join(map(str, details.get("loc", ()))) or "settings"
    name = f"LEARNING_LOOP_{where.upper()}" if where != "settings" else where
    return CheckResult.failed(f"Settings: {name}", str(details.get("msg", "invalid")),
                              "Correct the setting (environment or .env) and run doctor again.")


def _print(report: DoctorReport, *, as_json: bool) -> None:
    if as_json:
        rows = [asdict(result) | {"status": result.status.value} for result in report.results]
        # Plain text: rich would wrap long strings at the terminal's width, breaking the JSON.
        typer.echo(json.dumps({"healthy": report.healthy, "checks": rows}, ensure_ascii=False,
                              indent=2))
        return
    table = Table(title="Learning Loop doctor", show_lines=True)
    for column in ("Check", "Result", "Details", "Fix"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        table.add_row(Text(result.check), Text(result.status.value, style=STYLES[result.status]),
                      Text(result.detail), Text(result.fix))
    console.print(table)
    failed = len(report.failures)
    console.print("[green]All checks passed.[/green]" if not failed else
                  f"[bold red]{failed} check{'s' if failed > 1 else ''} failed.[/bold red]")
