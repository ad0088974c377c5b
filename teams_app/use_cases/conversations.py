"""Remember where each person, chat and team can be reached, so later jobs can message them."""

from __future__ import annotations

from collections.abc import Callable

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.reach import Unreachable
from teams_app.ports import Clock, UnitOfWork


async def remember_conversation(
    ref: ConversationRef, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> bool:
    async with uow() as work:
        created = await work.conversations.save(ref, at=clock.now())
        await work.commit()
    return created


async def person_removed_app(
    user_id: str, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> None:
    async with uow() as work:
        await work.conversations.mark_unreachable(user_id, Unreachable.UNINSTALLED, at=clock.now())
        await work.commit()
