"""Dialect-specific INSERT (for ON CONFLICT) for the two databases the service runs on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_for(connection: AsyncConnection) -> Callable[..., Any]:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"the service supports sqlite and postgresql, not {dialect}")
