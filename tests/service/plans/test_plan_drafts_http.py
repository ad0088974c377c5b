"""Drafts nobody booked (a preview left behind) can be discarded, from the preview or the plans
list, and come after the real plans in the list; a plan booking has touched cannot be discarded.
Through the real aiohttp app with the Graph emulator; read back from the database."""

from __future__ import annotations

from typing import Any

from teams_app.domain.learning_plans import PlanStatus
from tests.card_texts import all_texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.cards_support import (
    LEAD,
    action_data,
    execute,
    plan_data,
    run_jobs,
    start,
    walk,
)


async def statuses(service: RunningService) -> dict[str, PlanStatus]:
    async with service.runtime.services.uow() as tx:
        plans = await tx.plans.plans_of(LEAD, include_cancelled=True)
    return {p.spec.goal: p.status for p in plans}


def list_entries(card: dict[str, Any]) -> list[tuple[str, str]]:
    """(goal, the verb its confirmation sends) per plan, in the order the list shows them."""
    found: list[tuple[str, str]] = []
    for node in walk(card):
        if node.get("type") == "Container" and node.get("separator"):
            texts = [n["text"] for n in walk(node) if n.get("type") == "TextBlock"]
            verbs = [n["verb"] for n in walk(node) if n.get("type") == "Action.Execute"
                     and n["verb"] in ("plan.cancel", "plan.discard")]
            found.append((texts[0], verbs[0]))
    return found


async def test_drafts_come_after_real_plans_and_can_be_discarded(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.preview", plan_data(goal="Abandoned one"))
    booked = await execute(service, connector, "plan.preview", plan_data(goal="Booked plan"))
    await execute(service, connector, "plan.book", action_data(booked, "plan.book"))
    await run_jobs(service)
    second = await execute(service, connector, "plan.preview", plan_data(goal="Abandoned two"))

    listed = await execute(service, connector, "plans.list")
    assert list_entries(listed) == [("Booked plan", "plan.cancel"),
                                    ("Abandoned two", "plan.discard"),
                                    ("Abandoned one", "plan.discard")]

    # From the preview card.
    after = await execute(service, connector, "plan.discard", action_data(second, "plan.discard"))
    assert [goal for goal, _ in list_entries(after)] == ["Booked plan", "Abandoned one"]
    # From the plans list (the confirmation's button).
    discard = [n["data"] for n in walk(after) if n.get("verb") == "plan.discard"
               and n.get("type") == "Action.Execute"]
    after = await execute(service, connector, "plan.discard", discard[0])
    assert [goal for goal, _ in list_entries(after)] == ["Booked plan"]
    assert await statuses(service) == {"Booked plan": PlanStatus.ACTIVE,
                                       "Abandoned one": PlanStatus.CANCELLED,
                                       "Abandoned two": PlanStatus.CANCELLED}


async def test_a_booked_plan_cannot_be_discarded(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    await execute(service, connector, "plan.book", action_data(preview, "plan.book"))
    await run_jobs(service)
    card = await execute(service, connector, "plan.discard", action_data(preview, "plan.discard"))
    assert "This plan has been booked, so it cannot be discarded" in all_texts(card)
    assert set((await statuses(service)).values()) == {PlanStatus.ACTIVE}
    stale = await execute(service, connector, "plan.discard",
                          {"plan_id": action_data(preview, "plan.book")["plan_id"]})
    assert "This card was out of date" in all_texts(stale)  # no revision: changes nothing
