"""Editing a booked plan from its cards, through the real aiohttp app, the job worker and the
Graph emulator: Preview of an edit books nothing, Save applies it, and a card made from an older
revision (or from before cards carried one) changes nothing and shows the plan as it is now.
What happened is read from the emulator's calendars and the database."""

from __future__ import annotations

from typing import Any

import pytest

from teams_app.domain.learning_plans import PlanStatus
from teams_app.domain.slot_events import slot_transaction_id
from tests.card_texts import all_texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.cards_support import (
    REPORTS,
    action_data,
    execute,
    plan_data,
    plans_of,
    run_jobs,
    start,
)
from tests.service.plans.support import events_of

MORNING = {"window_start": "10:00", "window_end": "12:00"}
AFTERNOON = {"window_start": "13:00", "window_end": "16:00"}
STALE = "This card was out of date, so nothing was changed"


async def calendars(emulator: GraphEmulator, plan_id: str) -> dict[str, list[tuple[str, str]]]:
    """Each report's live series of the plan, as (event id, start) from the emulator."""
    found: dict[str, list[tuple[str, str]]] = {}
    for person in REPORTS:
        member = person.object_id
        ours = {slot_transaction_id(plan_id, member, revision) for revision in range(1, 5)}
        found[member] = sorted(
            (e["id"], e["start"]["dateTime"]) for e in await events_of(emulator, member)
            if e.get("transactionId") in ours and not e.get("isCancelled")
        )
    return found


def starts_at(found: dict[str, list[tuple[str, str]]]) -> set[str]:
    """The local hours (HH) the series start at, in the event's own zone."""
    return {start[11:13] for series in found.values() for _, start in series}


async def booked_in_the_morning(
    service: RunningService, connector: FakeConnector
) -> tuple[str, dict[str, Any]]:
    """A plan booked 10:00-12:00; returns its id and its preview card (revision 1)."""
    preview = await execute(service, connector, "plan.preview", plan_data(**MORNING))
    await execute(service, connector, "plan.book", action_data(preview, "plan.book"))
    await run_jobs(service)
    (plan,) = await plans_of(service)
    return plan.id, preview


async def edit_form(service: RunningService, connector: FakeConnector, plan_id: str,
                    revision: int) -> dict[str, Any]:
    return await execute(service, connector, "plan.edit",
                         {"plan_id": plan_id, "revision": revision})


async def test_preview_of_an_edit_books_nothing_and_save_moves_the_series(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, _ = await booked_in_the_morning(service, connector)
    before = await calendars(graph_emulator, plan_id)
    assert all(len(series) == 1 for series in before.values())
    jobs_before = len(await service.runtime.jobs.list(limit=1000))

    form = await edit_form(service, connector, plan_id, 1)
    ids = action_data(form, "plan.preview")
    preview = await execute(service, connector, "plan.preview",
                            plan_data(**AFTERNOON, plan_id=ids["plan_id"],
                                      revision=ids["revision"]))
    assert "Proposed learning time" in all_texts(preview)
    await run_jobs(service)  # anything a preview queued would run now
    assert await calendars(graph_emulator, plan_id) == before  # every series where it was
    assert len(await service.runtime.jobs.list(limit=1000)) == jobs_before
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.spec.window.start.hour) == (1, 10)

    await execute(service, connector, "plan.save", action_data(preview, "plan.save"))
    await run_jobs(service)
    after = await calendars(graph_emulator, plan_id)
    assert all(len(series) == 1 for series in after.values())
    assert not {i for s in after.values() for i, _ in s} & {i for s in before.values()
                                                           for i, _ in s}
    assert starts_at(after) != starts_at(before)
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.spec.window.start.hour) == (2, 13)


async def test_book_on_a_preview_older_than_an_edit_changes_nothing_and_shows_the_plan_now(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, old_preview = await booked_in_the_morning(service, connector)
    edited = await execute(service, connector, "plan.preview",
                           plan_data(**AFTERNOON, plan_id=plan_id, revision=1))
    await execute(service, connector, "plan.save", action_data(edited, "plan.save"))
    await run_jobs(service)
    now = await calendars(graph_emulator, plan_id)
    jobs = len(await service.runtime.jobs.list(limit=1000))

    card = await execute(service, connector, "plan.book", action_data(old_preview, "plan.book"))
    text = all_texts(card)
    assert STALE in text and "Already booked" not in text
    assert "1:00\u2009–\u20094:00\u202fPM" in text  # the plan as it is now (en-US)
    assert action_data(card, "plan.edit") == {"verb": "plan.edit", "plan_id": plan_id,
                                              "revision": 2}
    await run_jobs(service)
    assert await calendars(graph_emulator, plan_id) == now
    assert len(await service.runtime.jobs.list(limit=1000)) == jobs
    async with service.runtime.services.uow() as tx:
        assert await tx.plans.progress(plan_id, 3) is None

    # Save on the same old edit preview: the edit is not applied twice.
    again = await execute(service, connector, "plan.save", action_data(edited, "plan.save"))
    assert STALE in all_texts(again)
    # Edit and Cancel on the old preview: the plan as it is now, nothing cancelled.
    for verb in ("plan.edit", "plan.cancel"):
        data = {"plan_id": plan_id, "revision": 1}
        assert STALE in all_texts(await execute(service, connector, verb, data)), verb
    await run_jobs(service)
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.status) == (2, PlanStatus.ACTIVE)
    assert await calendars(graph_emulator, plan_id) == now


async def test_cards_sent_before_revisions_change_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, _ = await booked_in_the_morning(service, connector)
    before = await calendars(graph_emulator, plan_id)
    for verb, data in (
        ("plan.book", {"plan_id": plan_id}),
        ("plan.cancel", {"plan_id": plan_id}),
        ("plan.preview", plan_data(**AFTERNOON, plan_id=plan_id)),  # the old edit card
        ("plan.book", plan_data(**AFTERNOON, plan_id=plan_id, verb="plan.book")),
    ):
        card = await execute(service, connector, verb, data)
        assert STALE in all_texts(card), verb
    # Edit changes nothing itself: an old Edit button opens the plan as it is now.
    form = await execute(service, connector, "plan.edit", {"plan_id": plan_id})
    assert action_data(form, "plan.save")["revision"] == 1
    await run_jobs(service)
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.status) == (1, PlanStatus.ACTIVE)
    assert await calendars(graph_emulator, plan_id) == before


@pytest.mark.parametrize("revision", ["1", 1.5, True, 0, -1, 7, [1], {"n": 1}])
async def test_a_tampered_revision_is_refused_clearly(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, revision: Any,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(preview, "plan.book")["plan_id"]
    refused = "I cannot read this card's plan details, so nothing was changed"
    for verb in ("plan.book", "plan.cancel", "plan.edit"):
        card = await execute(service, connector, verb, {"plan_id": plan_id, "revision": revision})
        assert refused in all_texts(card), verb
    card = await execute(service, connector, "plan.save",
                         plan_data(**AFTERNOON, plan_id=plan_id, revision=revision))
    assert refused in all_texts(card)
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.status) == (1, PlanStatus.ACTIVE)
    async with service.runtime.services.uow() as tx:
        assert await tx.plans.progress(plan_id, 1) is None  # nothing booked
