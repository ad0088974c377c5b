"""Installing the app for a group's members ahead of their first card (`learning-loop install`):
each member is reached as a card would reach them (use_cases/reach.py), several at once.

Resumable by construction: someone already reached has a stored chat, so a second run costs
them one database read and no Graph call; whoever was unreachable is tried again, except those
who removed the app themselves. Throttling is the Graph client's to absorb (Retry-After); a
person Graph or Teams stayed too busy for is left for the next run rather than failing the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from teams_app.domain.reach import Unreachable
from teams_app.ports import Directory, ExternalServiceError, GraphNotFound
from teams_app.use_cases.reach import PersonalChats

DEFAULT_CONCURRENCY = 8


class Arrival(StrEnum):
    INSTALLED = "installed"  # the app installed for them now, and their chat opened
    ALREADY = "already"  # their chat was known, or Graph answered that they had the app
    TRY_AGAIN = "try_again"  # Graph or Teams stayed busy after the retries: the next run


class CannotInstall(Exception):
    """Nothing can be installed: `no_graph` (Graph not configured), `no_app_id` (no Teams app
    catalog id), `unknown_group` (Graph has no such group), `empty_group`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Reached:
    user_id: str
    outcome: Arrival | Unreachable


@dataclass
class GroupInstall:
    """The running count of one run over a group."""

    total: int
    installed: int = 0
    already: int = 0
    try_again: list[str] = field(default_factory=list)
    unreachable: dict[Unreachable, list[str]] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return (self.installed + self.already + len(self.try_again)
                + sum(map(len, self.unreachable.values())))

    @property
    def all_reached(self) -> bool:
        return self.done == self.total and not self.try_again and not self.unreachable

    def add(self, reached: Reached) -> None:
        match reached.outcome:
            case Arrival.INSTALLED:
                self.installed += 1
            case Arrival.ALREADY:
                self.already += 1
            case Arrival.TRY_AGAIN:
                self.try_again.append(reached.user_id)
            case Unreachable() as reason:
                self.unreachable.setdefault(reason, []).append(reached.user_id)


async def group_people(group_id: str, *, directory: Directory | None,
                       chats: PersonalChats) -> tuple[str, ...]:
    """The group's people (through nested groups), each once; CannotInstall before any work."""
    if directory is None:
        raise CannotInstall("no_graph")
    if chats.installer is None:
        raise CannotInstall("no_app_id")
    try:
        members = await directory.group_members(group_id)
    except GraphNotFound:
        raise CannotInstall("unknown_group") from None
    people = tuple(dict.fromkeys(p.object_id for p in members))
    if not people:
        raise CannotInstall("empty_group")
    return people


async def reach_each(
    people: Sequence[str], *, chats: PersonalChats, concurrency: int = DEFAULT_CONCURRENCY,
    stop: asyncio.Event | None = None,
) -> AsyncIterator[Reached]:
    """Each person's outcome as it comes, `concurrency` at a time. Once `stop` is set nobody
    new is started; those under way finish and are yielded."""
    waiting = iter(people)  # shared by the workers: each person taken once
    results: asyncio.Queue[Reached | None] = asyncio.Queue()

    async def work() -> None:
        try:
            for person in waiting:
                results.put_nowait(Reached(person, await _reach(chats, person)))
                if stop is not None and stop.is_set():
                    break
        finally:
            results.put_nowait(None)

    if stop is not None and stop.is_set():
        return
    workers = [asyncio.create_task(work()) for _ in range(max(1, min(concurrency, len(people))))]
    try:
        running = len(workers)
        while running:
            reached = await results.get()
            if reached is None:
                running -= 1
            else:
                yield reached
        for worker in workers:
            worker.result()  # an unexpected error is the caller's, not swallowed
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


async def _reach(chats: PersonalChats, person: str) -> Arrival | Unreachable:
    try:
        found = await chats.find(person)
    except ExternalServiceError:  # Graph or Teams, busy or failing: this person only
        return Arrival.TRY_AGAIN
    if isinstance(found.outcome, Unreachable):
        return found.outcome
    return Arrival.INSTALLED if found.installed_now else Arrival.ALREADY
