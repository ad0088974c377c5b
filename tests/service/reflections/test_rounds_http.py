"""A reflection round through the real app: a meeting's end event in its chat starts one round
(however often Teams repeats the event), each participant gets the card in their language,
people answer with different sharing choices, the summary posted in the meeting chat shows
exactly what each allowed, and late answers are kept but never change it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from cards import verbs
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.reflections.support import (
    CHAT,
    World,
    a_world,
    answers,
    facts,
    run_jobs,
    texts,
)

STARTED = "Reflection round started: 5 people asked."


async def a_round(start_service: ServiceFactory, emulator: GraphEmulator,
                  connector: FakeConnector, **settings: object) -> World:
    world = await a_world(start_service, emulator, connector, **settings)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    return world


async def test_a_meeting_end_starts_one_round_and_every_participant_gets_a_card(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    notices = [a.get("text") or "" for a in connector.sent_to(CHAT)]
    assert len(notices) == 1 and notices[0].startswith(STARTED)
    # Teams repeats end events, late or twice: still one round, one notice.
    assert await world.meeting_ends() in (200, 202)
    assert await world.meeting_ends(end_time="2026-11-25T10:05:00Z") in (200, 202)
    await run_jobs(world.service)
    assert len(connector.sent_to(CHAT)) == 1
    rounds = await world.rounds()
    assert len(rounds) == 1 and rounds[0]["source"] == "meeting"
    assert rounds[0]["organiser_id"] == world.anna
    people = {p["person_id"]: p for p in await world.participants()}
    assert set(people) == {world.anna, world.astrid, world.bram, world.clara, world.lena}
    for person, title in ((world.astrid, "Reflektera över träffen"),
                          (world.bram, "Blik terug op de sessie"),
                          (world.clara, "Rückblick auf die Session")):
        cards = world.cards_to(person)
        assert len(cards) == 1 and title in texts(cards[0])
        assert cards[0]["refresh"]["action"]["verb"] == verbs.REFLECTION_REFRESH
        assert people[person]["sent_at"] is not None
    # Lena has no Learning Loop and no app can be installed here: counted with the reason.
    assert people[world.lena]["unreachable"] == "not_installed"
    assert people[world.lena]["sent_at"] is None


async def test_the_summary_shows_exactly_what_each_person_allowed(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    choices = {
        world.astrid: answers("named", "Pairing beats reading alone",
                              action="Pair on one review a week", by="2026-12-15",
                              hindrances="no_time,interruptions"),
        world.bram: answers("anonymous", "Ask the question early",
                            action="Ask one question in each stand-up", hindrances="no_time"),
        world.clara: answers("private", "I was lost in the second half",
                             action="Reread the slides", hindrances="pace"),
    }
    for person, inputs in choices.items():
        card = world.cards_to(person)[0]
        shown = await world.press(card, verbs.REFLECTION_SUBMIT, as_=person, inputs=inputs)
        assert verbs.REFLECTION_SUBMIT not in str(shown.get("actions"))
    # Anna does not answer. The window closes: the summary goes to the meeting chat.
    await world.service.runtime.advance_clock(timedelta(hours=25))
    await run_jobs(world.service)
    summaries = world.cards_in(CHAT)
    assert len(summaries) == 1
    shown = texts(summaries[0])
    assert "Reflected: 3 of 5" in shown
    assert "Pairing beats reading alone" in shown and "Ask the question early" in shown
    assert "Pair on one review a week" in shown and "Ask one question in each stand-up" in shown
    named = shown[shown.index("Pairing beats reading alone") + 1]
    assert named.startswith("Astrid Lindqvist")
    assert shown[shown.index("Ask the question early") + 1] == "Anonymous"
    assert not any("Bram" in line for line in shown)
    # Private: counted, never shown, not even its hindrance.
    assert not any("lost in the second half" in line or "Reread" in line for line in shown)
    hindrances = {f["title"]: f["value"] for f in facts(summaries[0])}
    assert hindrances == {"No time: other work came first": "2",
                          "Interruptions (chat, calls, colleagues)": "1"}
    rounds = await world.rounds()
    assert rounds[0]["state"] == "summarised" and rounds[0]["summary_outcome"] == "posted"
    stored = {r["sharing"]: r for r in await world.reflections()}
    assert stored["named"]["person_id"] == world.astrid
    assert stored["private"]["person_id"] == world.clara
    anonymous = stored["anonymous"]
    assert anonymous["person_id"] is None
    assert anonymous["submitted_at"].time() == time(0, 0)
    # Follow-ups only where the author is kept: named and private, never anonymous.
    assert {f["person_id"] for f in await world.follow_ups()} == {world.astrid, world.clara}


async def test_below_k_the_summary_shows_counts_only(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    card = world.cards_to(world.astrid)[0]
    await world.press(card, verbs.REFLECTION_SUBMIT, as_=world.astrid,
                      inputs=answers("named", "Only me so far"))
    await world.service.runtime.advance_clock(timedelta(hours=25))
    await run_jobs(world.service)
    shown = texts(world.cards_in(CHAT)[0])
    assert "Reflected: 1 of 5" in shown
    assert any(line.startswith("Fewer than 3 people reflected") for line in shown)
    assert "Only me so far" not in shown


async def test_a_late_answer_is_kept_marked_late_and_never_changes_the_summary(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    await world.service.runtime.advance_clock(timedelta(hours=25))
    await run_jobs(world.service)
    assert len(world.cards_in(CHAT)) == 1
    card = world.cards_to(world.bram)[0]
    refreshed = await world.press(card, verbs.REFLECTION_REFRESH, as_=world.bram)
    assert any("The round has closed" in line for line in texts(refreshed))
    done = await world.press(card, verbs.REFLECTION_SUBMIT, as_=world.bram,
                             inputs=answers("named", "Came back to it later"))
    assert any("kept as late" in line for line in texts(done))
    await run_jobs(world.service)
    assert len(world.cards_in(CHAT)) == 1  # no second summary, the first unchanged
    [late] = await world.reflections()
    assert late["late"] is True and late["person_id"] == world.bram


async def test_only_the_participant_the_card_was_for_may_answer_and_only_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    outsider = (await graph_emulator.control.add_user("Olle Utanför"))["id"]
    card = world.cards_to(world.astrid)[0]
    refused = await world.press(card, verbs.REFLECTION_SUBMIT, as_=outsider,
                                inputs=answers("named", "Not mine"))
    assert any("made for someone else" in line for line in texts(refused))
    first = await world.press(card, verbs.REFLECTION_SUBMIT, as_=world.astrid,
                              inputs=answers("anonymous", "Once"))
    again = await world.press(card, verbs.REFLECTION_SUBMIT, as_=world.astrid,
                              inputs=answers("anonymous", "Twice"))
    assert texts(first) == texts(again)
    assert [r["answers"]["takeaway"] for r in await world.reflections()] == ["Once"]
    # A missing required answer shows beside its question, everything typed kept.
    other = world.cards_to(world.bram)[0]
    missing = await world.press(other, verbs.REFLECTION_SUBMIT, as_=world.bram,
                                inputs=answers("", "Typed but no sharing chosen"))
    assert "Typed but no sharing chosen" in str(missing)
    assert len(await world.reflections()) == 1
    # A card of another form version is out of date: nothing stored.
    stale = await world.press(other, verbs.REFLECTION_SUBMIT, as_=world.bram,
                              inputs=answers("named", "Old card"), form_version=7)
    assert any("out of date" in line for line in texts(stale))
    assert len(await world.reflections()) == 1


async def test_a_summary_for_a_chat_the_bot_was_removed_from_goes_to_the_organiser(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_round(start_service, graph_emulator, connector)
    connector.gone.add(CHAT)
    await world.service.runtime.advance_clock(timedelta(hours=25))
    await run_jobs(world.service)
    to_anna = world.cards_to(world.anna)
    assert len(to_anna) == 2  # her own reflection card, then the summary
    # In her own language (a Swedish mailbox), with why it came to her.
    assert any("Learning Loop finns inte längre där" in line for line in texts(to_anna[1]))
    assert (await world.rounds())[0]["summary_outcome"] == "organiser"


async def test_end_events_without_a_meeting_or_in_a_chat_the_bot_cannot_read_start_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    assert await world.meeting_ends(value={"MeetingType": "Scheduled"},
                                    channelData={"tenant": {"id": "tenant-1"}}) in (200, 202)
    assert await world.meeting_ends(conversation_id="19:unknown@thread.v2") in (200, 202)
    connector.gone.add(CHAT)
    assert await world.meeting_ends(meeting_id="meeting-2") in (200, 202)
    await run_jobs(world.service)
    assert await world.rounds() == []
    assert connector.sent_to("19:unknown@thread.v2") == []


async def test_reflect_typed_in_a_chat_starts_a_round_for_its_members_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    said = await world.say("reflektera", as_=world.astrid, locale="sv-SE")
    assert len(said) == 1
    assert said[0].startswith("Reflektionsrundan har startat: 5 personer tillfrågade.")
    again = await world.say("reflect", as_=world.bram)
    assert again[0].startswith("A reflection round is already open in this chat")
    personal = await world.say("reflect", as_=world.bram,
                               conversation_id=f"a:personal-{world.bram}",
                               conversation_type="personal")
    assert personal[0].startswith("Type reflect in a group chat")
    rounds = await world.rounds()
    assert len(rounds) == 1 and rounds[0]["source"] == "command"
    assert rounds[0]["organiser_id"] == world.astrid
    closes = rounds[0]["closes_at"]
    assert closes - rounds[0]["opened_at"] == timedelta(hours=24)
    assert closes.tzinfo is not None and closes > datetime(2000, 1, 1, tzinfo=UTC)
