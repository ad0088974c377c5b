"""Display names for directory ids, for cards and the CLI that name people (a plan's members,
a campaign's unreachable people)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from teams_app.ports import Directory, GraphError

MAX_NAME_LOOKUPS = 60  # a card lists at most 50 people; more lookups would only slow it


async def people_names(ids: Collection[str], *, directory: Directory | None) -> dict[str, str]:
    """Display names by object id, for the first MAX_NAME_LOOKUPS ids; an id the directory
    cannot name (outside the tenant, Graph down) is left out, and the caller shows the id."""
    if directory is None:
        return {}

    async def name_of(object_id: str) -> tuple[str, str | None]:
        try:
            return object_id, (await directory.user(object_id)).display_name
        except GraphError:
            return object_id, None

    found = await asyncio.gather(*(name_of(i) for i in list(ids)[:MAX_NAME_LOOKUPS]))
    return {object_id: name for object_id, name in found if name}
