"""Who may plan for whom: the facts about a planner, read from the directory, then the pure rule
(`domain/planners.py`).

Facts are read only as far as the members asked about need them, cheapest first: a learning lead
needs one request; a manager's direct reports one more; their reports' reports (when the admin
allows it), groups they own and those groups' members are read only for members still not
allowed. Reads happen outside any transaction; Graph errors propagate (no answer, no plan).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from teams_app.domain.planners import PlannerFacts, PlanningRights, refused_members
from teams_app.ports import Directory, GraphForbidden

# Levels below the direct reports that a manager reaches when the admin allows indirect reports;
# a bound, so a reporting line that loops in the directory cannot keep the walk going.
MAX_REPORTING_DEPTH = 8
# Members whose own groups are read for an owner who is not a member of their group: the people
# a plan card names one by one, not a whole group of thousands.
MAX_MEMBER_GROUP_LOOKUPS = 50


async def not_allowed(
    planner_id: str,
    member_ids: Sequence[str],
    *,
    directory: Directory,
    rights: PlanningRights,
    group_id: str | None = None,
) -> tuple[str, ...]:
    """The members `planner_id` may not plan for (empty: all allowed). `group_id` is the
    plan's group when its members come from one: owning it allows them all."""
    wanted = set(member_ids) - {planner_id}
    if not wanted:
        return ()
    if rights.learning_leads_group:
        leads = await directory.member_groups_among(planner_id, [rights.learning_leads_group])
        if rights.learning_leads_group in leads:
            return refused_members(PlannerFacts(planner_id, learning_lead=True), member_ids,
                                   rights)
    reports = frozenset(p.object_id for p in await directory.direct_reports(planner_id))
    facts = PlannerFacts(planner_id, direct_reports=reports)
    if rights.indirect_reports and _left(facts, wanted, rights):
        facts = PlannerFacts(planner_id, direct_reports=reports,
                             indirect_reports=await _below(reports, wanted, directory))
    left = set(refused_members(facts, wanted, rights))
    if left:
        owned = await _owned_group_members(planner_id, group_id, left, directory)
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
    planner_id: str, group_id: str | None, left: set[str], directory: Directory
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
            if planner_id in await directory.group_owners(candidate):
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
