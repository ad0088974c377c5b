"""The export's download link: short-lived, signed, and only for the person it was made for
(the card with it goes to their personal chat; the link names them, and a changed link or
one past its time is refused)."""

from __future__ import annotations

from datetime import datetime, timedelta

from teams_app.domain.privacy import open_link, sign_link
from teams_app.ports import Clock, UnitOfWorkFactory

LINK_KEY = "export-links"
EXPORT_PATH = "/privacy/export/{token}"  # served by web/privacy.py


def export_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + EXPORT_PATH.format(token=token)


async def make_export_link(
    person_id: str, *, uow: UnitOfWorkFactory, clock: Clock, valid_for: timedelta
) -> tuple[str, datetime]:
    """(token, when it expires)."""
    expires = clock.now() + valid_for
    async with uow() as tx:
        key = await tx.erasures.key(LINK_KEY)
        await tx.commit()  # the key, if this was the first time
    return sign_link(key, person_id, expires), expires


async def person_of_link(token: str, *, uow: UnitOfWorkFactory, clock: Clock) -> str:
    """The person the link is for; domain.privacy.BadLink when it is not a good link."""
    async with uow() as tx:
        key = await tx.erasures.key(LINK_KEY)
        await tx.commit()
    return open_link(key, token, now=clock.now())
