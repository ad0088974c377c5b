"""The job worker: claims due jobs under a lease, runs their handlers, records the outcome.

Delivery is at least once: a job whose worker dies is run again after its lease expires, so
handlers must be idempotent (DESIGN.md, STYLE.md item 10). The worker never swallows a failure:
it retries with backoff, or moves the job to dead, and logs the job id and the error type.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

import structlog

from teams_app import telemetry
from teams_app.domain.backoff import retry_delay
from teams_app.ports import Clock, Job

log = structlog.get_logger()

JobHandler = Callable[[Job], Awaitable[object]]  # FINISHED, or anything else

UNKNOWN_KIND = "unknown_kind"
# After the grace period, cancelled handlers get this long to unwind before we stop waiting.
_CANCEL_WAIT_SECONDS = 5.0
# How long a full worker waits for more slots to free up before claiming (see _wait_for_slots).
_REFILL_WAIT_SECONDS = 0.02


class Finished:
    """What a handler returns when it marked its own job done in its last transaction
    (`JobQueue.finish`): the worker records nothing more."""


FINISHED = Finished()


class PermanentJobError(Exception):
    """Raised by a handler when trying again cannot help; the job goes to dead at once.

    `code` is what gets stored and logged, so it must be a short stable code, never free text.
    """

    def __init__(self, code: str = "permanent") -> None:
        super().__init__(code)
        self.code = code


class JobStore(Protocol):
    """What the worker needs from the queue's storage (SqlJobStore implements it)."""

    async def claim(self, owner: str, limit: int, lease_seconds: float) -> list[Job]: ...
    async def complete(self, job_id: str, owner: str) -> bool: ...
    async def fail(
        self, job_id: str, owner: str, error: str, *, retry_at: datetime | None
    ) -> bool: ...
    async def release(self, job_id: str, owner: str) -> bool: ...
    async def extend_lease(self, job_id: str, owner: str, lease_seconds: float) -> bool: ...
    async def enqueue_due_schedules(self) -> int: ...


def default_owner() -> str:
    # Host and pid make a lease readable in the CLI; the suffix keeps two workers in one
    # process (tests, several loops) apart.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobWorker:
    def __init__(
        self,
        store: JobStore,
        handlers: Mapping[str, JobHandler],
        clock: Clock,
        *,
        concurrency: int,
        lease_seconds: float,
        poll_seconds: float,
        max_backoff: float,
        backoff_base: float,
        grace_seconds: float,
        owner: str | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._store = store
        self._handlers = dict(handlers)
        self._clock = clock
        self._concurrency = concurrency
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff
        self._backoff_base = backoff_base
        self._grace_seconds = grace_seconds
        self._rand = rand
        self.owner = owner or default_owner()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then shut down gracefully (see `_shut_down`)."""
        log.info("worker_started", owner=self.owner, concurrency=self._concurrency)
        in_flight: dict[asyncio.Task[None], Job] = {}
        stopping: asyncio.Task[object] = asyncio.create_task(stop.wait())
        next_schedule_check = 0.0
        try:
            while not stop.is_set():
                for task in [task for task in in_flight if task.done()]:
                    del in_flight[task]
                if time.monotonic() >= next_schedule_check:
                    await self._enqueue_schedules()
                    next_schedule_check = time.monotonic() + self._poll_seconds
                free = self._concurrency - len(in_flight)
                claimed = await self._claim(free)
                for job in claimed:
                    in_flight[asyncio.create_task(self._execute(job))] = job
                if free > 0 and len(claimed) == free:
                    continue  # a full batch: more may be due, so claim again before waiting
                if len(in_flight) >= self._concurrency:
                    await self._wait_for_slots(in_flight, stopping)
                else:
                    # Nothing more is due; only time (or a new enqueue) changes that.
                    await asyncio.wait({stopping}, timeout=self._poll_seconds)
        finally:
            stopping.cancel()
            await asyncio.wait({stopping})  # let it finish cancelling; wait() never raises
            await self._shut_down(in_flight)
            log.info("worker_stopped", owner=self.owner)

    async def _wait_for_slots(
        self, in_flight: dict[asyncio.Task[None], Job], stopping: asyncio.Task[object]
    ) -> None:
        """Wait until a slot frees up, then briefly for more, so one claim fills several.

        With short jobs, claiming one job per finished job would cost a claim transaction per
        job; a few milliseconds of patience batches them.
        """
        running = set(in_flight)
        await asyncio.wait({stopping, *running}, return_when=asyncio.FIRST_COMPLETED)
        wanted = max(1, self._concurrency // 2)
        deadline = time.monotonic() + min(_REFILL_WAIT_SECONDS, self._poll_seconds)
        while not stopping.done():
            running = {task for task in running if not task.done()}
            left = deadline - time.monotonic()
            if len(in_flight) - len(running) >= wanted or left <= 0:
                return
            await asyncio.wait(
                {stopping, *running}, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )

    async def run_once(self) -> int:
        """Enqueue due schedules, then claim and run jobs until none is due; returns jobs run."""
        await self._enqueue_schedules()
        ran = 0
        while claimed := await self._store.claim(
            self.owner, self._concurrency, self._lease_seconds
        ):
            await asyncio.gather(*(self._execute(job) for job in claimed))
            ran += len(claimed)
        return ran

    async def _claim(self, free: int) -> list[Job]:
        if free <= 0:
            return []
        try:
            return await self._store.claim(self.owner, free, self._lease_seconds)
        except Exception as exc:  # the database may be briefly away; keep the worker alive
            log.warning("job_claim_failed", owner=self.owner, error=type(exc).__name__)
            return []

    async def _enqueue_schedules(self) -> None:
        try:
            created = await self._store.enqueue_due_schedules()
        except Exception as exc:
            log.warning("schedules_failed", owner=self.owner, error=type(exc).__name__)
            return
        if created:
            log.info("schedules_enqueued", jobs=created)

    async def _shut_down(self, in_flight: dict[asyncio.Task[None], Job]) -> None:
        """Stop claiming, let running jobs finish within the grace period, release the rest."""
        running = {task for task in in_flight if not task.done()}
        if not running:
            return
        _, unfinished = await asyncio.wait(running, timeout=self._grace_seconds)
        for task in unfinished:
            task.cancel()
        if unfinished:
            await asyncio.wait(unfinished, timeout=_CANCEL_WAIT_SECONDS)
        for task in unfinished:
            job = in_flight[task]
            try:
                released = await self._store.release(job.id, self.owner)
            except Exception as exc:  # its lease will expire and another worker takes it
                log.warning("job_release_failed", job_id=job.id, error=type(exc).__name__)
                continue
            log.info("job_released", job_id=job.id, kind=job.kind, released=released)

    async def _execute(self, job: Job) -> None:
        structlog.contextvars.clear_contextvars()  # each task runs in its own context copy
        structlog.contextvars.bind_contextvars(job_id=job.id, kind=job.kind)
        started = time.monotonic()
        keeper = asyncio.create_task(self._keep_lease(job))
        try:
            await self._run_handler(job, started)
        except asyncio.CancelledError:
            raise  # shutdown: the run loop releases the job
        except Exception as exc:  # recording the outcome failed; the lease expiry recovers it
            log.error("job_outcome_not_recorded", job_id=job.id, error=type(exc).__name__)
        finally:
            keeper.cancel()

    async def _run_handler(self, job: Job, started: float) -> None:
        handler = self._handlers.get(job.kind)
        with telemetry.job_run(
            job.kind if handler else "unknown",
            attempt=job.attempts,
            queue_lag_ms=_lag_ms(self._clock.now(), job.run_at),
        ) as record:
            if handler is None:
                record.outcome, record.error = "dead", UNKNOWN_KIND
                await self._dead(job, UNKNOWN_KIND, started)
                return
            try:
                outcome = await handler(job)
            except asyncio.CancelledError:
                raise
            except PermanentJobError as exc:
                record.outcome, record.error = "dead", exc.code
                await self._dead(job, exc.code, started)
                return
            except Exception as exc:
                # The type name only: exception messages can quote personal data.
                record.error = type(exc).__name__
                record.outcome = "dead" if job.attempts >= job.max_attempts else "retry"
                await self._retry_or_dead(job, record.error, started)
                return
            recorded = outcome is FINISHED or await self._store.complete(job.id, self.owner)
            record.outcome = "done" if recorded else "lease_lost"
            log.info(
                "job_done" if recorded else "job_done_lease_lost",
                job_id=job.id,
                kind=job.kind,
                attempt=job.attempts,
                duration_ms=_elapsed_ms(started),
            )

    async def _retry_or_dead(self, job: Job, error: str, started: float) -> None:
        if job.attempts >= job.max_attempts:
            await self._dead(job, error, started)
            return
        delay = retry_delay(
            job.attempts, base=self._backoff_base, cap=self._max_backoff, rand=self._rand()
        )
        retry_at = self._clock.now() + timedelta(seconds=delay)
        recorded = await self._store.fail(job.id, self.owner, error, retry_at=retry_at)
        log.warning(
            "job_failed",
            job_id=job.id,
            kind=job.kind,
            attempt=job.attempts,
            duration_ms=_elapsed_ms(started),
            error=error,
            retry_in_s=round(delay, 3),
            recorded=recorded,
        )

    async def _dead(self, job: Job, error: str, started: float) -> None:
        recorded = await self._store.fail(job.id, self.owner, error, retry_at=None)
        log.error(
            "job_dead",
            job_id=job.id,
            kind=job.kind,
            attempt=job.attempts,
            duration_ms=_elapsed_ms(started),
            error=error,
            recorded=recorded,
        )

    async def _keep_lease(self, job: Job) -> None:
        """Renew the lease every third of its length, so a long job is not taken over."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                held = await self._store.extend_lease(job.id, self.owner, self._lease_seconds)
            except Exception as exc:  # try again next round; the lease has slack for this
                log.warning("job_lease_renew_failed", job_id=job.id, error=type(exc).__name__)
                continue
            if not held:
                # Another worker owns it now; our outcome will be refused, so stop renewing.
                log.warning("job_lease_lost", job_id=job.id, kind=job.kind)
                return


def _lag_ms(now: datetime, due: datetime) -> float:
    """How long a job waited past its time for a worker (a store without zones means UTC)."""
    if (now.tzinfo is None) != (due.tzinfo is None):
        now, due = now.replace(tzinfo=None), due.replace(tzinfo=None)
    return (now - due).total_seconds() * 1000


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
