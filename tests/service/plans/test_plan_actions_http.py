"""The manager's plan actions through the real aiohttp app and job worker, with the Graph
emulator: Book (from the plan card, from the preview, pressed again, after an edit), Edit,
Cancel, the plans list with kept of booked hours, and notices for plans that are gone or not
the sender's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graph import demo_org
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import SlotRef, StoredOccurrence
from teams_app.domain.occurrences import Outcome, occurrence_key
from tests.builders import an_activity
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts, card_of, elements
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.plans.cards_support import (
    GOAL,
    LEAD,
    REPORTS,
    action_data,
    execute,
    inputs,
    plan_data,
    plans_of,
    run_book_jobs,
    run_jobs,
    start,
)


async def test_book_straight_from_the_plan_card_stores_and_books(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    assert "Booking learning time" in all_texts(card)
    (plan,) = await plans_of(service)
    assert await run_jobs(service) >= 1
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, plan.revision)
    assert progress is not None and progress.done == len(REPORTS)


async def test_book_pressed_again_while_booking_runs_follows_the_same_run(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    book = action_data(preview, "plan.book")
    first = await execute(service, connector, "plan.book", book, reply_to="card-1")
    assert "Finding the best times" in all_texts(first)
    await run_book_jobs(service)
    queued = await service.runtime.jobs.list()
    again = await execute(service, connector, "plan.book", book, reply_to="card-1")
    assert f"Booking 0 of {len(REPORTS)}" in all_texts(again)
    assert len(await service.runtime.jobs.list()) == len(queued)  # nothing started twice
    await run_jobs(service)
    (plan,) = await plans_of(service)
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, plan.revision)
    assert progress is not None and (progress.total, progress.done) == (len(REPORTS),) * 2


async def test_save_after_an_edit_that_moves_time_follows_the_rebooking(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    (plan,) = await plans_of(service)
    edited = await execute(service, connector, "plan.preview", plan_data(
        plan_id=plan.id, revision=1, window_start="13:00", window_end="16:00"))
    card = await execute(service, connector, "plan.save", action_data(edited, "plan.save"))
    # Save queued the rebooking; its card shows it running rather than "all booked" already.
    assert f"0 of {len(REPORTS)}" in all_texts(card)
    await run_jobs(service)
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, 2)
        slots = [s for s in await tx.plans.slots(plan.id) if s.revision == 2]
    assert progress is not None and progress.done == len(REPORTS)
    assert len(slots) == len(REPORTS) and all(s.start.hour >= 13 for s in slots)


# --- edit, cancel, not yours, gone --------------------------------------------------------------


async def test_edit_fills_the_card_preview_stores_nothing_and_save_makes_a_new_revision(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data(duration="45"))
    plan_id = action_data(preview, "plan.edit")["plan_id"]

    card = await execute(service, connector, "plan.edit", {"plan_id": plan_id})
    shown = inputs(card)
    assert "Edit learning plan" in all_texts(card)
    assert (shown["duration"], shown["goal"], shown["members"]) == (45, GOAL, "reports")
    assert shown["days"] == "mon,tue,wed,thu"
    assert action_data(card, "plan.preview")["plan_id"] == plan_id
    assert action_data(card, "plan.save")["revision"] == 1

    edited = await execute(service, connector, "plan.preview",
                           plan_data(duration="30", plan_id=plan_id, revision=1))
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.spec.duration_minutes) == (1, 45)  # a preview stores nothing
    await execute(service, connector, "plan.save", action_data(edited, "plan.save"))
    (plan,) = await plans_of(service)
    assert (plan.id, plan.revision, plan.spec.duration_minutes) == (plan_id, 2, 30)


async def test_someone_else_s_plan_is_not_theirs_to_change(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(preview, "plan.book")["plan_id"]
    other = demo_org.MAARTEN_DE_VRIES  # a manager too, but not of this plan
    for verb in ("plan.edit", "plan.book", "plan.cancel"):
        card = await execute(service, connector, verb, {"plan_id": plan_id, "revision": 1},
                             user=other)
        assert "Only the person who created this plan can change it" in all_texts(card), verb
    card = await execute(service, connector, "plan.preview",
                         plan_data(plan_id=plan_id, revision=1, goal="Hijacked"), user=other)
    assert "Only the person who created this plan can change it" in all_texts(card)
    assert inputs(card)["goal"] == "Hijacked"  # the answers stay on the card
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.spec.goal) == (1, GOAL)


async def test_an_unknown_plan_gets_a_clear_notice(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    for verb in ("plan.edit", "plan.book", "plan.cancel"):
        card = await execute(service, connector, verb, {"plan_id": "no-such-plan", "revision": 1})
        assert "I cannot find this plan any more" in all_texts(card), verb
    card = await execute(service, connector, "plan.book", {})
    assert "I cannot find this plan any more" in all_texts(card)


async def test_graph_down_when_booking_from_the_preview_offers_to_try_again(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(preview, "plan.book")["plan_id"]
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "getSchedule", "status": 503, "retry_after": 0.01, "count": 10},
    ])
    card = await execute(service, connector, "plan.book", {"plan_id": plan_id, "revision": 1})
    assert "Outlook or the directory did not answer" in all_texts(card)
    assert action_data(card, "plan.book") == {"verb": "plan.book", "plan_id": plan_id,
                                              "revision": 1}


async def test_plans_lists_the_manager_s_plans_and_discard_removes_a_draft(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.preview", plan_data(goal="Read the Kafka book"))
    second = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(second, "plan.book")["plan_id"]

    await service.post(an_activity(connector.service_url, text="Plans", user_aad=LEAD))
    (_, answer), = await connector.wait_for(1)
    listed = card_of(answer)
    assert_valid_card(listed)
    content = all_texts(listed)
    assert "Your learning plans" in content
    assert GOAL in content and "Read the Kafka book" in content
    assert "Not booked yet" in content and "Your direct reports" in content

    # Neither is booked: the list offers Discard (the newest plan comes first).
    discard = action_data(listed, "plan.discard")
    assert discard == {"verb": "plan.discard", "plan_id": plan_id, "revision": 1}
    after = await execute(service, connector, "plan.discard", discard)
    assert GOAL not in all_texts(after) and "Read the Kafka book" in all_texts(after)
    cancel = {**discard, "verb": "plan.cancel"}  # Cancel works on a draft too
    again = await execute(service, connector, "plan.cancel", cancel)
    assert "Read the Kafka book" in all_texts(again)  # a second press changes nothing
    assert len(await plans_of(service)) == 1


async def test_plans_shows_booked_members_and_the_list_button(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    listed = await execute(service, connector, "plans.list")
    content = all_texts(listed)
    assert f"{len(REPORTS)} people" in content
    assert "No sessions have taken place yet" in content
    assert action_data(listed, "plan.new") == {"verb": "plan.new"}
    new = await execute(service, connector, "plan.new", {}, locale="de-DE")
    assert "Lernzeit planen" in all_texts(new)


async def test_plans_show_kept_of_booked_hours_of_the_sessions_held_so_far(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    (plan,) = await plans_of(service)
    now = service.runtime.services.clock.now()

    def session(member: str, days_ago: int, outcome: Outcome, hours: float = 1.0) -> Any:
        start = now - timedelta(days=days_ago)
        span = TimeSpan(start, start + timedelta(hours=hours))
        return StoredOccurrence(SlotRef(plan.id, member, 1), occurrence_key(start), span, outcome)

    first, second = REPORTS[0].object_id, REPORTS[1].object_id
    async with service.runtime.services.uow() as tx:
        await tx.occurrences.save_occurrences([
            session(first, 14, Outcome.KEPT),
            session(first, 7, Outcome.LOST, 0.75),  # a quarter hour: 2.25, not 2.2
            session(second, 7, Outcome.KEPT, 0.5),
            session(second, -7, Outcome.BOOKED),  # still ahead: not counted yet
        ], at=now)
        await tx.commit()
    for locale, line in (("en-US", "1.5 of 2.25 hours kept"), ("de-DE", "1,5 von 2,25"),
                         ("sv-SE", "1,5 av 2,25"), ("nl-NL", "1,5 van 2,25")):
        listed = await execute(service, connector, "plans.list", locale=locale)
        assert line in all_texts(listed), all_texts(listed)
    (chart,) = elements(listed, "Chart.")
    assert [p["value"] for p in chart["data"][0]["data"]] == [1.5, 0.75]


async def test_clients_without_universal_actions_get_the_card_as_a_message(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    # The cards' Action.Submit fallback: a message whose value carries the verb and the inputs.
    await service.post(an_activity(connector.service_url, user_aad=LEAD, locale="sv-SE",
                                   value=plan_data(duration="300")))
    await service.post(an_activity(connector.service_url, user_aad=LEAD,
                                   value={"verb": "plans.list"}))
    (_, form), (_, listed) = await connector.wait_for(2)
    assert "Längden måste vara mellan 15 och 240 minuter" in all_texts(card_of(form))
    assert inputs(card_of(form))["duration"] == 300
    assert "Your learning plans" in all_texts(card_of(listed))
