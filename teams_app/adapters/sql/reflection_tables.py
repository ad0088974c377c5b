"""Tables of reflection rounds (migration 0010), on the schema's one metadata.

Like campaigns: `reflection_participants` (who was asked) and `reflections` (what was answered)
share only the round, the same for everyone asked; an anonymous reflection keeps no person and
only the day it came; a participant records that they answered, never when
(docs/reflections.md, "What is stored"). Every row that names a person has a `person_id` column
indexed for finding and erasing a person's data."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

reflection_rounds = Table(
    "reflection_rounds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(16), nullable=False),
    # The meeting (and day), occurrence or command that started it: one round each.
    Column("source_key", String(400), nullable=False, unique=True),
    Column("conversation_id", String(400), nullable=True),  # where the summary goes
    Column("organiser_id", String(128), nullable=True),
    Column("form_key", String(40), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("closes_at", UtcDateTime, nullable=False),
    Column("k", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # open | summarised
    Column("summary_outcome", String(64), nullable=True),
    Index(None, "state", "closes_at"),
    Index(None, "conversation_id", "state"),
    Index(None, "organiser_id"),
)

reflection_participants = Table(
    "reflection_participants",
    metadata,
    Column("round_id", String(36), primary_key=True),
    Column("person_id", String(128), primary_key=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("reminded", Boolean, nullable=False),
    Column("answered", Boolean, nullable=False),  # whether, never when
    Column("unreachable", String(32), nullable=True),
    Index(None, "person_id"),
)

reflections = Table(
    "reflections",
    metadata,
    Column("reflection_key", String(36), primary_key=True),  # random
    Column("round_id", String(36), nullable=False),
    Column("sharing", String(16), nullable=False),  # named | anonymous | private
    Column("form_key", String(40), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("person_id", String(128), nullable=True),  # named and private only
    Column("answers", JSON, nullable=False),  # personal: stored, never logged
    Column("submitted_at", UtcDateTime, nullable=False),  # anonymous: the day only
    Column("late", Boolean, nullable=False),  # after the window: never in the summary
    Column("exported", Boolean, nullable=False),  # handed on to the SharePoint outbox
    Index(None, "round_id"),
    Index(None, "person_id"),
    Index(None, "exported"),
    # Kept in the order of the random key: no rowid counting rows as they came (SQLite).
    sqlite_with_rowid=False,
)

reflection_follow_ups = Table(
    "reflection_follow_ups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(128), nullable=False),
    Column("round_id", String(36), nullable=False),
    Column("reflection_key", String(36), nullable=False, unique=True),
    Column("action", String(300), nullable=False),  # the person's words: never logged
    Column("action_by", Date, nullable=True),
    Column("planned_on", Date, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("ask", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("applied", String(16), nullable=True),
    Column("answers", JSON, nullable=True),  # the latest answer; personal
    Column("answered_at", UtcDateTime, nullable=True),
    Column("exported", Boolean, nullable=False),
    Index(None, "person_id"),
    Index(None, "round_id"),
    Index(None, "state", "due_at"),
    Index(None, "exported"),
)
