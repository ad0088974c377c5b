"""The job queue: a `jobs` table in the application database, claimed with leases.

`SqlJobQueue` enqueues inside the caller's transaction (a transactional outbox: the state change
and the job it causes commit or roll back together). `SqlJobStore` is the worker's and the CLI's
side: it claims due jobs under a lease, records outcomes and turns schedules into jobs.

Concurrency: on PostgreSQL, claimers lock candidate rows with `FOR UPDATE SKIP LOCKED`, so several
workers take disjoint batches without waiting on each other. On SQLite the engine opens every
transaction with BEGIN IMMEDIATE, which serialises writers, so select-then-update is safe there.
Every outcome is guarded by `lease_owner`, so a worker whose lease ran out (and whose job another
worker re-claimed) cannot overwrite the newer state.
"""

from __future__ import annotations

import builtins
import math
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.engine import reading, writing
from teams_app.adapters.sql.tables import jobs, schedules
from teams_app.ports import Clock, Job, JobState

log = structlog.get_logger()

_ERROR_LENGTH = 500  # the width of jobs.last_error
_LEASE_EXPIRED = "lease_expired"


class SqlJobQueue:
    """The `JobQueue` port on an open connection; the caller owns (and commits) the transaction."""

    def __init__(
        self, connection: AsyncConnection, clock: Clock, default_max_attempts: int
    ) -> None:
        self._connection = connection
        self._clock = clock
        self._default_max_attempts = default_max_attempts

    async def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        run_at: datetime | None = None,
        idempotency_key: str | None = None,
        max_attempts: int | None = None,
    ) -> str | None:
        attempts_allowed = self._default_max_attempts if max_attempts is None else max_attempts
        if attempts_allowed < 1:
            raise ValueError("max_attempts must be at least 1")
        now = self._clock.now()
        job_id = str(uuid.uuid4())
        # ON CONFLICT DO NOTHING rather than look-then-insert: two transactions enqueueing the
        # same key at once must not both pass the look; the unique index decides, and the later
        # one waits for the earlier to commit (or roll back, and then inserts after all).
        statement = (
            insert_for(self._connection)(jobs)
            .values(
                id=job_id,
                kind=kind,
                payload=payload,
                idempotency_key=idempotency_key,
                state=JobState.QUEUED.value,
                run_at=run_at or now,
                attempts=0,
                max_attempts=attempts_allowed,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key])
            .returning(jobs.c.id)
        )
        inserted = (await self._connection.execute(statement)).scalar()
        return None if inserted is None else str(inserted)

    async def enqueue_many(
        self,
        kind: str,
        jobs_to_add: Sequence[tuple[dict[str, Any], str | None]],
        *,
        run_at: datetime | None = None,
    ) -> None:
        """Many jobs of one kind in one statement: (payload, idempotency key) each; keys
        already queued are skipped, as `enqueue` does. One statement instead of one per job
        keeps the caller's write transaction short (SQLite serialises writers)."""
        if not jobs_to_add:
            return
        now = self._clock.now()
        rows = [
            {
                "id": str(uuid.uuid4()),
                "kind": kind,
                "payload": payload,
                "idempotency_key": key,
                "state": JobState.QUEUED.value,
                "run_at": run_at or now,
                "attempts": 0,
                "max_attempts": self._default_max_attempts,
                "created_at": now,
                "updated_at": now,
            }
            for payload, key in jobs_to_add
        ]
        await self._connection.execute(
            insert_for(self._connection)(jobs)
            .values(rows)
            .on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key])
        )


    async def finish(self, job_id: str, owner: str) -> bool:
        result = await self._connection.execute(
            update(jobs)
            .where(
                jobs.c.id == job_id,
                jobs.c.state == JobState.RUNNING.value,
                jobs.c.lease_owner == owner,
            )
            .values(**_finished(JobState.DONE, self._clock.now()))
        )
        return result.rowcount == 1


class SqlJobStore:
    """Claims, outcomes, inspection and schedules, each in its own short transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock, *, default_max_attempts: int = 8) -> None:
        self._engine = engine
        self._clock = clock
        self._default_max_attempts = default_max_attempts

    # -- the worker's side -------------------------------------------------------------------

    async def claim(self, owner: str, limit: int, lease_seconds: float) -> builtins.list[Job]:
        """Lease up to `limit` due jobs to `owner`: queued and due, or running with a dead lease."""
        if limit <= 0:
            return []
        now = self._clock.now()
        columns = (jobs.c.id, jobs.c.kind, jobs.c.state, jobs.c.attempts, jobs.c.max_attempts)
        # Two queries rather than one OR: each walks the (state, run_at) index in order and stops
        # at `limit`, where an OR makes PostgreSQL fetch and sort every due job on each claim.
        expired = (
            select(*columns)
            .where(jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires_at <= now)
            .order_by(jobs.c.lease_expires_at)
            .limit(limit)
        )
        queued = (
            select(*columns)
            .where(jobs.c.state == JobState.QUEUED.value, jobs.c.run_at <= now)
            .order_by(jobs.c.run_at)
        )
        async with writing(self._engine) as connection:
            if connection.dialect.name == "postgresql":
                expired = expired.with_for_update(skip_locked=True)
                queued = queued.with_for_update(skip_locked=True)
            candidates = list((await connection.execute(expired)).all())
            if len(candidates) < limit:
                queued = queued.limit(limit - len(candidates))
                candidates.extend((await connection.execute(queued)).all())
            # A job whose lease ran out on its last allowed attempt most likely killed its worker
            # (crash, OOM); running it again would kill the next one, so it goes to dead instead.
            exhausted = [
                row
                for row in candidates
                if row.state == JobState.RUNNING.value and row.attempts >= row.max_attempts
            ]
            exhausted_ids = {row.id for row in exhausted}
            ready = [row.id for row in candidates if row.id not in exhausted_ids]
            if exhausted:
                await connection.execute(
                    update(jobs)
                    .where(jobs.c.id.in_(exhausted_ids))
                    .values(**_finished(JobState.DEAD, now), last_error=_LEASE_EXPIRED)
                )
            claimed: builtins.list[Job] = []
            if ready:
                result = await connection.execute(
                    update(jobs)
                    .where(jobs.c.id.in_(ready))
                    .values(
                        state=JobState.RUNNING.value,
                        lease_owner=owner,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                        attempts=jobs.c.attempts + 1,
                        updated_at=now,
                    )
                    .returning(*jobs.c)
                )
                claimed = [_to_job(row._mapping) for row in result]
        for row in exhausted:
            log.error(
                "job_dead", job_id=row.id, kind=row.kind, attempt=row.attempts, error=_LEASE_EXPIRED
            )
        return sorted(claimed, key=lambda job: (job.run_at, job.id))

    async def complete(self, job_id: str, owner: str) -> bool:
        """Mark the job done; False when `owner` no longer holds it (nothing is changed then)."""
        return await self._update_leased(job_id, owner, _finished(JobState.DONE, self._clock.now()))

    async def fail(self, job_id: str, owner: str, error: str, *, retry_at: datetime | None) -> bool:
        """Record a failed attempt: queued again at `retry_at`, or dead when it is None.

        `error` is an exception type name or a short code, never a message: messages can carry
        personal data, and this column is shown in the CLI and logs.
        """
        now = self._clock.now()
        if retry_at is None:
            values = _finished(JobState.DEAD, now)
        else:
            values = {**_unleased(now), "state": JobState.QUEUED.value, "run_at": retry_at}
        values["last_error"] = error[:_ERROR_LENGTH]
        return await self._update_leased(job_id, owner, values)

    async def release(self, job_id: str, owner: str) -> bool:
        """Hand an unfinished job back (graceful shutdown); the interrupted try does not count."""
        values: dict[str, Any] = {
            **_unleased(self._clock.now()),
            "state": JobState.QUEUED.value,
            "attempts": jobs.c.attempts - 1,
        }
        return await self._update_leased(job_id, owner, values)

    async def extend_lease(self, job_id: str, owner: str, lease_seconds: float) -> bool:
        now = self._clock.now()
        values = {"lease_expires_at": now + timedelta(seconds=lease_seconds), "updated_at": now}
        return await self._update_leased(job_id, owner, values)

    async def _update_leased(self, job_id: str, owner: str, values: Mapping[str, Any]) -> bool:
        statement = (
            update(jobs)
            .where(
                jobs.c.id == job_id,
                jobs.c.state == JobState.RUNNING.value,
                jobs.c.lease_owner == owner,
            )
            .values(**values)
        )
        async with writing(self._engine) as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    # -- inspection and repair (CLI) -----------------------------------------------------------

    async def get(self, job_id: str) -> Job | None:
        async with reading(self._engine) as connection:
            row = (await connection.execute(select(jobs).where(jobs.c.id == job_id))).first()
        return None if row is None else _to_job(row._mapping)

    async def retry(self, job_id: str) -> bool:
        """Revive a dead job as if new: queued now, with its full number of attempts."""
        now = self._clock.now()
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state == JobState.DEAD.value)
            .values(
                state=JobState.QUEUED.value,
                attempts=0,
                run_at=now,
                finished_at=None,
                updated_at=now,
            )
        )
        async with writing(self._engine) as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def counts(self) -> dict[JobState, int]:
        statement = select(jobs.c.state, func.count()).group_by(jobs.c.state)
        async with reading(self._engine) as connection:
            rows = (await connection.execute(statement)).all()
        found = {JobState(state): int(count) for state, count in rows}
        return {state: found.get(state, 0) for state in JobState}

    # -- recurring schedules -------------------------------------------------------------------

    async def upsert_schedule(
        self,
        name: str,
        kind: str,
        payload: dict[str, Any],
        interval_seconds: float,
        first_run_at: datetime,
    ) -> None:
        """Create a schedule, or update its job and interval.

        An existing schedule keeps its next_run_at: every process start calls this, and a
        restart must not shift (or repeat) the next run.
        """
        if not interval_seconds > 0:
            raise ValueError("interval_seconds must be positive")
        async with writing(self._engine) as connection:
            statement = (
                insert_for(connection)(schedules)
                .values(
                    name=name,
                    kind=kind,
                    payload=payload,
                    interval_seconds=interval_seconds,
                    next_run_at=first_run_at,
                )
                .on_conflict_do_update(
                    index_elements=[schedules.c.name],
                    set_={"kind": kind, "payload": payload, "interval_seconds": interval_seconds},
                )
            )
            await connection.execute(statement)

    async def enqueue_due_schedules(self) -> int:
        """Enqueue one job per due schedule and move each schedule past now; returns jobs made.

        Safe with several workers: schedules are locked (SKIP LOCKED) or serialised (SQLite), and
        the idempotency key names the slot, so a slot can never be enqueued twice.
        """
        now = self._clock.now()
        pick = select(schedules).where(schedules.c.next_run_at <= now).order_by(schedules.c.name)
        created = 0
        async with writing(self._engine) as connection:
            if connection.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            queue = SqlJobQueue(connection, self._clock, self._default_max_attempts)
            for row in (await connection.execute(pick)).all():
                slot: datetime = row.next_run_at
                job_id = await queue.enqueue(
                    row.kind,
                    dict(row.payload),
                    run_at=slot,
                    idempotency_key=f"schedule:{row.name}:{slot.isoformat()}",
                )
                created += job_id is not None
                await connection.execute(
                    update(schedules)
                    .where(schedules.c.name == row.name, schedules.c.next_run_at == slot)
                    .values(next_run_at=next_slot(slot, row.interval_seconds, now))
                )
        return created

    # Last in the class body: from here on `list` names this method, not the builtin.
    async def list(self, state: JobState | None = None, limit: int = 100) -> builtins.list[Job]:
        """The most recently touched jobs, optionally in one state."""
        statement = select(jobs).order_by(jobs.c.updated_at.desc(), jobs.c.id).limit(limit)
        if state is not None:
            statement = statement.where(jobs.c.state == state.value)
        async with reading(self._engine) as connection:
            rows = (await connection.execute(statement)).all()
        return [_to_job(row._mapping) for row in rows]


def next_slot(slot: datetime, interval_seconds: float, now: datetime) -> datetime:
    """The first slot after `now` on the schedule's grid.

    Whole intervals are skipped, so after downtime a schedule runs once, not once per missed
    slot, and stays on its original grid.
    """
    missed = max(0, math.floor((now - slot).total_seconds() / interval_seconds))
    following = slot + timedelta(seconds=interval_seconds * (missed + 1))
    while following <= now:  # float rounding on long downtimes
        following += timedelta(seconds=interval_seconds)
    return following


def _unleased(now: datetime) -> dict[str, Any]:
    return {"lease_owner": None, "lease_expires_at": None, "updated_at": now}


def _finished(state: JobState, now: datetime) -> dict[str, Any]:
    return {**_unleased(now), "state": state.value, "finished_at": now}


def _to_job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        payload=dict(row["payload"]),
        state=JobState(row["state"]),
        run_at=row["run_at"],
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        idempotency_key=row["idempotency_key"],
        last_error=row["last_error"],
        lease_owner=row["lease_owner"],
        lease_expires_at=row["lease_expires_at"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )
