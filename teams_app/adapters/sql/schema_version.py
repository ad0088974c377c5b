"""The database's schema revision against this release's newest, for `learning-loop doctor`;
it only reads, and never creates a SQLite file that is not there."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.engine import current_revision, head_revision
from teams_app.ports.doctor import DatabaseUnreachable
from teams_app.settings import Settings

SECONDS = 15.0


class SqlSchemaVersion:
    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings

    async def current(self) -> str | None:
        path = self._settings.sqlite_path()
        if path is not None and not path.expanduser().exists():
            return None
        try:
            async with asyncio.timeout(SECONDS):
                return await current_revision(self._engine)
        except TimeoutError:
            raise DatabaseUnreachable(f"no answer within {SECONDS:g} s") from None
        except Exception as error:  # drivers raise their own kinds; the admin needs the text
            raise DatabaseUnreachable(self._without_password(error)) from None

    def head(self) -> str | None:
        return head_revision()

    def _without_password(self, error: Exception) -> str:
        lines = str(error).strip().splitlines()
        text = f"{type(error).__name__}: {lines[0][:300] if lines else ''}"
        try:
            password = make_url(self._settings.database_url).password
        except Exception:  # an unparsable URL has no password to hide
            password = None
        return text.replace(str(password), "***") if password else text
