"""Tables of campaigns (migration 0007), on the schema's one metadata.

`campaign_prompts` (who was asked) and `campaign_responses` (what was answered) share no key
and no precise time: an anonymous response has no person, only the day it came, and its prompt
records only that it was answered (docs/campaigns.md, "Anonymity")."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

# A sent prompt kept only as a count after its person erased their data: a random person id
# that names no one, and this reason, so no reminder is sent to it.
ERASED_PREFIX = "erased:"
ERASED_REASON = "erased"

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("spec", JSON, nullable=False),  # ids, enums, numbers and times only: no free text
    Column("state", String(16), nullable=False),  # open | closed
    Column("closes_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Index(None, "owner_id"),
    Index(None, "state"),
)

campaign_prompts = Table(
    "campaign_prompts",
    metadata,
    Column("campaign_id", String(36), primary_key=True),
    Column("person_id", String(128), primary_key=True),
    Column("round", String(40), primary_key=True),
    Column("due_at", UtcDateTime, nullable=False),
    Column("send_at", UtcDateTime, nullable=False),
    Column("postponed", Integer, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("reminders_sent", Integer, nullable=False),
    Column("answered", Boolean, nullable=False),  # whether, never when
    Column("unreachable", String(32), nullable=True),
    Index(None, "person_id", "send_at"),
    Index(None, "answered", "sent_at"),
)

campaign_responses = Table(
    "campaign_responses",
    metadata,
    Column("response_key", String(36), primary_key=True),  # random
    Column("campaign_id", String(36), nullable=False),
    Column("form_key", String(40), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("person_id", String(128), nullable=True),  # named only
    Column("round", String(40), nullable=True),  # None for an anonymous occurrence answer
    Column("answers", JSON, nullable=False),  # personal: stored, never logged
    Column("submitted_at", UtcDateTime, nullable=False),  # anonymous: the day only
    Column("updated_at", UtcDateTime, nullable=True),  # named only
    Column("exported", Boolean, nullable=False),  # handed on to the SharePoint outbox
    Index(None, "campaign_id"),
    # One named response per person and round; anonymous rows (person NULL) are not unique.
    Index("uq_campaign_responses_named", "campaign_id", "round", "person_id", unique=True),
    # Kept in the order of the random key, with no rowid that counts the rows as they came
    # (SQLite): the order of arrival would match answers to who answered first.
    sqlite_with_rowid=False,
)

# "You said, we did" (migration 0008): the owner's words to everyone asked, and how many it
# reached. Nothing here belongs to any one person.
campaign_said_did = Table(
    "campaign_said_did",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("campaign_id", String(36), nullable=False),
    Column("text", String(2000), nullable=False),  # the owner's words: never logged
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent", Integer, nullable=False),
    Column("unreachable", Integer, nullable=False),
    Index(None, "campaign_id"),
)
