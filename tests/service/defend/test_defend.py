"""Defending booked learning time against the Graph emulator: the periodic scan through the job
worker counts each session, cards each new collision once in the member's language, reads only
the delta when nothing changed, and restarts a delta Graph forgot."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from teams_app.domain.occurrence_records import ScanState
from teams_app.domain.occurrences import Outcome
from teams_app.ports import JobState
from teams_app.use_cases.defend.collision_cards import COLLISION_CARD
from teams_app.use_cases.defend.scan import DEFEND_SCAN
from teams_app.use_cases.plans.reports import list_plans
from tests.card_texts import actions, texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import ZONE, booked_plan, iso, run_jobs, start_of


async def test_a_scan_counts_sessions_and_cards_each_new_collision_once(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
    database_url: str,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector, database_url=database_url)
    control = graph_emulator.control

    # The periodic scan, as the worker runs it: one job per mailbox, nothing to card yet.
    await plan.service.runtime.register_schedules()
    await run_jobs(plan.service)
    for member in (plan.member, plan.silent):
        stored = await plan.stored(member)
        assert [s.outcome for s in stored] == [Outcome.BOOKED] * 4
        assert all(s.event_id for s in stored)
    assert connector.activities == []

    # Work collides: a meeting over the member's second session, someone moves the fourth,
    # and the silent member (no chat with the bot) deletes their third.
    first, second, _, fourth = await plan.instances()
    await control.add_event(
        plan.member, subject="Sprint review", start=iso(start_of(second) - timedelta(minutes=30)),
        end=iso(start_of(second) + timedelta(minutes=30)), show_as="busy",
    )
    moved_to = start_of(fourth) + timedelta(hours=3)
    response = await graph_emulator.request(
        "PATCH", f"/users/{plan.member}/events/{fourth['id']}",
        json={"start": {"dateTime": iso(moved_to)[:19], "timeZone": "UTC"},
              "end": {"dateTime": iso(moved_to + timedelta(hours=1))[:19], "timeZone": "UTC"}},
    )
    assert response.status == 200, response.body
    third_silent = (await plan.instances(plan.silent))[2]
    response = await graph_emulator.request(
        "DELETE", f"/users/{plan.silent}/events/{third_silent['id']}"
    )
    assert response.status == 204, response.body

    await plan.service.runtime.advance_clock(timedelta(minutes=15))
    await plan.service.runtime.register_schedules()
    async with plan.services.uow() as tx:  # the next period's scan is due
        await tx.jobs.enqueue(DEFEND_SCAN, {}, idempotency_key="test-second-scan")
        await tx.commit()
    await run_jobs(plan.service)
    cards = [a["attachments"][0]["content"] for a in connector.sent_to(f"a:personal-{plan.member}")]
    assert len(cards) == 2
    by_title = {texts(c).splitlines()[0]: c for c in cards}
    overlap = next(c for title, c in by_title.items() if "Sprint review" in title)
    assert "krockar med ”Sprint review”" in texts(overlap)  # Swedish, the chat's language
    assert set(actions(overlap)) == {"slot.move", "slot.keep", "slot.skip"}
    assert actions(overlap)["slot.move"]["data"]["occurrence_id"] == start_of(second).strftime(
        "%Y%m%dT%H%MZ"
    )
    assert any("har flyttats" in title for title in by_title), list(by_title)
    stored = {s.key: s for s in await plan.stored()}
    assert [s.outcome for s in stored.values()] == [
        Outcome.BOOKED, Outcome.BOOKED, Outcome.BOOKED, Outcome.MOVED
    ]
    silent = await plan.stored(plan.silent)
    assert [s.outcome for s in silent] == [
        Outcome.BOOKED, Outcome.BOOKED, Outcome.LOST, Outcome.BOOKED
    ]
    async with plan.services.uow() as tx:  # the silent member's card could not go anywhere
        assert await tx.occurrences.card_misses(plan.plan_id) == [(plan.silent, "not_installed")]
    dead = [j.kind for j in await plan.service.runtime.jobs.list(JobState.DEAD)]
    assert COLLISION_CARD not in dead  # a member without a chat is recorded, not retried

    # Scanning again cards nothing twice.
    connector.activities.clear()
    for member in (plan.member, plan.silent):
        again = await plan.defend(member)
        assert again.carded == 0
    assert await run_jobs(plan.service) == 0
    assert connector.activities == []
    assert first  # the first session stays as booked


async def test_nothing_changed_means_one_delta_round_and_a_forgotten_delta_restarts(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    first = await plan.defend()
    assert first.read and first.new_delta and first.saved == 4

    await graph_emulator.control.clear_stats()
    quiet = await plan.defend()
    assert not quiet.read and not quiet.new_delta and quiet.carded == 0
    stats = await graph_emulator.control.stats()
    assert stats["total"] == 1, stats["requests"]  # the delta round, nothing else

    # Graph forgot the delta token (410 Gone): the scan opens a new window and reads again.
    await graph_emulator.control.set_limits(fail_next=[
        {"match": r"calendarView/delta", "status": 410, "code": "SyncStateNotFound", "count": 1},
    ])
    restarted = await plan.defend()
    assert restarted.new_delta and restarted.read
    async with plan.services.uow() as tx:
        state = await tx.occurrences.scan_state(plan.member)
    assert isinstance(state, ScanState) and state.delta_link

    # A week on, the window no longer reaches four weeks ahead: a new one is opened.
    await plan.advance(timedelta(days=8))
    later = await plan.defend()
    assert later.new_delta
    async with plan.services.uow() as tx:
        moved = await tx.occurrences.scan_state(plan.member)
    assert moved is not None and state is not None and moved.window.end > state.window.end


async def test_sessions_passed_are_counted_kept_or_lost(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    first, second, *_ = await plan.instances()
    await plan.defend()
    # A busy meeting over the second session, never answered: lost once it has passed.
    await graph_emulator.control.add_event(
        plan.member, subject="Board meeting", start=iso(start_of(second)),
        end=iso(start_of(second) + timedelta(hours=2)), show_as="busy",
    )
    now = plan.services.clock.now()
    await plan.advance(start_of(second) + timedelta(hours=3) - now)
    await plan.defend()
    outcomes = [s.outcome for s in await plan.stored()]
    assert outcomes == [Outcome.KEPT, Outcome.LOST, Outcome.BOOKED, Outcome.BOOKED]
    assert first


async def test_a_plan_whose_sessions_are_all_counted_costs_no_graph_call(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    last = (await plan.instances())[-1]
    await plan.advance(start_of(last) + timedelta(hours=2) - plan.services.clock.now())
    final = await plan.defend()
    assert final.read and final.saved == 4
    assert [s.outcome for s in await plan.stored()] == [Outcome.KEPT] * 4

    await graph_emulator.control.clear_stats()
    after = await plan.defend()
    assert (after.slots, after.read, after.saved) == (1, False, 0)
    assert (await graph_emulator.control.stats())["total"] == 0


async def test_a_session_on_a_day_out_of_office_counts_away_and_leaves_the_calendar(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    before = await plan.instances()
    day = start_of(before[1]).astimezone(ZoneInfo(ZONE)).date()
    await graph_emulator.control.add_event(  # a day off, as Outlook books one
        plan.member, subject="Vacation", show_as="oof", is_all_day=True,
        start={"dateTime": f"{day}T00:00:00", "timeZone": ZONE},
        end={"dateTime": f"{day + timedelta(days=1)}T00:00:00", "timeZone": ZONE},
    )

    result = await plan.defend()
    assert result.read and result.carded == 0  # a day away is no collision to defend
    await run_jobs(plan.service)
    assert connector.activities == []
    stored = await plan.stored()
    assert [s.outcome for s in stored] == [
        Outcome.BOOKED, Outcome.AWAY, Outcome.BOOKED, Outcome.BOOKED
    ]
    # Outlook: that day's session is gone, the others and the day off stay.
    after = await plan.instances()
    assert [start_of(i) for i in after] == [start_of(i) for i in before[:1] + before[2:]]
    events = (await graph_emulator.control.objects("events", mailbox=plan.member))[plan.member]
    assert any(e["subject"] == "Vacation" for e in events)

    # The removal is ours: scanning again cards nothing and the session stays away.
    again = await plan.defend()
    assert again.carded == 0
    assert [s.outcome for s in await plan.stored()][1] is Outcome.AWAY
    await plan.defend(plan.silent)  # in the office: all four of theirs stay booked
    (report,) = await list_plans(plan.owner, uow=plan.services.uow(), clock=plan.services.clock)
    hour = timedelta(hours=1)
    assert (report.hours.away, report.hours.booked, report.hours.lost) == (
        hour, 7 * hour, timedelta(0)
    )
