"""The member answers a collision card over /api/messages: Move changes that one occurrence in
Outlook, Keep and Skip are counted, a deleted session is put back; refusals and Graph failures
answer with a clear card and lose nothing."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import structlog

from teams_app.domain.bookings import SlotState
from teams_app.domain.occurrence_records import Decision
from teams_app.domain.occurrences import Outcome
from teams_app.logs import configure_logging
from teams_app.use_cases.plans.reports import list_plans
from tests.builders import an_activity
from tests.card_texts import actions, texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import (
    ZONE,
    Booked,
    booked_plan,
    iso,
    run_jobs,
    start_of,
    utc,
)


async def collide(plan: Booked, session: int, subject: str = "Sprint review") -> dict[str, Any]:
    """A busy meeting over the member's `session`-th session, scanned; returns its card."""
    target = (await plan.instances())[session]
    await plan.emulator.control.add_event(
        plan.member, subject=subject, start=iso(start_of(target)),
        end=iso(start_of(target) + timedelta(minutes=30)), show_as="busy",
    )
    plan.connector.activities.clear()
    result = await plan.defend()
    assert result.carded == 1
    await run_jobs(plan.service)
    (card,) = [a["attachments"][0]["content"]
               for a in plan.connector.sent_to(f"a:personal-{plan.member}")]
    assert subject in texts(card)
    return card


async def decision_of(plan: Booked, card: dict[str, Any]) -> Decision | None:
    key = actions(card)["slot.keep"]["data"]["occurrence_id"]
    async with plan.services.uow() as tx:
        stored = await tx.occurrences.occurrence(plan.ref(), key)
    assert stored is not None
    return stored.decision


async def test_move_changes_that_one_occurrence_and_is_not_carded_again(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    card = await collide(plan, 1)
    move = actions(card)["slot.move"]
    target = utc(move["data"]["move_to"])
    before = await plan.instances()

    answer = await plan.press(move)
    assert texts(answer).startswith("Flyttad till ")  # Swedish, like the chat
    assert "actions" not in answer  # answered: nothing left to press
    after = await plan.instances()
    assert [start_of(i) for i in after if i["type"] == "exception"] == [target]
    assert start_of(before[1]) not in [start_of(i) for i in after]
    assert [start_of(i) for i in after][::2] == [start_of(i) for i in before][::2]  # others stay
    stored = {s.key: s for s in await plan.stored()}
    moved = stored[move["data"]["occurrence_id"]]
    assert (moved.decision, moved.outcome) == (Decision.MOVED, Outcome.MOVED)

    connector.activities.clear()
    again = await plan.defend()
    assert again.read and again.carded == 0  # our own move is no "your session was moved"
    stored = {s.key: s for s in await plan.stored()}
    assert stored[moved.key].outcome is Outcome.MOVED


def moves_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Move button, in the card's order (actions() keeps one per verb)."""
    return [a for a in card["actions"] if a["data"]["verb"] == "slot.move"]


async def test_the_collision_card_names_plan_and_meeting_and_offers_three_free_times(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    session = start_of((await plan.instances())[1])
    card = await collide(plan, 1, "Sprint review")

    # The plan by its goal, the meeting by its subject and its time (Stockholm, Swedish).
    (facts,) = [b["facts"] for b in card["body"] if b["type"] == "FactSet"]
    assert facts[0] == {"title": "Lärplan", "value": "Finish the cloud security course"}
    assert facts[1]["title"] == "Krockar med"
    local = session.astimezone(ZoneInfo(ZONE))
    assert facts[1]["value"].startswith("”Sprint review”, ")
    assert facts[1]["value"].endswith(
        f"kl. {local:%H:%M} till {local + timedelta(minutes=30):%H:%M}"
    )
    # Three Move times, each its own, free in Outlook and apart from each other; Keep, Skip.
    moves = moves_of(card)
    assert [a["data"]["verb"] for a in card["actions"]] == ["slot.move"] * 3 + [
        "slot.keep", "slot.skip"]
    starts = [utc(m["data"]["move_to"]) for m in moves]
    assert len(set(starts)) == 3
    assert all(abs(a - b) >= timedelta(hours=1) for a in starts for b in starts if a != b)
    events = (await graph_emulator.control.objects("events", mailbox=plan.member))[plan.member]
    view = await graph_emulator.request(
        "GET", f"/users/{plan.member}/calendarView?startDateTime={iso(min(starts))}"
        f"&endDateTime={iso(max(starts) + timedelta(hours=1))}",
        headers={"Prefer": 'outlook.timezone="UTC"'},
    )
    busy = [(utc(e["start"]["dateTime"][:19]), utc(e["end"]["dateTime"][:19]))
            for e in view.body["value"]]
    assert events and not any(s < end and s + timedelta(hours=1) > begin
                              for s in starts for begin, end in busy)

    # The second time is pressed: the session goes exactly there.
    answer = await plan.press(moves[1])
    assert texts(answer).startswith("Flyttad till ")
    moved = [start_of(i) for i in await plan.instances() if i["type"] == "exception"]
    assert moved == [starts[1]]


async def test_keep_counts_an_overlapped_session_kept_and_skip_counts_it_skipped(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    first = await collide(plan, 0, "Budget review")
    second = await collide(plan, 1, "Customer call")
    sessions = await plan.instances()

    kept = await plan.press(actions(first)["slot.keep"])
    assert texts(kept).startswith("Behållen: ")
    skipped = await plan.press(actions(second)["slot.skip"])
    assert texts(skipped).startswith("Överhoppad: ")
    assert await decision_of(plan, first) is Decision.KEPT
    assert await decision_of(plan, second) is Decision.SKIPPED
    assert [s.outcome for s in await plan.stored()] == [
        Outcome.BOOKED, Outcome.SKIPPED, Outcome.BOOKED, Outcome.BOOKED
    ]

    await plan.advance(start_of(sessions[1]) + timedelta(hours=2) - plan.services.clock.now())
    await plan.defend()
    assert [s.outcome for s in await plan.stored()] == [
        Outcome.KEPT, Outcome.SKIPPED, Outcome.BOOKED, Outcome.BOOKED
    ]


async def test_skip_gives_that_one_session_back_to_work_and_is_no_deletion_to_defend(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    before = await plan.instances()
    card = await collide(plan, 1, "Customer call")

    answer = await plan.press(actions(card)["slot.skip"])
    assert texts(answer).startswith("Överhoppad: ")
    assert "borttaget ur din Outlook-kalender" in texts(answer)
    # Outlook: that one occurrence is gone, the series and its other sessions stay.
    after = await plan.instances()
    assert [start_of(i) for i in after] == [start_of(i) for i in before[:1] + before[2:]]
    assert {i["type"] for i in after} == {"occurrence"}
    view = await graph_emulator.request(
        "GET", f"/users/{plan.member}/calendarView?startDateTime={iso(start_of(before[1]))}"
        f"&endDateTime={iso(start_of(before[1]) + timedelta(hours=1))}",
    )
    assert [e["subject"] for e in view.body["value"]] == ["Customer call"]  # only work is left

    # The scan reads the removal as the member's decision: no "deleted" card, still skipped.
    connector.activities.clear()
    again = await plan.defend()
    assert again.read and again.carded == 0
    await run_jobs(plan.service)
    assert connector.sent_to(f"a:personal-{plan.member}") == []
    stored = await plan.stored()
    assert [s.outcome for s in stored] == [
        Outcome.BOOKED, Outcome.SKIPPED, Outcome.BOOKED, Outcome.BOOKED
    ]
    assert stored[1].decision is Decision.SKIPPED
    # Once its time has passed the owner's report counts it skipped: not kept, not lost, not
    # due, and no longer booked (the other member's first two sessions are kept meanwhile).
    await plan.advance(start_of(before[1]) + timedelta(hours=2) - plan.services.clock.now())
    for member in (plan.member, plan.silent):
        await plan.defend(member)
    (report,) = await list_plans(plan.owner, uow=plan.services.uow(), clock=plan.services.clock)
    hour = timedelta(hours=1)
    assert (report.hours.kept, report.hours.due, report.hours.lost) == (3 * hour, 3 * hour,
                                                                        timedelta(0))
    assert (report.hours.skipped, report.hours.booked) == (hour, 7 * hour)


async def test_a_deleted_session_is_put_back_with_keep(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    third = (await plan.instances())[2]
    response = await graph_emulator.request("DELETE", f"/users/{plan.member}/events/{third['id']}")
    assert response.status == 204
    await plan.defend()
    await run_jobs(plan.service)
    (card,) = [a["attachments"][0]["content"]
               for a in connector.sent_to(f"a:personal-{plan.member}")]
    assert "har tagits bort" in texts(card)
    keep = actions(card)["slot.keep"]
    assert keep["title"] == "Lägg tillbaka den"

    answer = await plan.press(keep)
    assert texts(answer).startswith("Tillbakalagd: ")
    events = (await graph_emulator.control.objects("events", mailbox=plan.member))[plan.member]
    singles = [e for e in events if e["type"] == "singleInstance"]
    assert [utc(e["start"]["dateTime"][:19]) for e in singles] == [start_of(third)]
    again = await plan.defend()
    assert again.carded == 0
    stored = {s.key: s for s in await plan.stored()}
    put_back = stored[keep["data"]["occurrence_id"]]
    assert (put_back.outcome, put_back.decision) == (Outcome.BOOKED, Decision.KEPT)


async def test_refusals_and_graph_failures_answer_clearly_and_lose_nothing(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    card = await collide(plan, 1)
    move = actions(card)["slot.move"]

    # Someone else presses it (the card was forwarded, or its data forged).
    answer = await plan.press(move, user=plan.silent)
    assert "Bara den vars lärtid det är" in texts(answer)
    # Malformed ids, a malformed time, a time too far away.
    answer = await plan.press({"data": {**move["data"], "slot_id": "x"}})
    assert "Jag känner inte längre till det här tillfället" in texts(answer)
    for bad in ("tomorrow", "2020-01-01T09:00:00Z", iso(utc(move["data"]["move_to"])
                                                         + timedelta(days=30))):
        answer = await plan.press({"data": {**move["data"], "move_to": bad}})
        assert "Jag kunde inte använda den tiden" in texts(answer)
        assert set(actions(answer)) == {"slot.keep", "slot.skip"}  # answerable, no guess
        assert "Jag hittade ingen ledig tid" not in texts(answer)
    assert await decision_of(plan, card) is None

    # Outlook refuses or fails: the card comes back with the reason, nothing is recorded.
    instance = r"PATCH /users/[^/]+/events/"
    for status, code, words in (
        (403, "ErrorAccessDenied", "Jag får inte ändra din Outlook-kalender"),
        (404, "ErrorItemNotFound", "finns inte längre i din Outlook-kalender"),
        (429, "TooManyRequests", "Outlook är upptaget just nu"),
    ):
        await graph_emulator.control.set_limits(fail_next=[
            {"match": instance, "status": status, "code": code, "count": 2, "retry_after": 0.01},
        ])
        answer = await plan.press(move)
        assert words in texts(answer), texts(answer)
        assert "Jag hittade ingen ledig tid" not in texts(answer)  # no guess about free time
        # It can be answered again, the same time offered.
        assert actions(answer)["slot.move"]["data"] == move["data"]
        assert "slot.skip" in actions(answer)
        assert await decision_of(plan, card) is None
    await graph_emulator.control.set_limits(fail_next=[])

    # The suggested time was taken meanwhile: a new suggestion, nothing moved.
    taken = utc(move["data"]["move_to"])
    await graph_emulator.control.add_event(
        plan.member, subject="Late booking", start=iso(taken),
        end=iso(taken + timedelta(minutes=30)), show_as="busy",
    )
    answer = await plan.press(move)
    assert "Den tiden är inte längre ledig" in texts(answer)
    fresh = actions(answer)["slot.move"]
    assert fresh["data"]["move_to"] != move["data"]["move_to"]
    assert await decision_of(plan, card) is None

    # And the fresh one works: nothing was lost on the way.
    answer = await plan.press(fresh)
    assert texts(answer).startswith("Flyttad till ")
    assert await decision_of(plan, card) is Decision.MOVED


@pytest.mark.parametrize("change", ["edited", "cancelled", "passed"])
async def test_a_stale_card_says_so_and_changes_nothing(
    change: str,
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    card = await collide(plan, 1)
    if change == "edited":
        async with plan.services.uow() as tx:
            current = await tx.plans.get(plan.plan_id)
            await tx.plans.save(replace(current, revision=current.revision + 1))
            await tx.commit()
        expected = "Lärplanen har ställts in eller ändrats"
    elif change == "cancelled":
        slot = await plan.slot()
        async with plan.services.uow() as tx:
            await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=plan.services.clock.now())
            await tx.commit()
        expected = "Lärplanen har ställts in eller ändrats"
    else:
        session = (await plan.instances())[1]
        await plan.advance(start_of(session) + timedelta(minutes=5) - plan.services.clock.now())
        expected = "Tillfället har redan börjat eller ägt rum"
    before = await plan.instances()
    for verb in ("slot.move", "slot.keep", "slot.skip"):
        answer = await plan.press(actions(card)[verb])
        assert expected in texts(answer), texts(answer)
        assert "actions" not in answer
    assert await plan.instances() == before


async def test_an_older_client_answers_through_the_submit_fallback(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    card = await collide(plan, 1)
    skip = actions(card)["slot.skip"]
    assert skip["fallback"]["type"] == "Action.Submit"
    connector.activities.clear()
    await plan.service.post(an_activity(
        connector.service_url, value=skip["fallback"]["data"], user_aad=plan.member,
        conversation_id=f"a:personal-{plan.member}", locale="sv-SE",
    ))
    (_, reply), = await connector.wait_for(1)
    assert texts(reply["attachments"][0]["content"]).startswith("Överhoppad: ")
    assert await decision_of(plan, card) is Decision.SKIPPED


async def test_subjects_goals_and_names_stay_out_of_the_log(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True, cache=False)
    try:
        plan = await booked_plan(start_service, graph_emulator, connector)
        await plan.defend()
        card = await collide(plan, 1, "Divorce lawyer call")
        await plan.press(actions(card)["slot.move"])
        await plan.press(actions(card)["slot.skip"])  # stale by now: also logged without text
        output = capfd.readouterr().err
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()
    events = {json.loads(line)["event"] for line in output.splitlines() if line.startswith("{")}
    assert {"slot_collision_card", "slot_answered"} <= events
    for fragment in ("Divorce", "cloud security", "Astrid", "Lindqvist", "Anna Berg"):
        assert fragment not in output
