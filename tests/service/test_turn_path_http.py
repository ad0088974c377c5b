"""The turn path, cut for CPU (benchmarks/profile_first_messages.py), keeps what the bot needs:
first messages that arrive together are stored together and each still answered in its
sender's language; a turn the database refuses fails alone; what the SDK's own request handling
did (expectReplies answered in the HTTP body) still happens; `serve` answers with what it built
at start kept out of the collector's full passes."""

from __future__ import annotations

import asyncio
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from microsoft_agents.hosting.core import TurnContext, TurnState
from sqlalchemy import event, select

from teams_app.adapters.sql.tables import conversations, person_languages
from teams_app.bootstrap import Runtime
from teams_app.bot.app import TempOnlyTurnState
from teams_app.cli.serve import serve
from teams_app.settings import Settings
from tests.builders import an_activity
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector
from tests.pg import free_port
from tests.service.conftest import ServiceFactory

LOCALES = {"en-US": "How it works", "sv-SE": "Så fungerar det", "de-DE": "So funktioniert"}


def first_message(connector: FakeConnector, n: int, *, conversation_id: str | None = None
                  ) -> dict[str, Any]:
    locale = list(LOCALES)[n % len(LOCALES)]
    return an_activity(connector.service_url, text="help", locale=locale,
                       conversation_id=conversation_id or f"a:first-{n}",
                       user_aad=f"aad-first-{n}")


async def test_first_messages_at_once_are_stored_together_and_each_answered_in_its_language(
    start_service: ServiceFactory, connector: FakeConnector, database_url: str
) -> None:
    service = await start_service(database_url=database_url)
    commits = 0

    def count_commit(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(service.runtime.engine.sync_engine, "commit", count_commit)
    people = 40
    statuses = await asyncio.gather(*(service.post(first_message(connector, n))
                                      for n in range(people)))
    assert [status for status, _ in statuses] == [202] * people

    await connector.wait_for(people)
    for n in range(people):
        (reply,) = connector.sent_to(f"a:first-{n}")
        assert LOCALES[list(LOCALES)[n % len(LOCALES)]] in all_texts(card_of(reply))
    async with service.runtime.engine.connect() as connection:
        stored = (await connection.execute(select(conversations.c.conversation_id))).all()
        languages = dict((await connection.execute(
            select(person_languages.c.user_id, person_languages.c.locale))).all())
    assert len(stored) == people
    assert languages == {f"aad-first-{n}": list(LOCALES)[n % len(LOCALES)]
                         for n in range(people)}
    # One transaction per turn would be 40; turns that wait for a write share the next one.
    assert commits < people / 2


@pytest.mark.postgres
async def test_a_turn_the_database_refuses_fails_alone_and_the_others_are_stored(
    start_service: ServiceFactory, connector: FakeConnector, postgres_url: str
) -> None:
    service = await start_service(database_url=postgres_url)
    too_long = "a:" + "x" * 600  # the column holds 512: PostgreSQL refuses the row
    activities = [first_message(connector, n) for n in range(20)]
    activities.insert(10, first_message(connector, 99, conversation_id=too_long))
    statuses = await asyncio.gather(*(service.post(activity) for activity in activities))
    assert {status for status, _ in statuses} == {202}

    await connector.wait_for(21)
    # (The SDK cuts the conversation id it posts to, as Teams' connector limits it.)
    (refused,) = [a for cid, a in connector.activities if cid.startswith("a:xxx")]
    assert "Something went wrong" in refused["text"]
    for n in range(20):
        (reply,) = connector.sent_to(f"a:first-{n}")
        assert LOCALES[list(LOCALES)[n % len(LOCALES)]] in all_texts(card_of(reply))
    async with service.runtime.engine.connect() as connection:
        stored = set((await connection.execute(select(conversations.c.conversation_id))).scalars())
    assert stored == {f"a:first-{n}" for n in range(20)}


async def test_the_help_card_built_once_per_language_still_speaks_each_sender_s(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    sent = [("help", "en-US"), ("Hjälp", "sv-SE"), ("help", "en-US"), ("vädret?", "sv-SE"),
            ("hilfe", "de-DE"), ("Hjälp", "sv-SE")]
    for n, (text, locale) in enumerate(sent):
        await service.post(an_activity(connector.service_url, text=text, locale=locale,
                                       conversation_id=f"a:help-{n}"))
    await connector.wait_for(len(sent))
    texts = [all_texts(card_of(connector.sent_to(f"a:help-{n}")[0])) for n in range(len(sent))]
    assert [LOCALES[locale] in text for text, (_, locale) in zip(texts, sent, strict=True)] == [
        True] * len(sent)
    notices = ["förstod jag inte" in text or "did not understand" in text for text in texts]
    assert notices == [False, False, False, True, False, False]
    # Cached cards are shared: a later answer never carries an earlier one's notice.
    assert texts[5] == texts[1]


async def test_a_turn_s_state_has_the_temp_scope_and_nothing_loaded_from_the_sdk_store(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    seen: dict[str, Any] = {}

    @service.runtime.agent_app.message("what state")
    async def capture(_context: TurnContext, state: TurnState) -> None:
        seen["input"] = state.temp.input
        seen["state"] = state

    status, _ = await service.post(an_activity(connector.service_url, text="what state"))
    assert status == 202
    assert seen["input"] == "what state"  # what the SDK itself puts in the temp scope
    assert isinstance(seen["state"], TempOnlyTurnState)


@pytest.mark.parametrize("bad", [b'"x": NaN', b'"x": "\\ud800"'])
async def test_a_body_that_is_not_strict_json_is_refused(
    start_service: ServiceFactory, connector: FakeConnector, bad: bytes
) -> None:
    service = await start_service()
    activity = json.dumps(an_activity(connector.service_url, text="help")).encode()
    status, body = await service.post(None, raw=activity[:-1] + b", " + bad + b"}")
    assert status == 400
    assert body["error"]["message"] == "The body is not valid JSON."
    assert connector.activities == []


async def test_expect_replies_come_back_in_the_answer_not_through_the_connector(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, body = await service.post(an_activity(
        connector.service_url, text="help", deliveryMode="expectReplies"))
    assert status == 200
    (reply,) = body["activities"]
    assert "How it works" in all_texts(card_of(reply))
    await asyncio.sleep(0.1)
    assert connector.activities == []


async def test_serve_answers_with_what_it_built_at_start_frozen(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
                        anonymous=True, workers=0, host="127.0.0.1", port=port)
    stop = asyncio.Event()
    seen: dict[str, Any] = {}

    async def on_ready(_runtime: Runtime) -> None:
        seen["frozen"] = gc.get_freeze_count()
        stop.set()

    try:
        await asyncio.wait_for(serve(settings, stop=stop, on_ready=on_ready), 60)
    finally:
        gc.unfreeze()  # the rest of this test session collects as before
    assert seen["frozen"] > 10_000  # modules, the SDK's models, routes, schemas
