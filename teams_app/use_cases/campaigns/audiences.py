"""Who a campaign asks: a plan's members (those still in it), a group's members, or the people
listed."""

from __future__ import annotations

from teams_app.domain.bookings import MemberState
from teams_app.domain.campaigns.campaigns import Audience, AudienceKind
from teams_app.ports import Directory, UnitOfWorkFactory
from teams_app.use_cases.campaigns.errors import NoAudience

_GONE = (MemberState.RELEASED, MemberState.LEFT)


async def audience_people(
    audience: Audience, *, uow: UnitOfWorkFactory, directory: Directory | None
) -> tuple[str, ...]:
    """The people, each once, in a stable order; NoAudience when nobody is left."""
    match audience.kind:
        case AudienceKind.PLAN:
            async with uow(read_only=True) as tx:
                members = await tx.plans.members(audience.plan_id or "")
            people = tuple(m.member_id for m in members if m.state not in _GONE)
        case AudienceKind.GROUP:
            if directory is None:
                raise NoAudience("no_directory")
            people = tuple(p.object_id for p in await directory.group_members(
                audience.group_id or ""))
        case AudienceKind.PEOPLE:
            people = audience.people
    if not people:
        raise NoAudience(audience.kind.value)
    return tuple(dict.fromkeys(people))
