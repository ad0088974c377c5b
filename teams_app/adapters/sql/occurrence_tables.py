"""Tables for defending booked learning time (migration 0003), on the schema's one metadata."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from teams_app.adapters.sql.tables import UtcDateTime, metadata

# One row per expected session of a booked slot: what became of it (an Outcome), and what the
# member answered on a collision card. `starts_at`/`ends_at` are the session as booked, so the
# kept-vs-booked hours can be added up without asking Graph.
slot_occurrences = Table(
    "slot_occurrences",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("member_id", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("occurrence_key", String(16), primary_key=True),  # planned start, UTC
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("outcome", String(16), nullable=False),  # booked | moved | kept | lost | skipped | away
    Column("decision", String(16), nullable=True),  # kept | skipped | moved (the member's)
    Column("event_id", String(512), nullable=True),  # the instance's id, when it exists
    Column("decided_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# A collision once carded (or answered) is never carded again: the key names the occurrence,
# the kind and the colliding event.
slot_collisions = Table(
    "slot_collisions",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("member_id", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("collision_key", String(600), primary_key=True),
    Column("occurrence_key", String(16), nullable=False),
    Column("kind", String(16), nullable=False),  # a CollisionKind
    Column("state", String(16), nullable=False),  # carded | answered
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Per mailbox: the calendarView delta link of the last scan and the window it covers (a delta
# link is bound to its window; when the window no longer reaches far enough ahead, it restarts).
calendar_scans = Table(
    "calendar_scans",
    metadata,
    Column("mailbox_id", String(128), primary_key=True),
    Column("delta_link", Text, nullable=True),
    Column("window_start", UtcDateTime, nullable=False),
    Column("window_end", UtcDateTime, nullable=False),
    Column("scanned_at", UtcDateTime, nullable=False),
)

calendar_subscriptions = Table(
    "calendar_subscriptions",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("mailbox_id", String(128), nullable=False),
    Column("client_state", String(128), nullable=False),  # the shared secret Graph echoes
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "mailbox_id"),
)

# Member cards that could not go out because Teams gave the bot no chat with the person (the
# app is not installed for them): recorded once, so the plan's owner can be told, not retried.
member_card_misses = Table(
    "member_card_misses",
    metadata,
    Column("delivery_key", String(255), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("member_id", String(128), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "plan_id"),
)
