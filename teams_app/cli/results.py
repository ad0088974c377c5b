"""`learning-loop provision` (the results lists on a SharePoint site) and `learning-loop outbox
status|retry|drain` (responses on their way there)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from teams_app.bootstrap import Runtime, bootstrap
from teams_app.cli.common import DatabaseOption, console, errors, load_settings, run
from teams_app.domain.directory import ListChange, ListChangeKind
from teams_app.logs import configure_logging
from teams_app.ports import (
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphThrottled,
    Lists,
    OutboxCounts,
)
from teams_app.use_cases.results.outbox import DrainReport, drain_outbox
from teams_app.use_cases.results.provisioning import (
    ListReport,
    ProvisionReport,
    SiteNotFound,
    provision_results,
)

T = TypeVar("T")
SITE_HELP = ("The SharePoint site: its URL (https://contoso.sharepoint.com/sites/learning), "
             "its Graph id, or root for the tenant's root site.")


class Stop(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def register(app: typer.Typer) -> None:
    app.command("provision")(provision)
    group = typer.Typer(help="Responses on their way to the SharePoint lists.",
                        no_args_is_help=True)
    group.command("status")(outbox_status)
    group.command("retry")(outbox_retry)
    group.command("drain")(outbox_drain)
    app.add_typer(group, name="outbox")


def provision(
    site: Annotated[str, typer.Option(help=SITE_HELP)],
    database_url: DatabaseOption = None,
) -> None:
    """Create or update the results lists (one per form kind, plus campaigns) on a site.

    Safe to run again: it only adds and repairs, never deletes a column or an item."""

    async def go(runtime: Runtime) -> ProvisionReport:
        forms = await runtime.form_catalog().every_version()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("Finding the site", total=None)

            def step(what: str, done: int, total: int) -> None:
                bar.update(task, description=escape(what), completed=done, total=total)

            return await provision_results(site, forms=forms, uow=runtime.services.uow,
                                           lists=_lists(runtime), clock=runtime.clock,
                                           progress=step)

    report = _run(database_url, go)
    console.print(f"Site: {escape(report.site.display_name)} ({escape(report.site.web_url)})")
    for listed in report.lists:
        console.print(_list_line(listed))
    if not report.changed:
        console.print("[green]Nothing to change:[/green] every list matches the forms.")
    if report.requeued:
        console.print(f"{report.requeued} response(s) SharePoint had refused are queued again.")


def outbox_status(database_url: DatabaseOption = None) -> None:
    """How many responses wait for SharePoint, were written, or were refused (and why)."""

    async def go(runtime: Runtime) -> OutboxCounts:
        async with runtime.services.uow(read_only=True) as tx:
            return await tx.outbox.counts()

    counts = _run(database_url, go)
    console.print(f"pending: {counts.pending}  written: {counts.written}  "
                  f"failed: {counts.failed}")
    if counts.oldest_pending is not None:
        waiting = f"oldest pending since {counts.oldest_pending:%Y-%m-%d %H:%M:%S} UTC"
        if counts.last_error:
            waiting += f" (last try: {counts.last_error})"
        console.print(waiting)
    for reason, count in sorted(counts.failed_by_reason.items()):
        console.print(f"  failed, {escape(reason)}: {count}")
    if counts.failed:
        console.print("Run `learning-loop provision --site ...` to repair the lists and queue "
                      "them again, or `learning-loop outbox retry`.")


def outbox_retry(database_url: DatabaseOption = None) -> None:
    """Queue the responses SharePoint refused again (after fixing the list)."""

    async def go(runtime: Runtime) -> int:
        async with runtime.services.uow() as tx:
            count = await tx.outbox.retry_failed()
            await tx.commit()
        return count

    console.print(f"{_run(database_url, go)} response(s) queued again.")


def outbox_drain(database_url: DatabaseOption = None) -> None:
    """Write pending responses to SharePoint now, in this process."""

    async def go(runtime: Runtime) -> DrainReport:
        return await drain_outbox(uow=runtime.services.uow, lists=_lists(runtime),
                                  clock=runtime.clock, owner=f"cli:{id(runtime)}")

    report = _run(database_url, go)
    line = f"written: {report.written}  set aside: {report.failed}"
    if report.stopped == "busy":
        line += " (another drain is running)"
    elif report.stopped:
        line += f"; stopped: {report.stopped}"
        if report.retry_after:
            line += f", SharePoint asks to wait {report.retry_after:g} s"
    console.print(line)


def _lists(runtime: Runtime) -> Lists:
    if runtime.services.lists is None:
        errors.print("[red]Microsoft Graph is not configured.[/red] Set "
                     "LEARNING_LOOP_GRAPH_TENANT_ID, _CLIENT_ID and a credential (see README).")
        raise Stop(2)
    return runtime.services.lists


def _run(database_url: str | None, action: Callable[[Runtime], Awaitable[T]]) -> T:
    settings = load_settings(database_url=database_url)
    # Warnings only, on stderr: info lines would run through the progress bar.
    configure_logging(json=settings.log_json, level=logging.WARNING, cache=False)

    async def go() -> T:
        runtime = await bootstrap(settings)
        try:
            return await action(runtime)
        finally:
            await runtime.close()

    try:
        return run(go())
    except Stop as stop:
        raise typer.Exit(stop.code) from None
    except SiteNotFound as missing:
        errors.print(f"[red]No SharePoint site answers to {escape(missing.asked)} (404).[/red] "
                     "Give its URL, its id, or root.")
        for site in missing.candidates:
            errors.print(f"  did you mean {escape(site.display_name)}: {escape(site.web_url)}")
        raise typer.Exit(1) from None
    except GraphError as error:
        errors.print(f"[red]{escape(graph_message(error))}[/red]")
        raise typer.Exit(1) from None


def graph_message(error: GraphError) -> str:
    if isinstance(error, GraphForbidden):
        return (f"SharePoint refused access ({error.status}): grant the app Sites.Selected "
                "with the manage role on this site (or Sites.Manage.All), and admin consent. "
                f"Graph said the operation needs {error.permission}.")
    if isinstance(error, GraphNotFound):
        return "SharePoint answered 404: the site or a list is gone. Check the site address."
    if isinstance(error, GraphThrottled):
        wait = f"{error.retry_after:g} s" if error.retry_after else "a minute"
        return (f"SharePoint is throttling this app (429) after the retries; try again in "
                f"{wait}.")
    return (f"SharePoint did not answer ({error.status or 'timeout'}) after the retries; "
            "try again later.")


def _list_line(listed: ListReport) -> str:
    name = escape(listed.name)
    if not listed.changes:
        return f"  {name}: up to date"
    return f"  {name}: " + "; ".join(_change_text(c, listed.recreated) for c in listed.changes)


def _change_text(change: ListChange, recreated: tuple[str, ...]) -> str:
    column = escape(change.column or "")
    match change.kind:
        case ListChangeKind.LIST_CREATED:
            return "created"
        case ListChangeKind.COLUMN_ADDED if change.column in recreated:
            return (f"[yellow]column {column} had been removed: made again[/yellow] (its "
                    "earlier values went with it in SharePoint)")
        case ListChangeKind.COLUMN_ADDED:
            return f"column {column} added"
        case ListChangeKind.COLUMN_INDEXED:
            return f"column {column} indexed"
        case ListChangeKind.COLUMN_RENAMED_BACK:
            return (f"[yellow]column {column} had been renamed to "
                    f"\"{escape(change.was or '')}\": name put back[/yellow]")
        case ListChangeKind.CHOICES_ADDED:
            return f"column {column}: new choices added"
    return change.kind.value
