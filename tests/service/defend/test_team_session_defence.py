"""A team session is defended in its organiser's calendar, where the meeting is: a clash there
brings the organiser a collision card whose Move times are free for everyone invited and whose
Move moves the session for all of them; Skip cancels that week for everyone. A day the organiser
is out of office counts as away and leaves the meeting alone (removing it would cancel it for
the whole team)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cards import verbs
from cards.i18n import translator_for
from teams_app.domain.learning_plans import MemberSource
from teams_app.domain.occurrences import Outcome
from teams_app.use_cases.defend.scan import DefendMailbox, defend_mailbox
from tests.builders import an_activity, an_execute, an_install
from tests.card_texts import nodes, texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import LEAD, REPORTS, book, events_of, new_plan, run_jobs, start
from tests.service.plans.test_team_sessions import meetings, team

EN = translator_for("en")
SV = translator_for("sv-SE")
LEAD_CHAT = "a:personal-lead"


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)


async def instances(emulator: GraphEmulator, mailbox: str, event_id: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    answer = await emulator.request(
        "GET", f"/users/{mailbox}/events/{event_id}/instances"
        f"?startDateTime={iso(now - timedelta(days=1))}"
        f"&endDateTime={iso(now + timedelta(days=60))}",
        headers={"Prefer": 'outlook.timezone="UTC"'})
    assert answer.status == 200, answer.body
    return sorted(answer.body["value"], key=lambda e: e["start"]["dateTime"])


async def booked_team_session(
    start_service: ServiceFactory, emulator: GraphEmulator, connector: FakeConnector
) -> tuple[RunningService, str, dict[str, Any]]:
    service = await start(start_service, emulator)
    plan_id = await new_plan(service, team(MemberSource.of_people(REPORTS[0], REPORTS[1])))
    await book(service, plan_id)
    await run_jobs(service)
    (meeting,) = meetings(await events_of(emulator, LEAD), plan_id)
    await service.post(an_install(connector.service_url, user_aad=LEAD,
                                  conversation_id=LEAD_CHAT))
    # She writes in English, so her cards are English though her Outlook is Swedish.
    await service.post(an_activity(connector.service_url, text="help", user_aad=LEAD,
                                   conversation_id=LEAD_CHAT))
    await connector.wait_for(2)
    connector.activities.clear()
    return service, plan_id, meeting


async def defend_lead(service: RunningService) -> Any:
    services = service.runtime.services
    assert services.calendar is not None
    return await defend_mailbox(DefendMailbox(LEAD, timedelta(days=35)), uow=services.uow,
                                calendar=services.calendar, clock=services.clock)


async def board_review_on_second_session(
    emulator: GraphEmulator, meeting: dict[str, Any]
) -> datetime:
    """A meeting lands on the team session's second week in the organiser's calendar."""
    second = utc((await instances(emulator, LEAD, meeting["id"]))[1]["start"]["dateTime"])
    await emulator.control.add_event(
        LEAD, subject="Board review", show_as="busy",
        start=iso(second - timedelta(minutes=15)), end=iso(second + timedelta(minutes=30)))
    return second


async def copy_of(emulator: GraphEmulator, person: str, meeting: dict[str, Any]) -> dict[str, Any]:
    (copy,) = [e for e in await events_of(emulator, person)
               if e["iCalUId"] == meeting["iCalUId"] and e["type"] == "seriesMaster"]
    return copy


async def test_a_clash_with_the_team_session_cards_the_organiser_and_move_moves_everyone(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service, plan_id, meeting = await booked_team_session(start_service, graph_emulator,
                                                          connector)
    second = await board_review_on_second_session(graph_emulator, meeting)

    defended = await defend_lead(service)
    assert defended.carded == 1
    await run_jobs(service)
    (sent,) = connector.sent_to(LEAD_CHAT)
    card = sent["attachments"][0]["content"]
    shown = texts(card)
    assert "Board review" in shown and EN("slot.collision.detail.team") in shown
    buttons = {n["title"]: n for n in nodes(card) if n.get("type") == "Action.Execute"}
    assert EN("slot.collision.skip.team") in buttons
    moves = [n for n in buttons.values() if n["verb"] == verbs.SLOT_MOVE]
    assert moves

    # Every time offered is free for the people invited too (Move moves them all).
    duration = utc(meeting["end"]["dateTime"]) - utc(meeting["start"]["dateTime"])
    for move in moves:
        start = datetime.fromisoformat(move["data"]["move_to"].replace("Z", "+00:00"))
        for person in REPORTS[:2]:
            busy = await graph_emulator.request(
                "GET", f"/users/{person}/calendarView?startDateTime={iso(start)}"
                f"&endDateTime={iso(start + duration)}")
            assert [e for e in busy.body["value"] if e["showAs"] in ("busy", "oof")
                    and e["iCalUId"] != meeting["iCalUId"]] == [], (person, start)

    target = datetime.fromisoformat(moves[0]["data"]["move_to"].replace("Z", "+00:00"))
    status, answer = await service.post(an_execute(
        connector.service_url, verbs.SLOT_MOVE, moves[0]["data"], user_aad=LEAD,
        conversation_id=LEAD_CHAT))
    assert status == 200 and answer["statusCode"] == 200, answer
    starts = [utc(i["start"]["dateTime"])
              for i in await instances(graph_emulator, LEAD, meeting["id"])]
    assert target in starts and second not in starts
    for person in REPORTS[:2]:  # Exchange brought every attendee's copy along
        copy = await copy_of(graph_emulator, person, meeting)
        theirs = [utc(i["start"]["dateTime"])
                  for i in await instances(graph_emulator, person, copy["id"])]
        assert target in theirs and second not in theirs, person


async def test_an_organiser_away_that_day_is_counted_away_and_the_meeting_stays(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service, plan_id, meeting = await booked_team_session(start_service, graph_emulator,
                                                          connector)
    first = utc((await instances(graph_emulator, LEAD, meeting["id"]))[0]["start"]["dateTime"])
    day = first.replace(hour=0, minute=0)
    await graph_emulator.control.add_event(
        LEAD, subject="Conference", show_as="oof", start=iso(day), end=iso(day + timedelta(days=1)))

    defended = await defend_lead(service)
    assert defended.carded == 0  # away is no collision to answer
    starts = [utc(i["start"]["dateTime"])
              for i in await instances(graph_emulator, LEAD, meeting["id"])]
    assert first in starts  # still there, for everyone else
    for person in REPORTS[:2]:
        copy = await copy_of(graph_emulator, person, meeting)
        assert not copy.get("isCancelled")
    async with service.runtime.services.uow() as tx:
        stored = await tx.occurrences.plan_occurrences([plan_id])
    assert {o.outcome for o in stored if o.span.start == first} == {Outcome.AWAY}


async def test_no_move_is_offered_when_no_time_that_week_is_free_for_everyone_invited(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service, _plan_id, meeting = await booked_team_session(start_service, graph_emulator,
                                                           connector)
    second = await board_review_on_second_session(graph_emulator, meeting)
    # One invited person is booked solid around that session: the organiser alone has time,
    # the team has none.
    await graph_emulator.control.add_event(
        REPORTS[1], subject="Offsite", show_as="busy",
        start=iso(second - timedelta(days=8)), end=iso(second + timedelta(days=8)))

    assert (await defend_lead(service)).carded == 1
    await run_jobs(service)
    (sent,) = connector.sent_to(LEAD_CHAT)
    card = sent["attachments"][0]["content"]
    assert [n for n in nodes(card) if n.get("verb") == verbs.SLOT_MOVE] == []
    assert EN("slot.collision.no_free_time") in texts(card)


async def test_a_member_is_carded_for_a_clash_with_their_copy_and_skip_misses_only_their_week(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service, plan_id, meeting = await booked_team_session(start_service, graph_emulator,
                                                          connector)
    member, other = REPORTS[0], REPORTS[1]
    chat = f"a:personal-{member}"
    await service.post(an_install(connector.service_url, user_aad=member, conversation_id=chat))
    await connector.wait_for(1)
    connector.activities.clear()
    async with service.runtime.services.uow() as tx:  # the periodic scan reaches attendees
        assert {member, other} <= set(await tx.occurrences.booked_members())
    second = utc((await instances(graph_emulator, LEAD, meeting["id"]))[1]["start"]["dateTime"])
    await graph_emulator.control.add_event(
        member, subject="Customer visit", show_as="busy",
        start=iso(second - timedelta(minutes=30)), end=iso(second + timedelta(minutes=30)))

    services = service.runtime.services
    assert services.calendar is not None
    defended = await defend_mailbox(DefendMailbox(member, timedelta(days=35)), uow=services.uow,
                                    calendar=services.calendar, clock=services.clock)
    assert (defended.slots, defended.carded) == (1, 1)  # their copy of the meeting
    await run_jobs(service)
    (sent,) = connector.sent_to(chat)
    card = sent["attachments"][0]["content"]
    shown = texts(card)
    # They never wrote to the bot: the card speaks their Outlook's language (Swedish).
    assert "Customer visit" in shown and SV("slot.collision.detail.attendee") in shown
    actions = {n["verb"]: n for n in nodes(card) if n.get("type") == "Action.Execute"}
    assert verbs.SLOT_MOVE not in actions  # the meeting is the organiser's to move

    # A Move made up by hand changes nothing; Skip takes only their own week away.
    forged = {**actions[verbs.SLOT_SKIP]["data"], "verb": verbs.SLOT_MOVE,
              "move_to": iso(second + timedelta(hours=2))}
    await service.post(an_execute(connector.service_url, verbs.SLOT_MOVE, forged,
                                  user_aad=member, conversation_id=chat))
    status, answer = await service.post(an_execute(
        connector.service_url, verbs.SLOT_SKIP, actions[verbs.SLOT_SKIP]["data"],
        user_aad=member, conversation_id=chat))
    assert status == 200 and answer["statusCode"] == 200, answer
    organiser = [utc(i["start"]["dateTime"])
                 for i in await instances(graph_emulator, LEAD, meeting["id"])]
    assert second in organiser  # the session goes on for the others
    theirs = await copy_of(graph_emulator, member, meeting)
    assert second not in [utc(i["start"]["dateTime"])
                          for i in await instances(graph_emulator, member, theirs["id"])]
    others = await copy_of(graph_emulator, other, meeting)
    assert second in [utc(i["start"]["dateTime"])
                      for i in await instances(graph_emulator, other, others["id"])]
    async with services.uow() as tx:
        stored = await tx.occurrences.plan_occurrences([plan_id])
    mine = {o.span.start: o.outcome for o in stored if o.slot.member_id == member}
    assert mine[second] is Outcome.SKIPPED
