"""Calendar change notifications, where configured: a subscription on each defended mailbox's
events, and incoming notifications that scan that mailbox at once instead of at the next
period. The periodic delta scan stays the safety net: a lapsed subscription or a lost
notification only delays a card until then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from teams_app.domain.calendar import ChangeNotification, ChangeType
from teams_app.domain.occurrence_records import WatchedMailbox
from teams_app.ports import Clock, GraphNotFound, Subscriptions, UnitOfWork
from teams_app.use_cases.defend.scan import DEFEND_MAILBOX

# Outlook allows at most 7 days; renewing a day ahead leaves room for a few failed scans.
LIFETIME = timedelta(days=3)
RENEW_WITHIN = timedelta(days=1)
# Notifications about one mailbox within this span start one scan, just after it ends.
SETTLE = timedelta(seconds=30)
_CHANGES = (ChangeType.CREATED, ChangeType.UPDATED, ChangeType.DELETED)


class Watching(StrEnum):
    KEPT = "kept"
    CREATED = "created"
    RENEWED = "renewed"


@dataclass(frozen=True)
class WatchMailbox:
    member_id: str
    client_state: str = field(default="", repr=False)  # the shared secret; never logged


def secret_hash(client_state: str) -> str:
    return hashlib.sha256(client_state.encode()).hexdigest()


async def watch_mailbox(
    cmd: WatchMailbox,
    *,
    uow: Callable[[], UnitOfWork],
    subscriptions: Subscriptions,
    clock: Clock,
) -> Watching:
    """Make sure the mailbox's events are subscribed to, renewing a day before expiry.
    Graph errors propagate; the caller keeps scanning without notifications."""
    at = clock.now()
    async with uow() as tx:
        current = await tx.occurrences.watched(cmd.member_id)
    wanted = secret_hash(cmd.client_state)
    if current is not None and current.secret_hash == wanted:
        if current.expires_at - RENEW_WITHIN > at:
            return Watching.KEPT
        try:
            renewed = await subscriptions.renew(current.subscription_id, expires_at=at + LIFETIME)
        except GraphNotFound:
            pass  # lapsed or removed: make a new one below
        else:
            await _save(uow, WatchedMailbox(cmd.member_id, renewed.id, renewed.expires_at, wanted),
                        at)
            return Watching.RENEWED
    if current is not None:  # a lapsed one, or one made with an old secret
        await subscriptions.delete(current.subscription_id)
    created = await subscriptions.create(
        f"users/{cmd.member_id}/events",
        _CHANGES,
        client_state=cmd.client_state,
        expires_at=at + LIFETIME,
    )
    await _save(uow, WatchedMailbox(cmd.member_id, created.id, created.expires_at, wanted), at)
    return Watching.CREATED


async def notice_changes(
    notifications: Sequence[ChangeNotification],
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> int:
    """Queue a scan of each mailbox the (clientState-checked) notifications are about;
    returns how many scans were queued. Unknown subscriptions are ignored (an old one that
    Graph still delivers for). A removed subscription is forgotten, so the scan makes a new
    one; reauthorization and missed notifications are answered with a scan that renews."""
    at = clock.now()
    settle = _settled(at)
    queued = 0
    async with uow() as tx:
        for item in notifications:
            watched = await tx.occurrences.watched_by(item.subscription_id)
            if watched is None:
                continue
            if item.lifecycle_event == "subscriptionRemoved":
                await tx.occurrences.unwatch(item.subscription_id)
            elif item.lifecycle_event == "reauthorizationRequired":
                await tx.occurrences.watch(
                    WatchedMailbox(watched.mailbox, watched.subscription_id, at,
                                   watched.secret_hash),
                    at=at,
                )  # due now: the scan renews it
            job_id = await tx.jobs.enqueue(
                DEFEND_MAILBOX,
                {"member_id": watched.mailbox},
                run_at=settle,
                idempotency_key=f"defend:changed:{watched.mailbox}:{settle:%Y%m%dT%H%M%S}",
            )
            queued += job_id is not None
        await tx.commit()
    return queued


def _settled(at: datetime) -> datetime:
    """The end of the SETTLE span `at` falls in: a burst of changes makes one scan."""
    step = int(SETTLE.total_seconds())
    return datetime.fromtimestamp((int(at.timestamp()) // step + 1) * step, tz=at.tzinfo)


async def _save(uow: Callable[[], UnitOfWork], watched: WatchedMailbox, at: datetime) -> None:
    async with uow() as tx:
        await tx.occurrences.watch(watched, at=at)
        await tx.commit()
