"""Telemetry over real turns, jobs, Graph calls and sends: the spans and metrics an admin needs
are there, and nothing a person wrote, no name, no email, no person's or conversation's id, and
no Graph error text reaches any span or metric."""

from __future__ import annotations

from sqlalchemy import select

from cards import verbs
from teams_app.adapters.sql.campaign_tables import campaign_responses
from teams_app.telemetry import signals
from tests.builders import an_activity, an_execute
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import ALL_DAY, ZONE, a_world
from tests.service.conftest import ServiceFactory
from tests.service.telemetry.conftest import Captured

MARKER = "zq7marker"
SAID = f"I am burning out {MARKER} and my manager knows"
NAME = f"Vera {MARKER}son"


async def test_turns_jobs_graph_calls_and_sends_are_recorded_without_anything_personal(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    telemetry_capture: Captured,
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    vera = await graph_emulator.control.add_user(
        NAME, mail=f"{MARKER}@contoso-learning.example", working_hours=ALL_DAY,
        time_zone=ZONE, manager_id=world.owner,
    )
    # Graph throttles the first mailbox read, with the person's mailbox in its message.
    await graph_emulator.control.set_limits(fail_next=[{
        "match": "mailboxSettings", "status": 429, "count": 1, "retry_after": 0.01,
        "message": f"Mailbox {MARKER}@contoso-learning.example is busy",
    }])
    campaign_id = await world.campaign(people=(world.astrid, world.bram, vera["id"]))
    await world.send()
    card = world.cards_to(world.astrid)[0]
    answers = {"used_time": "partly", "worked_on": SAID, "obstacles": "meeting",
               "will_apply": SAID}
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=answers)
    async with world.service.runtime.engine.connect() as connection:
        stored = (await connection.execute(select(campaign_responses))).mappings().all()
    assert len(stored) == 1  # the answer really went through
    # A message, and a card action whose verb the sender made up.
    conversation = f"a:personal-{world.astrid}"
    status, _ = await world.service.post(an_activity(
        connector.service_url, text=SAID, user_name=NAME, user_aad=world.astrid,
        conversation_id=conversation))
    assert status in (200, 202)
    await world.service.post(an_execute(
        connector.service_url, f"form.{MARKER}", {"note": SAID}, user_name=NAME,
        user_aad=world.astrid, conversation_id=conversation))
    # A turn that fails inside the SDK: the database error quotes the row, names included.
    async with world.service.runtime.engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE conversations")
    await world.service.post(an_activity(
        connector.service_url, text=SAID, user_name=NAME, user_aad=world.astrid,
        conversation_id=f"a:personal-{MARKER}"))

    spans = telemetry_capture.finished_spans()
    points = telemetry_capture.metric_points()
    names = {span.name for span in spans}
    assert {"turn form.submit", "turn message", "turn unknown_verb"} <= names
    assert {"job campaign.fan_out", "job campaign.prompt"} <= names
    assert "teams send" in names
    assert "GET /v1.0/users/{id}/mailboxSettings" in names
    # The Agents SDK's own spans are kept, inside our turn spans; kiota's ~17 per Graph
    # request are not (our one span per request carries what they would).
    scopes = {span.instrumentation_scope.name for span in spans if span.instrumentation_scope}
    assert scopes == {"learning_loop", "learning_loop.graph", "microsoft_agents"}

    turns = points[signals.TURNS]
    assert {"learning_loop.activity.type": "invoke", "learning_loop.turn.route": "form.submit",
            "learning_loop.outcome": "ok"} in turns
    assert any(point["learning_loop.outcome"] != "ok" for point in turns)  # the failed turn
    jobs = points[signals.JOBS]
    assert all(point["learning_loop.outcome"] == "done" for point in jobs), jobs
    assert any(point["learning_loop.job.kind"].startswith("campaign") for point in jobs)
    assert signals.JOB_QUEUE_LAG in points
    sends = points[signals.SENDS]
    assert {"learning_loop.send.operation": "send", "learning_loop.outcome": "delivered",
            "learning_loop.send.reason": "none"} in sends
    graph = points["learning_loop.graph.requests"]
    throttled = [p for p in graph if p["learning_loop.graph.throttled"]]
    assert throttled and throttled[0]["http.response.status_code"] == 429
    assert throttled[0]["learning_loop.graph.endpoint"] == "/v1.0/users/{id}/mailboxSettings"

    exported = telemetry_capture.everything_exported()
    personal = [MARKER, "Vera", "Astrid", "Lindqvist", "contoso-learning.example",
                world.astrid, world.bram, world.owner, vera["id"], campaign_id, conversation]
    assert [value for value in personal if value in exported] == []


async def test_a_card_to_someone_who_cannot_be_reached_is_counted_with_its_reason(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    telemetry_capture: Captured,
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    # No chat with the bot and no Teams app id to install it with: not reachable.
    stranger = await graph_emulator.control.add_user(
        "Nils Holm", working_hours=ALL_DAY, time_zone=ZONE, manager_id=world.owner)
    await world.campaign(people=(world.astrid, stranger["id"]))
    await world.send()

    sends = telemetry_capture.metric_points()[signals.SENDS]
    assert {"learning_loop.send.operation": "reach", "learning_loop.outcome": "unreachable",
            "learning_loop.send.reason": "not_installed"} in sends

