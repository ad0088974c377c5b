"""Tables of learning partners (migration 0012), on the schema's one metadata: a plan's
pairings, who is in which group, and each coaching check-in (due, sent, answered)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

partner_pairings = Table(
    "partner_pairings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("every_weeks", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("chosen", Boolean, nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("active", Boolean, nullable=False),  # a plan's newest; older ones are history
    Index(None, "plan_id"),
    Index(None, "active"),
)

partner_groups = Table(
    "partner_groups",
    metadata,
    Column("pairing_id", String(36), primary_key=True),
    Column("person_id", String(128), primary_key=True),
    Column("group_no", Integer, nullable=False),
    Index(None, "person_id"),
)

partner_checkins = Table(
    "partner_checkins",
    metadata,
    Column("pairing_id", String(36), primary_key=True),
    Column("person_id", String(128), primary_key=True),
    Column("number", Integer, primary_key=True),  # the 1st, 2nd, ... check-in of the pairing
    Column("due_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("unreachable", String(32), nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
    # The person's own words about their partner's learning: shown to them alone, never logged.
    Column("went", String(1000), nullable=True),
    Column("would_help", String(1000), nullable=True),
    Index(None, "person_id"),
)
