"""`learning-loop report`: a plan's or a whole team's learning report for its owner, as a table
or as CSV (the same figures the report card shows, the k rule applied the same way)."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from teams_app.bootstrap import Runtime
from teams_app.cli.common import (
    DatabaseOption,
    console,
    db_settings,
    errors,
    person_id,
    run_with_runtime,
)
from teams_app.domain.learning_report import LearningReport, ShownRate
from teams_app.domain.occurrences import Tally
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reports.learning_report import NoReport, learning_report, team_report

ENCODING = "utf-8-sig"  # with a BOM, so Excel reads å, ä, ö, ü as one character each
COLUMNS = ("figure", "person_id", "person", "month", "choice", "value")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a name starting so stays text in Excel


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    by: Annotated[str, typer.Option("--by", help="Who asks: only the owner (id or UPN).")],
    plan: Annotated[str | None, typer.Option(
        help="The plan's id (learning-loop plan list).")] = None,
    team: Annotated[str | None, typer.Option(
        help="A team over all of --by's plans for it: a group's id, `direct-reports`, or a "
             "`people:...` key from a team report.")] = None,
    csv_out: Annotated[Path | None, typer.Option(
        "--csv", help="Write every figure as CSV (one figure a row) instead of the table.")]
    = None,
    database_url: DatabaseOption = None,
) -> None:
    """A plan's or a whole team's learning report: kept vs booked hours per person and for the
    team; check-in and applied rates and what got in the way, each only from k answers."""
    if (plan is None) == (team is None):
        errors.print("Give exactly one of --plan (one plan) or --team (all your plans for a "
                     "team).")
        raise typer.Exit(2)

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        owner = await person_id(runtime, by, "--by")
        if plan is not None:
            found = await learning_report(plan, owner, uow=services.uow, forms=services.forms,
                                          clock=services.clock)
        else:
            found = await team_report(team_of_option(team or ""), owner, uow=services.uow,
                                      forms=services.forms, clock=services.clock)
        names = await people_names([p.person_id for p in found.people],
                                   directory=services.directory)
        if csv_out is not None:
            with csv_out.open("w", encoding=ENCODING, newline="") as file:
                writer = csv.writer(file)
                writer.writerow(COLUMNS)
                count = 0
                for row in rows(found, names):
                    writer.writerow([_safe(cell) for cell in row])
                    count += 1
            console.print(f"{count} figures written to {escape(str(csv_out))}.")
            return
        _print(found, names)

    run_with_runtime(db_settings(database_url), go,
                     refusal=lambda error: _refusal(error, team=team is not None), to=errors)


def team_of_option(value: str) -> str:
    """A bare id is a group's; `direct-reports` and full keys (`group:...`, `people:...`) are
    taken as they are (domain/learning_report.py::team_key)."""
    value = value.strip()
    if value in ("direct-reports", "direct_reports"):
        return "direct-reports"
    return value if ":" in value else f"group:{value}"


def rows(report: LearningReport, names: Mapping[str, str]) -> Iterator[tuple[object, ...]]:
    for person in report.people:
        yield from _hours_rows(person.hours, person.person_id,
                               names.get(person.person_id, ""))
    yield from _hours_rows(report.team, "", "")
    yield from _rate_rows("checkins", report.checkins)
    yield from _rate_rows("applied", report.applied)
    for month in report.hindrances:
        yield ("hindrance_answers", "", "", month.month.isoformat(), "", month.answers)
        for choice, count in month.counts:
            yield ("hindrance", "", "", month.month.isoformat(), choice, count)
    yield ("k", "", "", "", "", report.k)
    yield ("plans", "", "", "", "", len(report.plans))
    if report.team_id is not None:
        yield ("team", "", "", "", "", report.team_id)


def _hours_rows(hours: Tally, person: str, name: str) -> Iterator[tuple[object, ...]]:
    for figure, value in (("kept_hours", hours.kept), ("due_hours", hours.due),
                          ("lost_hours", hours.lost), ("upcoming_hours", hours.upcoming),
                          ("skipped_hours", hours.skipped), ("away_hours", hours.away)):
        yield (figure, person, name, "", "", round(value.total_seconds() / 3600, 2))


def _rate_rows(name: str, rate: ShownRate | None) -> Iterator[tuple[object, ...]]:
    if rate is None:
        return
    yield (f"{name}_asked", "", "", "", "", rate.asked)
    if rate.shown:  # below k even the count of yes answers would say too much
        yield (f"{name}_answered", "", "", "", "", rate.answered)
        if rate.rate is not None:
            yield (f"{name}_rate", "", "", "", "", round(rate.rate, 4))


def _print(report: LearningReport, names: Mapping[str, str]) -> None:
    if report.team_id is not None:
        console.print(f"team {escape(report.team_id)}: {len(report.plans)} plans")
    table = Table("person", "kept h", "due h", "lost h", "upcoming h")
    for person in report.people:
        table.add_row(escape(names.get(person.person_id, person.person_id)),
                      *_hours(person.hours))
    table.add_row("[bold]team[/bold]", *_hours(report.team))
    console.print(table)
    for label, rate in (("check-ins answered", report.checkins),
                        ("planned actions applied", report.applied)):
        if rate is None:
            console.print(f"{label}: none asked yet")
        elif rate.withheld:
            console.print(f"{label}: {rate.asked} asked; hidden, as a plan's own report "
                          "subtracted from it would leave too few answers")
        elif rate.rate is None:
            console.print(f"{label}: {rate.asked} asked; shown from {rate.k} answers")
        else:
            console.print(f"{label}: {rate.rate:.0%} ({rate.answered} of {rate.asked})")
    for month in report.hindrances:
        what = (", ".join(f"{c} {n}" for c, n in month.counts) if month.shown
                else "hidden: a plan's own report subtracted would leave too few"
                if month.withheld else f"too few to show (k = {report.k})")
        console.print(f"{month.month:%Y-%m}: {month.answers} answers: {what or 'none'}")


def _hours(tally: Tally) -> tuple[str, ...]:
    return tuple(f"{t.total_seconds() / 3600:.2f}"
                 for t in (tally.kept, tally.due, tally.lost, tally.upcoming))


def _safe(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def _refusal(error: Exception, *, team: bool) -> tuple[str, int] | None:
    if isinstance(error, NoReport) and team:
        return ("--by owns no plan for that team: a team's report covers only its asker's "
                "plans.", 2)
    if isinstance(error, NoReport):
        return ("No plan with that id is owned by --by: only a plan's owner reads its report.",
                2)
    return None
