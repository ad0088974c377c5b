"""Answering a campaign's form in Teams, through the real app: the card reaches each member in
their language, Send gives the summary (Edit while open), a missing answer shows beside its
question with everything kept, a double submit stores one response, a closed campaign says so,
and whoever was not asked, or sends a tampered card, is refused with a clear card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from cards import verbs
from teams_app.adapters.sql.campaign_tables import campaign_responses
from teams_app.use_cases.campaigns.creating import CloseCampaign, close_campaign
from teams_app.use_cases.campaigns.reports import show_campaign
from teams_app.use_cases.campaigns.sending import queue_reminders
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import (
    ALL_DAY,
    World,
    a_world,
    input_values,
    run_jobs,
    texts,
)
from tests.service.conftest import ServiceFactory

NOT_ASKED = "Det här formuläret skickades inte till dig, så inget sparades."
STALE = "Det här kortet är inaktuellt, så inget sparades. Svara på det senaste kortet."
ANSWERS = {"used_time": "partly", "worked_on": "Read two chapters", "obstacles": "meeting",
           "will_apply": "Pair on the next review"}


async def asked(start_service: ServiceFactory, emulator: GraphEmulator,
                connector: FakeConnector, **campaign: Any) -> tuple[World, dict[str, Any]]:
    world = await a_world(start_service, emulator, connector)
    await world.campaign(**campaign)
    await world.send()
    cards = world.cards_to(world.astrid)
    assert len(cards) == 1
    return world, cards[0]


async def responses(world: World) -> list[dict[str, Any]]:
    async with world.service.runtime.engine.connect() as connection:
        rows = (await connection.execute(select(campaign_responses))).mappings().all()
    return [dict(row) for row in rows]


async def test_the_card_reaches_each_member_in_their_language_with_a_refresh_for_them(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    assert_valid_card(card)
    assert "Avstämning av lärtiden" in texts(card)
    dutch = world.cards_to(world.bram)
    assert len(dutch) == 1 and "Check-in over je leertijd" in texts(dutch[0])
    assert world.cards_to(world.outsider) == []
    assert card["refresh"]["userIds"] == [f"29:{world.astrid}"]
    assert card["refresh"]["action"]["verb"] == verbs.FORM_REFRESH
    submit = card["actions"][0]
    assert submit["type"] == "Action.Execute" and submit["fallback"]["type"] == "Action.Submit"


async def test_send_refreshes_into_the_summary_with_edit_and_one_named_response(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    summary = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    shown = texts(summary)
    assert "Tack! Det här är dina svar." in shown
    assert "Read two chapters" in shown and "Delvis" in shown
    assert [a["verb"] for a in summary["actions"]] == [verbs.FORM_EDIT]
    assert summary["refresh"]["userIds"] == [f"29:{world.astrid}"]
    # Edit: the form again, filled in; a changed answer updates the one response.
    again = await world.press(summary, verbs.FORM_EDIT, as_=world.astrid)
    assert input_values(again)["worked_on"] == "Read two chapters"
    await world.press(again, verbs.FORM_SUBMIT, as_=world.astrid,
                      inputs={**ANSWERS, "used_time": "yes"})
    stored = await responses(world)
    assert len(stored) == 1
    assert stored[0]["person_id"] == world.astrid and stored[0]["answers"]["used_time"] == "yes"
    # The refresh of the old card shows the summary as it is now.
    refreshed = await world.press(card, verbs.FORM_REFRESH, as_=world.astrid)
    assert "Ja" in texts(refreshed) and "Delvis" not in texts(refreshed)


async def test_a_missing_required_answer_shows_beside_its_question_with_everything_kept(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    typed = {**ANSWERS, "used_time": ""}
    again = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=typed)
    shown = texts(again)
    assert "Svara på den här frågan." in shown
    values = input_values(again)
    assert values["worked_on"] == "Read two chapters"
    assert values["will_apply"] == "Pair on the next review"
    assert values["obstacles"] == "meeting"
    # The error sits in the used_time question's container, right under its input.
    container = next(item for item in again["body"] if item.get("type") == "Container"
                     and any(i.get("id") == "used_time" for i in item.get("items", [])))
    assert any(i.get("type") == "TextBlock" and i.get("color") in ("attention", "Attention")
               for i in container["items"])
    assert await responses(world) == []


async def test_a_double_submit_stores_one_response(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    assert len(await responses(world)) == 1


async def test_a_double_submit_of_an_anonymous_card_stores_one_response(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector, anonymous=True)
    first = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    assert "actions" not in first  # no Edit for an anonymous answer
    assert any("anonyma" in t for t in texts(first))
    second = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid,
                               inputs={**ANSWERS, "used_time": "no"})
    assert any("anonyma svar har tagits emot" in t for t in texts(second))
    stored = await responses(world)
    assert len(stored) == 1 and stored[0]["answers"]["used_time"] == "partly"


async def test_after_the_close_the_card_says_it_is_closed_and_nothing_is_stored(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    services = world.services
    await close_campaign(CloseCampaign(world.campaigns[0], world.owner), uow=services.uow,
                         clock=services.clock)
    closed = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    assert "Den här avstämningen är stängd." in texts(closed)
    assert "actions" not in closed
    assert await responses(world) == []


async def test_the_close_time_passing_closes_it_too(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    await world.service.runtime.advance_clock(timedelta(days=15))
    closed = await world.press(card, verbs.FORM_REFRESH, as_=world.astrid)
    assert "Den här avstämningen är stängd." in texts(closed)


async def test_someone_not_in_the_audience_is_refused(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    refused = await world.press(card, verbs.FORM_SUBMIT, as_=world.outsider, inputs=ANSWERS)
    assert NOT_ASKED in texts(refused)
    assert await responses(world) == []


async def test_tampered_ids_are_refused_with_a_clear_card(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    other = await world.campaign(people=(world.bram,))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"campaign_id": other}, NOT_ASKED),  # a campaign that never asked her
        ({"round": "r9"}, NOT_ASKED),
        ({"campaign_id": "no-such-campaign"}, STALE),
        ({"form_version": 7}, STALE),
        ({"form_key": "session_feedback"}, STALE),
        ({"campaign_id": 42}, STALE),
        ({"form_version": "one"}, STALE),
    ]
    for changes, expected in cases:
        answered = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid,
                                     inputs=ANSWERS, **changes)
        assert expected in texts(answered), changes
        assert "actions" not in answered, changes
    assert await responses(world) == []


async def test_bad_answers_get_their_message_beside_the_question(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    cases = [
        ({"used_time": "sometimes"}, "Välj ett av svarsalternativen."),
        ({"will_apply": "x" * 301}, "Skriv högst 300 tecken."),
        ({"obstacles": "meeting,lunch"}, "Välj ett av svarsalternativen."),
        ({"salary": "more"}, "Kortet skickade ett svar på en fråga som formuläret inte ställer, "
                             "så inget sparades. Svara på det senaste kortet."),
    ]
    for change, expected in cases:
        again = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid,
                                  inputs={**ANSWERS, **change})
        assert any(expected in t for t in texts(again)), (change, texts(again))
    assert await responses(world) == []


async def test_reminders_go_to_those_who_have_not_answered(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await asked(start_service, graph_emulator, connector)
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ANSWERS)
    services = world.services
    assert await queue_reminders(uow=services.uow, clock=services.clock) == 0  # not yet
    await world.service.runtime.advance_clock(timedelta(hours=25))
    assert await queue_reminders(uow=services.uow, clock=services.clock) == 1
    assert await queue_reminders(uow=services.uow, clock=services.clock) == 0  # queued once
    await run_jobs(world.service)
    assert len(world.cards_to(world.astrid)) == 1
    assert len(world.cards_to(world.bram)) == 2
    async with services.uow(read_only=True) as tx:
        counts = await tx.campaigns.counts(world.campaigns[0])
    assert (counts.asked, counts.sent, counts.answered) == (2, 2, 1)


async def test_the_weekly_cap_postpones_a_prompt_and_counts_it(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector, weekly_prompt_cap=1)
    await world.campaign(people=(world.astrid,))
    second = await world.campaign(people=(world.astrid,), form="learning_preferences")
    await world.send()
    assert len(world.cards_to(world.astrid)) == 1
    async with world.services.uow(read_only=True) as tx:
        postponed = await tx.campaigns.prompts_of(second)
        counts = await tx.campaigns.counts(second)
    assert postponed[0].postponed == 1 and postponed[0].sent_at is None
    assert counts.postponed == 1
    await world.send(timedelta(days=8))
    assert len(world.cards_to(world.astrid)) == 2


async def test_someone_the_bot_cannot_reach_is_counted_and_named_to_the_owner(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    silent = (await graph_emulator.control.add_user("Sam Tyst", manager_id=world.owner,
                                                    working_hours=ALL_DAY))["id"]
    campaign_id = await world.campaign(people=(world.astrid, silent))
    await world.send()
    services = world.services
    report = await show_campaign(campaign_id, world.owner, uow=services.uow,
                                 forms=services.forms)
    assert (report.summary.asked, report.sent, report.summary.unreachable) == (2, 1, 1)
    assert report.unreachable == ((silent, "not_installed"),)
    assert len(world.cards_to(world.astrid)) == 1
