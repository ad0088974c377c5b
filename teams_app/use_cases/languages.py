"""A person's language for cards no turn of theirs asked for (domain/languages.py has the rule):
what they last did in Teams, else their mailbox's language, read from Graph once in a while and
kept, else None, which the card renderer turns into the service's default.

Replies within a turn do not come here: they answer in the turn's own locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog

from teams_app.domain.languages import supported_locale
from teams_app.ports import (
    Calendar,
    Clock,
    GraphError,
    GraphNotFound,
    UnitOfWork,
    UnitOfWorkFactory,
)

log = structlog.get_logger()


@dataclass(frozen=True)
class PersonLanguages:
    uow: UnitOfWorkFactory
    calendar: Calendar | None  # None: no Graph configured, so only what Teams told us
    clock: Clock

    async def locale_of(self, user_id: str) -> str | None:
        """Their locale ("sv-SE"), or None for the default language. A Graph failure costs
        the card nothing: it goes in the last language known, else the default, and the
        mailbox is asked again for the next card."""
        async with self.uow(read_only=True) as tx:
            kept = await tx.languages.get(user_id)
        at = self.clock.now()
        if kept is not None and kept.is_current(at=at):
            return kept.locale
        known = kept.locale if kept is not None else None
        if self.calendar is None:
            return known
        try:
            locale = supported_locale((await self.calendar.mailbox_settings(user_id)).language)
        except GraphNotFound:
            locale = None  # no mailbox: kept as "none we speak", so it is not asked every card
        except GraphError as error:
            log.info("mailbox_language_unread", error=type(error).__name__)
            return known
        async with self.uow() as tx:
            await tx.languages.read_from_mailboxes({user_id: locale}, at=at)
            await tx.commit()
        return locale


async def remember_mailbox_languages(
    tx: UnitOfWork, languages: Mapping[str, str | None], *, at: datetime
) -> None:
    """Keep the mailbox languages a use case read anyway (a plan's preview reads every
    member's mailbox settings), so their first cards cost no Graph call."""
    await tx.languages.read_from_mailboxes(
        {user: supported_locale(locale) for user, locale in languages.items()}, at=at
    )
