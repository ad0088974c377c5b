"""Tables of learning partners (migrations 0012, 0013), on the schema's one metadata: the
pairings of a plan or a reflection round, who is in which group, and each coaching check-in
(due, sent, answered)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

# A pairing is of a plan or of a reflection round, never both, never neither.
ONE_SOURCE = "(plan_id IS NULL) <> (round_id IS NULL)"
ONE_SOURCE_NAME = "ck_partner_pairings_one_source"

partner_pairings = Table(
    "partner_pairings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=True),
    Column("round_id", String(36), nullable=True),
    Column("every_weeks", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("chosen", Boolean, nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("active", Boolean, nullable=False),  # a source's newest; older ones are history
    Index(None, "plan_id"),
    Index(None, "round_id"),
    Index(None, "active"),
    CheckConstraint(ONE_SOURCE, name=ONE_SOURCE_NAME),
)

partner_groups = Table(
    "partner_groups",
    metadata,
    Column("pairing_id", String(36), primary_key=True),
    Column("person_id", String(128), primary_key=True),
    Column("group_no", Integer, nullable=False),
    # Why their "your partners" card reached nobody (a round's pairing; a plan's misses are
    # counted under the plan).
    Column("unreachable", String(32), nullable=True),
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
