"""`learning-loop privacy export|erase|log`: a person's own data, for an admin answering a
formal request (access, portability, erasure). Running the service's CLI is what makes an
admin: the person themself uses `my data` in Teams."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from teams_app.bootstrap import Runtime
from teams_app.cli.common import (
    CliStop,
    DatabaseOption,
    console,
    db_settings,
    errors,
    run_with_runtime,
)
from teams_app.ports import GraphError, GraphNotFound
from teams_app.use_cases.privacy.archive import archive_name, export_archive
from teams_app.use_cases.privacy.erasing import ErasePerson, erase_person
from teams_app.use_cases.privacy.holdings import describe_person, export_person

PersonOption = Annotated[str, typer.Option(
    "--person", help="The person's Entra object id (or their UPN, when Graph is configured).")]


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="A person's own data: export it, erase it, the erasure log.",
                        no_args_is_help=True)
    group.command("export")(export)
    group.command("erase")(erase)
    group.command("log")(erasure_log)
    app.add_typer(group, name="privacy")


def export(
    person: PersonOption,
    out: Annotated[Path | None, typer.Option(help="The zip to write (default: in this folder).")]
    = None,
    database_url: DatabaseOption = None,
) -> None:
    """Write everything Learning Loop holds about a person to a zip (JSON and CSV)."""

    async def action(runtime: Runtime) -> Path:
        services = runtime.services
        person_id = await _person_id(runtime, person)
        holdings = await export_person(person_id, uow=services.uow)
        at = services.clock.now()
        target = out or Path(archive_name(at))
        target.write_bytes(export_archive(person_id, holdings, at=at))
        console.print(f"{len(holdings)} records written to {escape(str(target))}")
        return target

    run_with_runtime(db_settings(database_url), action,
                     refusal=_refusal, to=errors)


def erase(
    person: PersonOption,
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking again.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Erase a person's named answers (database and SharePoint), release their slots, and
    remove what the service keeps to reach them. Anonymous answers stay: nothing links them."""

    async def action(runtime: Runtime) -> None:
        services = runtime.services
        person_id = await _person_id(runtime, person)
        report = await describe_person(person_id, uow=services.uow)
        if not report.holdings:
            console.print("Nothing is held about this person.")
            return
        console.print(f"{len(report.holdings)} records are held about this person.")
        if not yes and not typer.confirm("Erase them?", default=False):
            raise CliStop(1)
        erased = await erase_person(ErasePerson(person_id, by="admin"), uow=services.uow,
                                    clock=services.clock)
        for kind, count in sorted(erased.counts.items()):
            console.print(f"{kind.replace('_', ' ')}: {count}")
        console.print(f"SharePoint items queued for deletion: {len(erased.list_items)}; "
                      f"calendar series to delete: {len(erased.calendar_series)}")

    run_with_runtime(db_settings(database_url), action,
                     refusal=_refusal, to=errors)


def erasure_log(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    database_url: DatabaseOption = None,
) -> None:
    """The latest erases: when, who asked, counts (no person is named)."""

    async def action(runtime: Runtime) -> None:
        async with runtime.services.uow(read_only=True) as tx:
            for entry in await tx.erasures.recent(limit):
                counts = ", ".join(f"{k} {v}" for k, v in sorted(entry.counts.items()))
                # One line per erase, unwrapped, for a script reading it.
                console.print(f"{entry.at:%Y-%m-%d %H:%M} {entry.by} "
                              f"{(entry.person_hash or '-')[:16]} {counts}", soft_wrap=True)

    run_with_runtime(db_settings(database_url), action,
                     refusal=_refusal, to=errors)


async def _person_id(runtime: Runtime, person: str) -> str:
    """The person's object id, checked in the directory when Graph is configured. An id the
    directory no longer knows is still taken when something is held under it: people who left
    the organisation have the same rights."""
    person = person.strip()
    if not person:
        errors.print("[red]--person is empty: give the person's object id or UPN.[/red]")
        raise CliStop(2)
    directory = runtime.services.directory
    if directory is None:
        return person
    try:
        return str((await directory.user(person)).object_id)
    except GraphNotFound:
        pass
    if "@" not in person:
        held = await describe_person(person, uow=runtime.services.uow)
        if held.holdings:
            console.print("Not in the directory (they may have left); using the id as given.")
            return person
    errors.print(f"[red]--person {escape(person)}: nobody in the directory has that id or "
                 "name, and nothing is held under it.[/red]")
    raise CliStop(2)


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, GraphError):
        return "Microsoft Graph could not find that person or is not reachable now.", 3
    return None
