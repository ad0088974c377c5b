"""Results in SharePoint (issue 12): the outbox that carries responses to the lists, and where
provisioning found each list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from teams_app.domain.directory import FieldValue, ListRef

# The job that drains the outbox; `ListOutbox.add` queues one, so a response reaches SharePoint
# within seconds while the service runs, and a schedule catches anything left.
OUTBOX_DRAIN = "results.drain"


@dataclass(frozen=True)
class OutboxRow:
    id: int  # rising in the order rows were added: the order they are written in
    list_kind: str
    item_key: str
    fields: Mapping[str, FieldValue] = field(repr=False)  # people's answers: never logged
    attempts: int = 0
    # No earlier row has this key and this one was never tried: create without a look-up.
    first_write: bool = False
    operation: str = "upsert"  # upsert | delete (an erased or expired answer)


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    written: int
    failed: int
    failed_by_reason: Mapping[str, int]  # a short code each: throttled, rejected:400, ...
    oldest_pending: datetime | None = None
    last_error: str | None = None  # of the oldest pending row, when it has been tried


class ListOutbox(Protocol):
    """Items on their way to SharePoint, kept in the same transaction as what they record."""

    # Store once; written to the list `list_kind` later (ListKind values: checkin, survey,
    # pulse, feedback, campaigns). `item_key` is the item's unique key (the response key): a
    # later add with the same key updates the same item, never a second one.
    async def add(
        self, list_kind: str, item_key: str, fields: Mapping[str, FieldValue]
    ) -> None: ...
    # The item goes from the list: earlier rows for the key (their fields hold the answers)
    # are dropped and a delete row takes their place, written in order like any other.
    async def delete(self, list_kind: str, item_key: str) -> None: ...
    async def next_batch(self, limit: int) -> list[OutboxRow]: ...  # pending, oldest first
    async def written(self, row_ids: list[int], *, at: datetime) -> None: ...
    async def attempt_failed(self, row_id: int, error: str, *, final: bool) -> None: ...
    async def retry_failed(self) -> int: ...  # failed rows pending again; how many
    async def counts(self) -> OutboxCounts: ...
    # One drain at a time keeps the order: a lease by owner, taken or renewed until `until`.
    async def take_lease(self, owner: str, *, now: datetime, until: datetime) -> bool: ...
    async def release_lease(self, owner: str) -> None: ...


@dataclass(frozen=True)
class ProvisionedList:
    kind: str
    ref: ListRef
    columns: tuple[str, ...]  # the internal names provisioning made sure of
    provisioned_at: datetime


class ResultListStore(Protocol):
    """Where `learning-loop provision` found or made each list, so the outbox writes there."""

    async def all(self) -> dict[str, ProvisionedList]: ...
    async def save(self, provisioned: ProvisionedList) -> None: ...
