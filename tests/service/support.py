"""What the campaign and reflection service tests share: people who talk to the service through
their personal chats (the cards they got, pressing a card's button), reading a card the way the
tests assert on it, every stored row, a log captured as JSON, and the CLI run in-process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import structlog
from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from teams_app.cli.main import app
from teams_app.logs import configure_logging
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import RunningService

ALL_DAY = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday"], "startTime": "00:00:00", "endTime": "23:59:00"}


@dataclass
class PeopleInChats:
    """The running service, the Graph emulator, and the connector that records what the
    service sent to each person's personal chat (`a:personal-<person>`)."""

    service: RunningService
    emulator: GraphEmulator
    connector: FakeConnector
    locale: ClassVar[str] = "en-US"  # the locale a press comes in, unless a test says

    @property
    def services(self) -> Any:
        return self.service.runtime.services

    def cards_to(self, person: str) -> list[dict[str, Any]]:
        return [attachment["content"]
                for activity in self.connector.sent_to(f"a:personal-{person}")
                for attachment in activity.get("attachments") or []]

    async def press(self, card: dict[str, Any], verb: str, *, as_: str,
                    inputs: dict[str, Any] | None = None, locale: str | None = None,
                    **data_changes: Any) -> dict[str, Any]:
        """Press the card's action with `verb` as `as_`, with these inputs; the card Teams
        shows next (validated against the Adaptive Cards 1.5 schema)."""
        data = dict(action_data(card, verb))
        data.update(data_changes)
        data.update(inputs or {})
        status, body = await self.service.post(an_execute(
            self.connector.service_url, verb, data, user_aad=as_,
            conversation_id=f"a:personal-{as_}", locale=locale or self.locale,
        ))
        assert status == 200, body
        assert body["statusCode"] == 200, body
        assert_valid_card(body["value"])
        return body["value"]


def action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    for action in card.get("actions") or []:
        if action.get("verb") == verb:
            return action["data"]
    refresh = (card.get("refresh") or {}).get("action") or {}
    if refresh.get("verb") == verb:
        return refresh["data"]
    raise AssertionError(f"no {verb} on the card")


def texts(card: Any) -> list[str]:
    """Every TextBlock's text and input label, in order."""
    found: list[str] = []
    if isinstance(card, dict):
        if card.get("type") == "TextBlock":
            found.append(card["text"])
        if isinstance(card.get("label"), str):
            found.append(card["label"])
        for value in card.values():
            found += texts(value)
    elif isinstance(card, list):
        for item in card:
            found += texts(item)
    return found


async def every_row(service: RunningService) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as the (SQLite) database holds it."""
    tables: dict[str, list[dict[str, Any]]] = {}
    async with service.runtime.engine.connect() as connection:
        names = (await connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))).scalars().all()
        for name in names:
            rows = (await connection.execute(text(f'SELECT * FROM "{name}"'))).mappings().all()
            tables[name] = [dict(row) for row in rows]
    return tables


@dataclass
class Captured:
    output: str = ""  # stdout and stderr, once the block has ended


@contextmanager
def json_log(capfd: pytest.CaptureFixture[str]) -> Iterator[Captured]:
    """The service's log as JSON lines, as production writes it, for what runs in the block;
    logging as the tests had it afterwards."""
    configure_logging(json=True, cache=False)
    captured = Captured()
    try:
        capfd.readouterr()
        yield captured
        log = capfd.readouterr()
        captured.output = log.out + log.err
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()


def cli_env(folder: Path, emulator: GraphEmulator) -> dict[str, str]:
    """The CLI's settings: a SQLite database in `folder`, the Graph emulator, JSON logs."""
    return {
        "LEARNING_LOOP_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'cli.db'}",
        "LEARNING_LOOP_GRAPH_BASE_URL": emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
        "COLUMNS": "240",
    }


async def cli(env: dict[str, str], *args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env,
                                   catch_exceptions=False)
