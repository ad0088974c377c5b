"""Remember where each person, chat and team can be reached, so later jobs can message them."""

from __future__ import annotations

from collections.abc import Callable

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.languages import SpokenLanguage
from teams_app.domain.reach import Unreachable
from teams_app.ports import Clock, UnitOfWork


async def remember_turn(
    ref: ConversationRef | None,
    spoken: SpokenLanguage | None,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    """Where the conversation is and the language its sender used, whichever is given, in one
    transaction: a person's first turn after a start saves both with one write."""
    if ref is None and spoken is None:
        return
    async with uow() as work:
        at = clock.now()
        if ref is not None:
            await work.conversations.save(ref, at=at)
        if spoken is not None:
            await work.languages.spoke(spoken.user_id, spoken.locale, at=at)
        await work.commit()


async def person_removed_app(
    user_id: str, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> None:
    async with uow() as work:
        await work.conversations.mark_unreachable(user_id, Unreachable.UNINSTALLED, at=clock.now())
        await work.commit()
