"""The bot endpoint over real HTTP: welcome, help, unknown text, bad bodies, card actions."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from teams_app.adapters.sql.tables import conversations
from tests.builders import USER_AAD, an_activity, an_execute, an_install, members_added
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector
from tests.service.conftest import ServiceFactory

CARD = "application/vnd.microsoft.card.adaptive"


async def test_install_sends_one_welcome_and_remembers_the_conversation(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, _ = await service.post(an_install(connector.service_url))
    assert status == 202
    # Teams also sends conversationUpdate for the same install; the person is greeted once.
    status, _ = await service.post(members_added(connector.service_url))
    assert status == 202

    (conversation_id, welcome), = await connector.wait_for(1)
    assert conversation_id == "a:personal-1"
    card = card_of(welcome)
    assert "Welcome to Learning Loop" in all_texts(card)
    assert "Hi Astrid!" in all_texts(card)
    assert "id" not in welcome or welcome["id"] is not None

    async with service.runtime.engine.connect() as connection:
        row = (await connection.execute(select(conversations))).mappings().one()
    assert row["conversation_id"] == "a:personal-1"
    assert row["user_id"] == USER_AAD
    assert row["kind"] == "personal"
    assert row["reference"]["serviceUrl"] == connector.service_url


async def test_bot_added_to_a_team_greets_the_group(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(members_added(connector.service_url, conversation_id="19:team@thread",
                                     conversation_type="channel", locale="de-DE"))
    (_, welcome), = await connector.wait_for(1)
    assert "Hallo zusammen!" in all_texts(card_of(welcome))


async def test_help_answers_with_the_help_card_in_the_person_s_language(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(an_activity(connector.service_url, text="help"))
    await service.post(an_activity(connector.service_url, text="Hjälp", locale="sv-SE"))
    await service.post(an_activity(connector.service_url, text="hulp", locale="nl-NL"))
    activities = await connector.wait_for(3)
    english, swedish, dutch = (all_texts(card_of(a)) for _, a in activities)
    assert "How it works" in english and "Sorry" not in english
    assert "Så fungerar det" in swedish
    assert "Zo werkt het" in dutch


async def test_unknown_text_gets_the_help_card_with_a_notice(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(
        an_activity(connector.service_url, text="what is the weather", locale="fr-FR")
    )
    (_, answer), = await connector.wait_for(1)
    content = all_texts(card_of(answer))
    assert "did not understand" in content  # French is not offered: English, never silence
    assert "How it works" in content


async def test_help_button_action_execute_returns_the_help_card(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, body = await service.post(an_execute(connector.service_url, "help.show",
                                                 locale="nl-NL"))
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == CARD
    assert "Zo werkt het" in all_texts(body["value"])


async def test_help_button_action_submit_fallback_sends_the_help_card(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(an_activity(connector.service_url, value={"verb": "help.show"}))
    (_, answer), = await connector.wait_for(1)
    content = all_texts(card_of(answer))
    assert "How it works" in content and "did not understand" not in content


async def test_malformed_bodies_get_400_with_a_reason(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, body = await service.post(None, raw=b'{"type": "message", ')
    assert status == 400 and body["error"]["code"] == "BadRequest"
    assert "not valid JSON" in body["error"]["message"]

    status, body = await service.post(None, raw=b"[1, 2]")
    assert status == 400 and "activity object" in body["error"]["message"]

    status, body = await service.post({"type": "message", "text": "hi"})
    assert status == 400 and "conversation.id" in body["error"]["message"]

    status, body = await service.post({"type": 42, "conversation": "nope"})
    assert status == 400 and "malformed" in body["error"]["message"]
    assert connector.activities == []


async def test_a_failing_turn_answers_with_an_apology_not_silence(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    # A real fault: the conversations table disappears under the running service.
    async with service.runtime.engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE conversations")
    status, _ = await service.post(an_activity(connector.service_url, text="help",
                                               locale="de-DE"))
    assert status in (200, 202)
    (_, answer), = await connector.wait_for(1)
    assert "schiefgelaufen" in answer["text"]
    assert "Traceback" not in answer["text"]


async def test_health_and_readiness(start_service: ServiceFactory) -> None:
    service = await start_service()
    async with service.http.get(f"{service.url}/healthz") as response:
        assert response.status == 200
    async with service.http.get(f"{service.url}/readyz") as response:
        report = await response.json()
        assert response.status == 200 and report["ready"] is True
        assert report["migrations"]["current"] == report["migrations"]["head"]
    head = report["migrations"]["head"]
    for revision, ready in (("old", False), ("0001", False), (f"{int(head) + 1:04d}", True)):
        # Behind this code (or unknown): not ready. Ahead (a newer release migrated during a
        # rolling upgrade): this older instance keeps serving until it is replaced.
        async with service.runtime.engine.begin() as connection:
            await connection.exec_driver_sql(
                f"UPDATE alembic_version SET version_num = '{revision}'")
        async with service.http.get(f"{service.url}/readyz") as response:
            assert (response.status == 200) is ready, revision
            assert (await response.json())["ready"] is ready


async def test_even_a_failing_error_handler_never_shows_the_exception(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    app = service.runtime.agent_app

    @app.message("explode")
    async def explode(_context: object, _state: object) -> None:
        raise RuntimeError("secret internals")

    @app.error
    async def broken_handler(_context: object, error: Exception) -> None:
        raise RuntimeError("the error handler failed too") from error

    await service.post(an_activity(connector.service_url, text="explode"))
    sent = [a.get("text", "") for _, a in await connector.wait_for(1)]
    assert any("Something went wrong" in text for text in sent)
    assert not any("secret" in text or "Exception" in text for text in sent)


async def test_simultaneous_install_events_greet_once_without_errors(
    start_service: ServiceFactory, connector: FakeConnector, database_url: str
) -> None:
    service = await start_service(database_url=database_url)
    for _ in range(3):  # the Playground re-sends both events on every page load
        results = await asyncio.gather(
            service.post(an_install(connector.service_url)),
            service.post(members_added(connector.service_url)),
            service.post(an_install(connector.service_url, conversation_id="a:personal-2",
                                    user_aad="aad-user-2")),
            service.post(members_added(connector.service_url, conversation_id="a:personal-2",
                                       user_aad="aad-user-2")),
        )
        assert [status for status, _ in results] == [202] * 4
    await asyncio.sleep(0.2)
    assert sorted(conversation for conversation, _ in connector.activities) == [
        "a:personal-1", "a:personal-2"]
    assert all("attachments" in activity for _, activity in connector.activities)


async def test_replies_reuse_connections_to_the_connector(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    for _ in range(6):
        await service.post(an_activity(connector.service_url, text="help"))
    await connector.wait_for(6)
    # The SDK alone opens a new connection per turn; the pooled clients keep one alive.
    assert len(connector.client_ports) == 1


async def test_an_unknown_card_action_gets_the_help_card_not_an_error(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, body = await service.post(an_execute(connector.service_url, "plan.book.v0"))
    assert status == 200 and body["type"] == CARD
    assert "did not understand" in all_texts(body["value"])
    await service.post(an_activity(connector.service_url, value={"verb": "plan.book.v0"}))
    (_, answer), = await connector.wait_for(1)
    assert "did not understand" in all_texts(card_of(answer))
