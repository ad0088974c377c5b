"""Draining the outbox into the SharePoint lists: oldest first, one drain at a time, and a row
marked written only after Graph confirmed it.

Every write is an upsert on the item's unique key, so a retry never makes a second item: a
row's first write creates at once (2 resource units, half of a look-up plus a create), and the
unique column turns a create of an item that exists (a retry of a write whose answer was lost)
into a 409, then an update; a row tried before, or a later row for the same key, looks the key
up first. Throttling (429 after the Graph client's own Retry-After waits) and outages (503,
timeouts) stop the drain with the rows still pending; a follow-up drain is queued for when
SharePoint said to come back. A row SharePoint refuses for good (a column removed, a value it
will not take) is set aside as failed with its reason, so it cannot hold up the rest;
`learning-loop provision` repairs the list and puts those rows back in the queue.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import structlog

from teams_app.domain.backoff import retry_delay
from teams_app.ports import (
    Clock,
    GraphConflict,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    Lists,
    OutboxRow,
    UnitOfWorkFactory,
)
from teams_app.ports.results import OUTBOX_DRAIN, ProvisionedList

log = structlog.get_logger()

BATCH = 20  # rows read per transaction; the lease is renewed between batches
LEASE_SECONDS = 300.0  # longer than a batch can take with the client's Retry-After waits
# Without a Retry-After, the follow-up backs off with the stuck row's tries (full jitter, as
# the job queue does), from a few seconds to the schedule's own minute, which also retries.
OUTAGE_BACKOFF_BASE = 5.0
OUTAGE_BACKOFF_CAP = 60.0


@dataclass(frozen=True)
class DrainReport:
    written: int = 0
    failed: int = 0  # set aside this run, with a reason
    stopped: str | None = None  # busy | more | not_provisioned | throttled | unavailable ...
    retry_after: float | None = None
    tries: int = 0  # of the row the drain stopped at


async def drain_outbox(
    *,
    uow: UnitOfWorkFactory,
    lists: Lists,
    clock: Clock,
    owner: str,
    max_rows: int | None = None,
    rand: Callable[[], float] = random.random,
) -> DrainReport:
    """Write pending rows until none is left, `max_rows` are written, or SharePoint says stop."""
    if not await _lease(uow, clock, owner):
        return DrainReport(stopped="busy")
    try:
        report = await _drain(uow, lists, clock, owner, max_rows)
    finally:
        async with uow() as tx:
            await tx.outbox.release_lease(owner)
            await tx.commit()
    if report.stopped in {"throttled", "unavailable"}:
        wait = report.retry_after or retry_delay(
            max(1, report.tries), base=OUTAGE_BACKOFF_BASE, cap=OUTAGE_BACKOFF_CAP, rand=rand())
        await _follow_up(uow, clock, owner, wait)
    elif report.stopped == "more":  # a job's share done: the next job goes on at once
        await _follow_up(uow, clock, owner, 0.0)
    log.info("outbox_drained", written=report.written, failed=report.failed,
             stopped=report.stopped, retry_after=report.retry_after)
    return report


async def _lease(uow: UnitOfWorkFactory, clock: Clock, owner: str) -> bool:
    now = clock.now()
    async with uow() as tx:
        took = await tx.outbox.take_lease(owner, now=now,
                                          until=now + timedelta(seconds=LEASE_SECONDS))
        await tx.commit()
    return took


async def _drain(
    uow: UnitOfWorkFactory, lists: Lists, clock: Clock, owner: str, max_rows: int | None
) -> DrainReport:
    written = failed = 0
    async with uow(read_only=True) as tx:
        targets = await tx.result_lists.all()
    while True:
        if max_rows is not None and written + failed >= max_rows:
            return DrainReport(written, failed, stopped="more")
        if not await _lease(uow, clock, owner):
            return DrainReport(written, failed, stopped="lease_lost")
        limit = BATCH if max_rows is None else min(BATCH, max_rows - written - failed)
        async with uow(read_only=True) as tx:
            rows = await tx.outbox.next_batch(limit)
        if not rows:
            return DrainReport(written, failed)
        done: list[int] = []
        try:
            for row in rows:
                outcome = await _write(lists, targets.get(row.list_kind), row)
                if outcome is None:
                    done.append(row.id)
                    continue
                code, final, retry_after = outcome
                async with uow() as tx:
                    await tx.outbox.attempt_failed(row.id, code, final=final)
                    await tx.commit()
                if not final:
                    return DrainReport(written + len(done), failed, stopped=code.split(":")[0],
                                       retry_after=retry_after, tries=row.attempts + 1)
                failed += 1
        finally:
            if done:  # confirmed by Graph: only now are they written
                async with uow() as tx:
                    await tx.outbox.written(done, at=clock.now())
                    await tx.commit()
                written += len(done)


async def _write(
    lists: Lists, target: ProvisionedList | None, row: OutboxRow
) -> tuple[str, bool, float | None] | None:
    """None when written; else (error code, set aside for good?, retry after)."""
    if target is None:
        return "not_provisioned", False, None
    try:
        if row.operation == "delete":
            await lists.delete_item(target.ref, row.item_key)  # gone already is done too
        else:
            await lists.upsert_item(target.ref, row.item_key, row.fields,
                                    assume_new=row.first_write)
    except GraphThrottled as error:
        return "throttled", False, error.retry_after
    except GraphForbidden:
        return "forbidden", False, None
    except GraphNotFound:  # the list or site went away: provisioning makes it again
        return "list_not_found", False, None
    except (GraphRejected, GraphConflict) as error:
        return f"rejected:{error.status or 0}", True, None
    except GraphError as error:  # unavailable: a 5xx, a timeout, a dropped connection
        return f"unavailable:{error.status or 0}", False, None
    return None


async def _follow_up(uow: UnitOfWorkFactory, clock: Clock, owner: str, seconds: float) -> None:
    """One follow-up per drain run (the key names the run)."""
    run_at = clock.now() + timedelta(seconds=seconds)
    key = f"{OUTBOX_DRAIN}:after:{owner}:{run_at:%Y%m%dT%H%M%S.%f}"
    async with uow() as tx:
        await tx.jobs.enqueue(OUTBOX_DRAIN, {}, run_at=run_at, idempotency_key=key[:255])
        await tx.commit()
