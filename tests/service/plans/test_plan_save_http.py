"""Save on an edit says what it did: the card follows the jobs that carry the edit to the booked
series and ends with how many moved, were updated in place or stayed as they were -- never
"Booked now 0 / Already booked 7". Through the real aiohttp app, the job worker and the Graph
emulator; the counts are checked against the emulator's calendars."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from teams_app.use_cases.plans.changes import update_slot_texts
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.cards_support import (
    REPORTS,
    action_data,
    execute,
    plan_data,
    run_jobs,
    start,
)
from tests.service.plans.test_plan_edits_http import (
    AFTERNOON,
    MORNING,
    booked_in_the_morning,
    calendars,
    edit_form,
)

NEW_GOAL = "Read the chapter on threat modelling"


async def summary_after_jobs(service: RunningService, connector: FakeConnector) -> str:
    """Runs the jobs and the card's rounds until the card shows its summary; its texts."""
    for _ in range(10):
        await run_jobs(service, until_idle_for=0.1)
        if connector.updates:
            card = card_of(connector.updates[-1][2])
            assert_valid_card(card)
            if "Plan changed" in all_texts(card):
                return all_texts(card)
        await service.runtime.advance_clock(timedelta(seconds=3))
    raise AssertionError("the card never showed its summary")


def facts(text: str) -> dict[str, int]:
    lines = text.split("\n")
    names = ("Moved", "Updated", "Unchanged", "Booked now", "Could not book")
    return {n: int(lines[lines.index(n) + 1]) for n in names if n in lines}


async def save(service: RunningService, connector: FakeConnector, plan_id: str,
               **answers: Any) -> dict[str, Any]:
    preview = await execute(service, connector, "plan.preview",
                            plan_data(**answers, plan_id=plan_id, revision=1))
    card = await execute(service, connector, "plan.save", action_data(preview, "plan.save"),
                         reply_to="card-9")
    assert "Changing learning time" in all_texts(card)
    return card


async def test_the_edit_card_says_save_not_book(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, _ = await booked_in_the_morning(service, connector)
    form = await edit_form(service, connector, plan_id, 1)
    titles = {a["verb"]: a["title"] for a in form["actions"]}
    assert titles == {"plan.preview": "Preview", "plan.save": "Save"}
    preview = await execute(service, connector, "plan.preview",
                            plan_data(**AFTERNOON, plan_id=plan_id, revision=1))
    assert [a["title"] for a in preview["actions"]] == ["Save", "Edit"]


async def test_save_of_a_new_time_says_how_many_series_moved(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, _ = await booked_in_the_morning(service, connector)
    before = await calendars(graph_emulator, plan_id)
    await save(service, connector, plan_id, **AFTERNOON)
    text = await summary_after_jobs(service, connector)

    after = await calendars(graph_emulator, plan_id)
    moved = sum(after[m] != before[m] and len(after[m]) == 1 for m in before)
    assert moved == len(REPORTS)
    assert facts(text) == {"Moved": moved, "Updated": 0, "Unchanged": 0}
    assert f"The change reached {moved} of {moved} calendars" in text
    assert "Already booked" not in text


async def test_save_of_new_texts_says_how_many_were_updated_and_which_stayed(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, _ = await booked_in_the_morning(service, connector)
    before = await calendars(graph_emulator, plan_id)
    gone = REPORTS[0].object_id  # deleted their series by hand: it cannot be updated
    ((event_id, _),) = before[gone]
    deleted = await graph_emulator.request("DELETE", f"/users/{gone}/events/{event_id}")
    assert deleted.status == 204
    await save(service, connector, plan_id, **MORNING, goal=NEW_GOAL)
    text = await summary_after_jobs(service, connector)

    after = await calendars(graph_emulator, plan_id)
    assert {m: s for m, s in after.items() if m != gone} == {
        m: s for m, s in before.items() if m != gone}  # the same series, in place
    updated = 0
    for person in REPORTS[1:]:
        (event_id, _), = after[person.object_id]
        event = await graph_emulator.request("GET", f"/users/{person.object_id}/events/{event_id}")
        updated += NEW_GOAL in event.body["subject"]
    assert updated == len(REPORTS) - 1
    assert facts(text) == {"Moved": 0, "Updated": updated, "Unchanged": 1}
    # A job that runs again (a retry after it counted) counts nothing twice.
    services = service.runtime.services
    assert services.calendar is not None
    for member in (REPORTS[1].object_id, gone):
        await update_slot_texts(plan_id, member, 1, 2, uow=services.uow,
                                calendar=services.calendar, clock=services.clock)
    async with services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 2)
    assert progress is not None and (progress.done, progress.failed) == (updated, 1)
