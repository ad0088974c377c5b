"""Remember where each person, chat and team can be reached, so later jobs can message them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
    await remember_turns([(ref, spoken)], uow=uow, clock=clock)


async def remember_turns(
    turns: Sequence[tuple[ConversationRef | None, SpokenLanguage | None]],
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    """What `remember_turn` keeps, for many turns in one transaction (a burst of first
    messages). A later turn of the same conversation or person wins, as it would one by one."""
    refs = {ref.conversation_id: ref for ref, _ in turns if ref is not None}
    locales = {spoken.user_id: spoken.locale for _, spoken in turns if spoken is not None}
    if not refs and not locales:
        return
    async with uow() as work:
        at = clock.now()
        await work.conversations.save_all(list(refs.values()), at=at)
        await work.languages.spoke_all(locales, at=at)
        await work.commit()


async def person_removed_app(
    user_id: str, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> None:
    async with uow() as work:
        await work.conversations.mark_unreachable(user_id, Unreachable.UNINSTALLED, at=clock.now())
        await work.commit()
