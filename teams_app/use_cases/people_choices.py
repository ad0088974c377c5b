"""Whom an owner is offered on a card that picks people (the plan card, the campaign card):
their reports, and as conveniences their department's people and their groups."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from teams_app.domain.directory import Group, Page, PeopleQuery, Person
from teams_app.ports import Directory, GraphError

MAX_COLLEAGUES = 50  # one page of Graph's users: a choice list, not a directory browser


@dataclass(frozen=True)
class PlanPeople:
    """Whom a manager is offered on the plan card."""

    reports: tuple[Person, ...]  # the owner's direct reports
    colleagues: tuple[Person, ...] = ()  # others in the owner's department (first page)
    owner: Person | None = None  # a learning lead often learns with the team
    groups: tuple[Group, ...] = ()  # the groups the owner is in, to plan for one as a whole

    @property
    def everyone(self) -> tuple[Person, ...]:
        return (self.owner,) * (self.owner is not None) + self.reports + self.colleagues


async def plan_people(owner_id: str, *, directory: Directory) -> PlanPeople:
    """The owner's direct reports (Graph errors propagate: without them there is no card) and,
    as conveniences, the groups the owner is in and up to MAX_COLLEAGUES people of the owner's
    department, so someone without reports can plan for peers; a failure reading either only
    leaves them out."""
    reports = tuple(await directory.direct_reports(owner_id))
    (owner, page), groups = await asyncio.gather(
        _owner_and_colleagues(owner_id, directory), _groups_of(owner_id, directory)
    )
    skip = {owner_id, *(p.object_id for p in reports)}
    colleagues = tuple(p for p in (page.items if page else ()) if p.object_id not in skip)
    return PlanPeople(reports, colleagues, owner, groups)


async def _owner_and_colleagues(
    owner_id: str, directory: Directory
) -> tuple[Person | None, Page[Person] | None]:
    owner: Person | None = None
    try:
        owner = await directory.user(owner_id)
        department = owner.department
        page = (
            await directory.users(PeopleQuery(department=department, page_size=MAX_COLLEAGUES))
            if department
            else None
        )
    except GraphError:
        page = None
    return owner, page


async def _groups_of(owner_id: str, directory: Directory) -> tuple[Group, ...]:
    try:
        return tuple(await directory.groups_of(owner_id))
    except GraphError:
        return ()
