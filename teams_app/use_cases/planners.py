"""Who may plan for whom: the facts about a planner, read from the directory, then the pure rule
(`domain/planners.py`).

Facts are read only as far as the members asked about need them, cheapest first: a learning lead
needs one request; a manager's direct reports one more; their reports' reports (when the admin
allows it), groups they own and those groups' members are read only for members still not
allowed. A caller that is still reading the members (a group of thousands is a dozen pages, one
after another) may start the first two reads alongside (`PlannerReads.ahead`): the check then
waits for neither. Reads happen outside any transaction; Graph errors propagate (no answer, no
plan).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from teams_app.domain.directory import Person
from teams_app.domain.planners import PlannerFacts, PlanningRights, refused_members
from teams_app.ports import Directory, GraphForbidden

# Levels below the direct reports that a manager reaches when the admin allows indirect reports;
# a bound, so a reporting line that loops in the directory cannot keep the walk going.
MAX_REPORTING_DEPTH = 8
# Members whose own groups are read for an owner who is not a member of their group: the people
# a plan card names one by one, not a whole group of thousands.
MAX_MEMBER_GROUP_LOOKUPS = 50


class PlannerReads:
    """The planner's first facts (a learning lead? whose manager?), each read at most once.

    Lazy by default: read when the check needs them. `ahead` starts both at once; a reads
    object that was started must be `close`d, which drops whatever was not needed (a learning
    lead's direct reports)."""

    def __init__(self, planner_id: str, directory: Directory, rights: PlanningRights) -> None:
        self.planner_id = planner_id
        self._directory = directory
        self._rights = rights
        self._reads: dict[str, asyncio.Future[Any]] = {}

    @classmethod
    def ahead(cls, planner_id: str, directory: Directory, rights: PlanningRights
              ) -> PlannerReads:
        reads = cls(planner_id, directory, rights)
        reads._read("reports", reads._reports)
        if rights.learning_leads_group:
            reads._read("lead", reads._lead)
        return reads

    async def learning_lead(self) -> bool:
        return bool(self._rights.learning_leads_group) and await self._read("lead", self._lead)

    async def direct_reports(self) -> list[Person]:
        return list(await self._read("reports", self._reports))

    def close(self) -> None:
        for read in self._reads.values():
            if not read.done():
                read.cancel()
            elif not read.cancelled():
                read.exception()  # a failed read nobody awaited is not an unretrieved error

    def _read(self, key: str, read: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
        if key not in self._reads:
            self._reads[key] = asyncio.ensure_future(read())
        return self._reads[key]

    async def _lead(self) -> bool:
        group = self._rights.learning_leads_group or ""
        return group in await self._directory.member_groups_among(self.planner_id, [group])

    async def _reports(self) -> list[Person]:
        return await self._directory.direct_reports(self.planner_id)


async def not_allowed(
    planner_id: str,
    member_ids: Sequence[str],
    *,
    directory: Directory,
    rights: PlanningRights,
    group_id: str | None = None,
    reads: PlannerReads | None = None,
) -> tuple[str, ...]:
    """The members `planner_id` may not plan for (empty: all allowed). `group_id` is the
    plan's group when `member_ids` were read from it: owning it allows them all, without
    reading its members again. `reads` (of the same planner) may hold the first facts
    already, or be reading them."""
    wanted = set(member_ids) - {planner_id}
    if not wanted:
        return ()
    own = reads or PlannerReads(planner_id, directory, rights)
    try:
        return await _not_allowed(planner_id, member_ids, wanted, directory=directory,
                                  rights=rights, group_id=group_id, reads=own)
    finally:
        if reads is None:
            own.close()


async def _not_allowed(
    planner_id: str,
    member_ids: Sequence[str],
    wanted: set[str],
    *,
    directory: Directory,
    rights: PlanningRights,
    group_id: str | None,
    reads: PlannerReads,
) -> tuple[str, ...]:
    if await reads.learning_lead():
        return refused_members(PlannerFacts(planner_id, learning_lead=True), member_ids, rights)
    reports = frozenset(p.object_id for p in await reads.direct_reports())
    facts = PlannerFacts(planner_id, direct_reports=reports)
    if rights.indirect_reports and _left(facts, wanted, rights):
        facts = PlannerFacts(planner_id, direct_reports=reports,
                             indirect_reports=await _below(reports, wanted, directory))
    left = set(refused_members(facts, wanted, rights))
    if left:
        owned = await _owned_group_members(planner_id, group_id, left, directory,
                                           in_group=frozenset(member_ids))
        facts = PlannerFacts(planner_id, direct_reports=facts.direct_reports,
                             indirect_reports=facts.indirect_reports,
                             owned_group_members=owned)
    return refused_members(facts, member_ids, rights)


def _left(facts: PlannerFacts, wanted: set[str], rights: PlanningRights) -> bool:
    return bool(refused_members(facts, wanted, rights))


async def _below(
    reports: frozenset[str], wanted: set[str], directory: Directory
) -> frozenset[str]:
    """Everyone under the direct reports, level by level, stopping once every wanted member
    is found."""
    found: set[str] = set()
    level, seen = set(reports), set(reports)
    for _ in range(MAX_REPORTING_DEPTH):
        if not level or wanted <= found | reports:
            break
        below: set[str] = set()
        for manager in level:
            below.update(p.object_id for p in await directory.direct_reports(manager))
        level = below - seen
        seen |= level
        found |= level
    return frozenset(found)


async def _owned_group_members(
    planner_id: str, group_id: str | None, left: set[str], directory: Directory,
    *, in_group: frozenset[str],
) -> frozenset[str]:
    """Those of `left` who are in a group the planner owns, nested groups too. Graph lists a
    user's owned objects only for a signed-in user, so the candidates are the plan's group and
    the groups the planner is in; then, for a few members still left (people chosen one by
    one), the groups they are in, for owners who are not members of their group."""
    checked: set[str] = set()
    found: set[str] = set()

    async def owned(candidates: Iterable[str]) -> None:
        for candidate in dict.fromkeys(candidates):
            if candidate in checked or not left - found:
                continue
            checked.add(candidate)
            if planner_id not in await directory.group_owners(candidate):
                continue
            if candidate == group_id:  # the members asked about came from it
                found.update(in_group)
            else:
                found.update(p.object_id for p in await directory.group_members(candidate))

    await owned([group_id] if group_id else [])
    await owned(await _groups_of(planner_id, directory))
    still = left - found
    if still and len(still) <= MAX_MEMBER_GROUP_LOOKUPS:
        for member in still:
            await owned(await _groups_of(member, directory))
    return frozenset(found & left)


async def _groups_of(person_id: str, directory: Directory) -> list[str]:
    # Another person's memberOf needs Directory.Read.All app-only, which an admin may not
    # grant: without it only the plan's own group can be found owned.
    try:
        return [g.id for g in await directory.groups_of(person_id)]
    except GraphForbidden:
        return []
