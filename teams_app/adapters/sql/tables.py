"""The schema, in SQLAlchemy Core. Alembic migrations in ./migrations create and evolve it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


conversations = Table(
    "conversations",
    metadata,
    Column("conversation_id", String(512), primary_key=True),
    Column("kind", String(32), nullable=False),  # personal | groupChat | channel
    Column("user_id", String(128), nullable=True),  # AAD object id for personal chats
    Column("tenant_id", String(64), nullable=True),
    Column("channel_id", String(32), nullable=False),
    Column("service_url", String(512), nullable=False),
    Column("locale", String(16), nullable=True),
    Column("reference", JSON, nullable=False),  # the Bot Framework conversation reference
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "user_id"),
)

# People the bot could not reach in Teams, and why (domain/reach.py); a row goes away when their
# personal chat is saved again (they added the app or wrote to the bot).
unreachable_people = Table(
    "unreachable_people",
    metadata,
    Column("user_id", String(128), primary_key=True),  # AAD object id
    Column("reason", String(32), nullable=False),
    Column("since", UtcDateTime, nullable=False),
)

# Each person's language for proactive cards (domain/languages.py): from their last message or
# card action in Teams, else from their mailbox (kept a while, so a card costs no Graph call).
person_languages = Table(
    "person_languages",
    metadata,
    Column("user_id", String(128), primary_key=True),  # AAD object id
    Column("locale", String(16), nullable=True),  # "sv-SE"; None: the mailbox names none we speak
    Column("source", String(16), nullable=False),  # activity | mailbox
    Column("updated_at", UtcDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("payload", JSON, nullable=False),  # ids only, never free text from people
    Column("idempotency_key", String(255), nullable=True, unique=True),
    Column("state", String(16), nullable=False),  # queued | running | done | dead
    Column("run_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False),
    Column("lease_owner", String(128), nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Index(None, "state", "run_at"),
)

schedules = Table(
    "schedules",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("interval_seconds", Float, nullable=False),
    Column("next_run_at", UtcDateTime, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_key", String(255), primary_key=True),
    Column("conversation_id", String(512), nullable=False),
    Column("activity_id", String(255), nullable=True),
    Column("sent_at", UtcDateTime, nullable=False),
)

clock_offsets = Table(
    "clock_offsets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("offset_seconds", Float, nullable=False),
)


# --- learning plans (issue 4) ----------------------------------------------------------------

learning_plans = Table(
    "learning_plans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("spec", JSON, nullable=False),  # ids, enums, dates and times only: no free text
    Column("goal", Text, nullable=False),  # personal free text: stored, never logged
    Column("material_url", Text, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # active | cancelled
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "owner_id"),
)

plan_members = Table(
    "plan_members",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("member_id", String(128), primary_key=True),
    Column("state", String(16), nullable=False),  # pending | booked | released | failed | left
    Column("failure", String(32), nullable=True),  # a MemberFailure code
    Column("updated_at", UtcDateTime, nullable=False),
)

plan_slots = Table(
    "plan_slots",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("member_id", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("event_id", String(512), nullable=True),  # the series master, once booked
    Column("transaction_id", String(36), nullable=False),
    Column("days", String(80), nullable=False),  # comma-separated weekdays ("" = by date)
    Column("start_time", String(5), nullable=False),  # HH:MM, local
    Column("time_zone", String(64), nullable=False),  # IANA
    Column("state", String(16), nullable=False),  # planned | booked | cancelled
    Column("since", UtcDateTime, nullable=True),  # an edit's slot: its series starts then
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

booking_runs = Table(
    "booking_runs",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # running | finished
    Column("updated_at", UtcDateTime, nullable=False),
)
