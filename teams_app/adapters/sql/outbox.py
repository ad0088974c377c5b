"""SQL side of results in SharePoint: the outbox (ports.ListOutbox) and where each list is
(ports.ResultListStore), on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.job_queue import SqlJobQueue
from teams_app.adapters.sql.results_tables import (
    sharepoint_drain,
    sharepoint_lists,
    sharepoint_outbox,
)
from teams_app.domain.directory import FieldValue, ListRef
from teams_app.domain.results.lists import ListKind
from teams_app.ports import Clock, OutboxCounts, OutboxRow
from teams_app.ports.results import OUTBOX_DRAIN, ProvisionedList

PENDING, WRITTEN, FAILED = "pending", "written", "failed"
UPSERT, DELETE = "upsert", "delete"
_ERROR_LENGTH = 200
_LEASE = "outbox"
# Adds within one bucket share one drain job: a burst of answers queues one job, not one each
# (the job's idempotency key is kept until the job is purged, so it names the bucket).
_TRIGGER_BUCKET_SECONDS = 5


class SqlListOutbox:
    def __init__(self, connection: AsyncConnection, clock: Clock, jobs: SqlJobQueue) -> None:
        self._connection = connection
        self._clock = clock
        self._jobs = jobs

    async def add(self, list_kind: str, item_key: str, fields: Mapping[str, FieldValue]) -> None:
        ListKind(list_kind)  # a kind no list is provisioned for would hold up every later row
        if not item_key:
            raise ValueError("an outbox row needs its item key")
        now = self._clock.now()
        await self._connection.execute(sharepoint_outbox.insert().values(
            list_kind=list_kind, item_key=item_key, fields=_to_json(fields), enqueued_at=now,
            state=PENDING, attempts=0, operation=UPSERT))
        await self._trigger(now)

    async def delete(self, list_kind: str, item_key: str) -> None:
        ListKind(list_kind)
        if not item_key:
            raise ValueError("an outbox row needs its item key")
        now = self._clock.now()
        await self._connection.execute(sharepoint_outbox.delete().where(
            sharepoint_outbox.c.list_kind == list_kind, sharepoint_outbox.c.item_key == item_key))
        await self._connection.execute(sharepoint_outbox.insert().values(
            list_kind=list_kind, item_key=item_key, fields={}, enqueued_at=now,
            state=PENDING, attempts=0, operation=DELETE))
        await self._trigger(now)

    async def _trigger(self, now: datetime) -> None:
        bucket = int(now.timestamp()) // _TRIGGER_BUCKET_SECONDS
        await self._jobs.enqueue(OUTBOX_DRAIN, {}, idempotency_key=f"{OUTBOX_DRAIN}:{bucket}")

    async def next_batch(self, limit: int) -> list[OutboxRow]:
        earlier = sharepoint_outbox.alias("earlier")
        seen = exists().where(and_(earlier.c.list_kind == sharepoint_outbox.c.list_kind,
                                   earlier.c.item_key == sharepoint_outbox.c.item_key,
                                   earlier.c.id < sharepoint_outbox.c.id))
        statement = (
            select(sharepoint_outbox, seen.label("seen"))
            .where(sharepoint_outbox.c.state == PENDING)
            .order_by(sharepoint_outbox.c.id)
            .limit(limit)
        )
        rows = (await self._connection.execute(statement)).mappings().all()
        return [OutboxRow(id=r["id"], list_kind=r["list_kind"], item_key=r["item_key"],
                          fields=_from_json(r["fields"]), attempts=r["attempts"],
                          first_write=r["attempts"] == 0 and not r["seen"],
                          operation=r["operation"]) for r in rows]

    async def written(self, row_ids: list[int], *, at: datetime) -> None:
        if row_ids:
            await self._connection.execute(
                update(sharepoint_outbox).where(sharepoint_outbox.c.id.in_(row_ids))
                .values(state=WRITTEN, written_at=at, last_error=None))

    async def attempt_failed(self, row_id: int, error: str, *, final: bool) -> None:
        values: dict[str, Any] = {"attempts": sharepoint_outbox.c.attempts + 1,
                                  "last_error": error[:_ERROR_LENGTH]}
        if final:
            values["state"] = FAILED
        await self._connection.execute(
            update(sharepoint_outbox).where(sharepoint_outbox.c.id == row_id).values(**values))

    async def retry_failed(self) -> int:
        result = await self._connection.execute(
            update(sharepoint_outbox).where(sharepoint_outbox.c.state == FAILED)
            .values(state=PENDING))
        return result.rowcount

    async def counts(self) -> OutboxCounts:
        rows = (await self._connection.execute(
            select(sharepoint_outbox.c.state, sharepoint_outbox.c.last_error, func.count())
            .group_by(sharepoint_outbox.c.state, sharepoint_outbox.c.last_error))).all()
        by_state: dict[str, int] = {}
        reasons: dict[str, int] = {}
        for state, error, count in rows:
            by_state[state] = by_state.get(state, 0) + int(count)
            if state == FAILED:
                reasons[error or "unknown"] = reasons.get(error or "unknown", 0) + int(count)
        oldest = (await self._connection.execute(
            select(sharepoint_outbox.c.enqueued_at, sharepoint_outbox.c.last_error)
            .where(sharepoint_outbox.c.state == PENDING)
            .order_by(sharepoint_outbox.c.id).limit(1))).first()
        return OutboxCounts(
            pending=by_state.get(PENDING, 0), written=by_state.get(WRITTEN, 0),
            failed=by_state.get(FAILED, 0), failed_by_reason=reasons,
            oldest_pending=oldest[0] if oldest else None,
            last_error=oldest[1] if oldest else None)

    async def take_lease(self, owner: str, *, now: datetime, until: datetime) -> bool:
        statement = insert_for(self._connection)(sharepoint_drain).values(
            name=_LEASE, owner=owner, expires_at=until)
        statement = statement.on_conflict_do_update(
            index_elements=[sharepoint_drain.c.name],
            set_={"owner": owner, "expires_at": until},
            where=(sharepoint_drain.c.expires_at <= now) | (sharepoint_drain.c.owner == owner),
        ).returning(sharepoint_drain.c.owner)
        return (await self._connection.execute(statement)).scalar() == owner

    async def release_lease(self, owner: str) -> None:
        await self._connection.execute(
            update(sharepoint_drain)
            .where(sharepoint_drain.c.name == _LEASE, sharepoint_drain.c.owner == owner)
            .values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))


class SqlResultListStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def all(self) -> dict[str, ProvisionedList]:
        rows = (await self._connection.execute(select(sharepoint_lists))).mappings().all()
        return {r["list_kind"]: ProvisionedList(
            kind=r["list_kind"],
            ref=ListRef(site_id=r["site_id"], list_id=r["list_id"], name=r["name"],
                        key_column=r["key_column"], indexed=frozenset(r["indexed"])),
            columns=tuple(r["columns"]), provisioned_at=r["provisioned_at"]) for r in rows}

    async def save(self, provisioned: ProvisionedList) -> None:
        ref = provisioned.ref
        values = {"site_id": ref.site_id, "list_id": ref.list_id, "name": ref.name,
                  "key_column": ref.key_column, "indexed": sorted(ref.indexed),
                  "columns": list(provisioned.columns),
                  "provisioned_at": provisioned.provisioned_at}
        statement = insert_for(self._connection)(sharepoint_lists).values(
            list_kind=provisioned.kind, **values)
        await self._connection.execute(statement.on_conflict_do_update(
            index_elements=[sharepoint_lists.c.list_kind], set_=values))


def _to_json(fields: Mapping[str, FieldValue]) -> dict[str, Any]:
    """Date-times as UTC ISO strings (what SharePoint takes), choices as lists."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("outbox date-times are tz-aware")
            out[name] = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _from_json(stored: Mapping[str, Any]) -> dict[str, FieldValue]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}


