"""Tables of results in SharePoint (issue 12): the outbox, where each list is, the drain lease."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

# Items on their way to SharePoint, written oldest first. A row is only marked written after
# Graph confirmed the write, so an outage of any length loses nothing.
sharepoint_outbox = Table(
    "sharepoint_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_kind", String(32), nullable=False),
    Column("item_key", String(255), nullable=False),
    Column("fields", JSON, nullable=False),  # people's answers: stored, never logged
    Column("enqueued_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),  # pending | written | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(200), nullable=True),  # a short code, never a message
    Column("written_at", UtcDateTime, nullable=True),
    # upsert | delete (migration 0011: an erased or expired answer leaves the list too)
    Column("operation", String(8), nullable=False, server_default="upsert"),
    Index(None, "state", "id"),
    Index(None, "list_kind", "item_key"),
)

sharepoint_lists = Table(
    "sharepoint_lists",
    metadata,
    Column("list_kind", String(32), primary_key=True),
    Column("site_id", String(255), nullable=False),
    Column("list_id", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("key_column", String(64), nullable=False),
    Column("indexed", JSON, nullable=False),  # column names a filter may use
    Column("columns", JSON, nullable=False),  # the internal names provisioning made sure of
    Column("provisioned_at", UtcDateTime, nullable=False),
)

# One drain at a time: the order of the outbox is the order of the writes.
sharepoint_drain = Table(
    "sharepoint_drain",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
