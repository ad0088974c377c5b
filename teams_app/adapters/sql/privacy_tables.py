"""Tables of a person's own data (migration 0011): the erasure log and the privacy keys."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, String, Table

from teams_app.adapters.sql.tables import UtcDateTime, metadata

# One row per erase, without personal content: a keyed hash instead of the person's id
# (domain/privacy.py::person_hash says why), who asked, and counts by kind.
privacy_erasures = Table(
    "privacy_erasures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("by", String(16), nullable=False),  # self | admin | retention
    Column("person_hash", String(64), nullable=True),
    Column("counts", JSON, nullable=False),
    Index(None, "person_hash"),
)

# Random keys made once (the erasure log's hash, the export links' signature), shared by every
# process of the service; an admin's LEARNING_LOOP_PRIVACY_KEY takes their place.
privacy_keys = Table(
    "privacy_keys",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("secret", LargeBinary(64), nullable=False),
)
