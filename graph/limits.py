"""Concurrency limits around Graph requests: per mailbox and in total.

Outlook allows 4 concurrent requests per app per mailbox and answers a fifth with 429
(ApplicationThrottled, MailboxConcurrency). Waiting for a slot here is cheaper than the round trip
plus Retry-After, and keeps one busy mailbox from eating the app's 10,000-per-10-minutes budget
with doomed requests. The global limit bounds open connections and memory.

Rate budgets (Retry-After on 429/503) are left to the SDK's retry handler (see graph/client.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager


class _Slots:
    """A counting limit whose `acquire(n)` takes n slots at once.

    Taking them one at a time could deadlock two batches that each hold part of what they
    need from the same mailbox; taking them together cannot.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.free = capacity
        # Tasks that hold or wait for slots, counted before their first await so the limit is
        # never dropped from the table while someone is about to use it.
        self.users = 0
        self._changed = asyncio.Condition()

    async def acquire(self, count: int) -> None:
        if count > self.capacity:
            raise ValueError(f"{count} slots asked of a limit of {self.capacity}")
        async with self._changed:
            await self._changed.wait_for(lambda: self.free >= count)
            self.free -= count

    async def release(self, count: int) -> None:
        async with self._changed:
            self.free += count
            self._changed.notify_all()

    @property
    def idle(self) -> bool:
        return self.users == 0


class GraphLimits:
    def __init__(self, *, per_mailbox: int = 4, total: int = 32) -> None:
        if per_mailbox < 1 or total < 1:
            raise ValueError("limits allow at least one request")
        self.per_mailbox = per_mailbox
        self.total = total
        self._global = asyncio.Semaphore(total)
        # Created on first use and dropped when idle, so 50,000 mailboxes cost nothing at rest.
        self._mailboxes: dict[str, _Slots] = {}
        self.peak_in_flight = 0  # observed, for tests and the benchmark
        self.peak_per_mailbox = 0
        self._in_flight = 0

    def mailbox(self, mailbox: str) -> AbstractAsyncContextManager[None]:
        return self.mailboxes({mailbox: 1})

    @asynccontextmanager
    async def tenant(self) -> AsyncIterator[None]:
        """For requests not scoped to a mailbox (directory, SharePoint, subscriptions)."""
        async with self._global:
            self._enter()
            try:
                yield
            finally:
                self._in_flight -= 1

    @asynccontextmanager
    async def mailboxes(self, requests: Mapping[str, int]) -> AsyncIterator[None]:
        """Slots for `requests[mailbox]` requests on each mailbox, then one global slot.

        Mailboxes are taken in sorted order, so two batches that share mailboxes cannot each
        hold one the other waits for.
        """
        # Normalise case: Graph treats UPNs case-insensitively, and so must the limit.
        wanted: dict[str, int] = {}
        for mailbox, count in requests.items():
            if count > 0:
                key = mailbox.lower()
                wanted[key] = wanted.get(key, 0) + count
        taken: list[tuple[_Slots, int]] = []
        used: list[_Slots] = []
        for key in sorted(wanted):
            slots = self._mailboxes.get(key)
            if slots is None:
                slots = self._mailboxes[key] = _Slots(self.per_mailbox)
            slots.users += 1
            used.append(slots)
        try:
            for key, slots in zip(sorted(wanted), used, strict=True):
                await slots.acquire(wanted[key])
                taken.append((slots, wanted[key]))
                self.peak_per_mailbox = max(self.peak_per_mailbox, slots.capacity - slots.free)
            async with self._global:
                self._enter()
                try:
                    yield
                finally:
                    self._in_flight -= 1
        finally:
            for slots, count in taken:
                await slots.release(count)
            for key, slots in zip(sorted(wanted), used, strict=True):
                slots.users -= 1
                if slots.idle and self._mailboxes.get(key) is slots:
                    del self._mailboxes[key]

    def _enter(self) -> None:
        self._in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self._in_flight)

    @property
    def tracked_mailboxes(self) -> int:
        return len(self._mailboxes)
