"""`learning-loop provision`: the results lists on a SharePoint site, made or brought up to date.

Idempotent and additive: a missing list is created, missing columns are added (one somebody
removed is made again, and said so: its old values are gone with it in SharePoint, the outbox
writes new ones), a column somebody renamed gets its name back, indexes and new choices are
added; nothing is ever deleted, neither columns nor items. Where each list is gets stored, so
the outbox writes there, and rows SharePoint had refused are queued again once the lists are
repaired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from teams_app.domain.directory import ListChange, ListChangeKind, Site
from teams_app.domain.forms.definitions import Form
from teams_app.domain.results.lists import results_lists
from teams_app.ports import Clock, GraphNotFound, Lists, UnitOfWorkFactory
from teams_app.ports.results import ProvisionedList

ROOT = "root"
Progress = Callable[[str, int, int], None]  # (what, done, total)


class SiteNotFound(Exception):
    """No site answers to what the admin gave; `candidates` are sites whose name matches."""

    def __init__(self, asked: str, candidates: tuple[Site, ...]) -> None:
        super().__init__(asked)
        self.asked = asked
        self.candidates = candidates


@dataclass(frozen=True)
class ListReport:
    kind: str
    name: str
    list_id: str
    changes: tuple[ListChange, ...]
    recreated: tuple[str, ...] = ()  # columns provisioned before and found missing


@dataclass(frozen=True)
class ProvisionReport:
    site: Site
    lists: tuple[ListReport, ...]
    requeued: int = 0  # outbox rows SharePoint had refused, pending again

    @property
    def changed(self) -> bool:
        return any(report.changes for report in self.lists)


async def find_site(lists: Lists, asked: str) -> Site:
    """A site by URL, by id, or the tenant's root site ("root"); by name as a last resort."""
    asked = asked.strip()
    try:
        if asked.lower() == ROOT:
            return await lists.root_site()
        if asked.lower().startswith(("https://", "http://")):
            return await lists.site_by_url(asked)
        return await lists.site_by_id(asked)
    except GraphNotFound:
        pass
    candidates = tuple(await lists.search_sites(asked)) if "," not in asked else ()
    named = [s for s in candidates if s.display_name.lower() == asked.lower()]
    if len(named) == 1:
        return named[0]
    raise SiteNotFound(asked, candidates)


async def provision_results(
    site: str,
    *,
    forms: Iterable[Form],
    uow: UnitOfWorkFactory,
    lists: Lists,
    clock: Clock,
    progress: Progress | None = None,
) -> ProvisionReport:
    wanted = results_lists(forms)
    step = progress or (lambda _what, _done, _total: None)
    step("site", 0, len(wanted))
    found = await find_site(lists, site)
    async with uow(read_only=True) as tx:
        before = await tx.result_lists.all()
    reports: list[ListReport] = []
    for done, results in enumerate(wanted):
        step(results.schema.name, done, len(wanted))
        earlier = before.get(results.kind.value)
        known = earlier.ref.list_id if earlier and earlier.ref.site_id == found.id else None
        made = await lists.provision_list(found.id, results.schema, known_list_id=known)
        recreated: tuple[str, ...] = ()
        if earlier is not None and earlier.ref.list_id == made.ref.list_id:
            added = {c.column for c in made.changes if c.kind is ListChangeKind.COLUMN_ADDED}
            recreated = tuple(name for name in earlier.columns if name in added)
        reports.append(ListReport(results.kind.value, results.schema.name, made.ref.list_id,
                                  made.changes, recreated))
        async with uow() as tx:
            await tx.result_lists.save(ProvisionedList(
                kind=results.kind.value, ref=made.ref,
                columns=tuple(c.name for c in results.schema.columns),
                provisioned_at=clock.now()))
            await tx.commit()
    async with uow() as tx:
        requeued = await tx.outbox.retry_failed()
        await tx.commit()
    step("done", len(wanted), len(wanted))
    return ProvisionReport(found, tuple(reports), requeued)
