"""Helpers for the manager's plan card tests: the service with the Graph emulator, card data as
the Agents Playground sends it, and readers for the cards that come back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from graph import demo_org
from teams_app.jobs.plans.progress import start_booking_job
from teams_app.ports import JobState
from teams_app.use_cases.plans.progress import START_BOOKING
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.card_texts import nodes
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import start as start_plan_service

LEAD = demo_org.LEARNING_LEAD_ID
LEAD_NAME = demo_org.person(LEAD).display_name
REPORTS = demo_org.direct_reports(LEAD)
GOAL = "Finish the cloud security course"
CARD = "application/vnd.microsoft.card.adaptive"


def next_monday() -> str:
    today = datetime.now(UTC).date()
    return (today + timedelta(days=7 - today.weekday())).isoformat()


def plan_data(**changes: str | int | None) -> dict[str, Any]:
    """The plan card's data as the Playground sends it; None leaves an input out."""
    data: dict[str, Any] = {
        "verb": "plan.preview",
        "members": "reports",
        "mode": "personal",
        "cadence": "weekly",
        "preference": "any",
        "days": "mon,tue,wed,thu",
        "window_start": "09:00",
        "window_end": "16:00",
        "duration": "60",
        "starts_on": next_monday(),
        "occurrences": "4",
        "goal": GOAL,
        "material_url": "https://learn.example.com/cloud",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def start(
    start_service: ServiceFactory, emulator: GraphEmulator, **settings: Any
) -> RunningService:
    return await start_plan_service(start_service, emulator, **{
        "graph_max_retries": 2, "graph_retry_backoff_seconds": 0.01, "local_mode": True,
        **settings,
    })


async def execute(
    service: RunningService,
    connector: FakeConnector,
    verb: str,
    data: dict[str, Any] | None = None,
    *,
    user: str = LEAD,
    locale: str = "en-US",
    reply_to: str | None = None,
) -> dict[str, Any]:
    payload = {**(data or {}), "verb": verb}
    extra = {"replyToId": reply_to} if reply_to else {}
    status, body = await service.post(an_execute(
        connector.service_url, verb, payload, user_aad=user, user_name="Manager", locale=locale,
        **extra,
    ))
    assert status == 200, body
    assert body["statusCode"] == 200 and body["type"] == CARD, body
    card = body["value"]
    assert_valid_card(card)
    return card


def inputs(card: dict[str, Any]) -> dict[str, Any]:
    """Input id -> its value (None when empty), for every input on the card."""
    return {n["id"]: n.get("value") for n in nodes(card)
            if str(n.get("type", "")).startswith("Input.") and "id" in n}


def action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    found = next((n["data"] for n in nodes(card)
                  if n.get("type") == "Action.Execute" and n.get("verb") == verb), None)
    assert found is not None, f"no {verb} button"
    return found


async def plans_of(service: RunningService, owner: str = LEAD) -> list[Any]:
    async with service.runtime.services.uow() as tx:
        return await tx.plans.plans_of(owner)


async def run_jobs(service: RunningService, *, until_idle_for: float = 0.3) -> int:
    worker = service.runtime.worker(concurrency=4)
    ran, idle_since = 0, asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - idle_since < until_idle_for:
        done = await worker.run_once()
        ran += done
        if done:
            idle_since = asyncio.get_running_loop().time()
        await asyncio.sleep(0.02)
    return ran


async def run_book_jobs(service: RunningService) -> int:
    """Runs the queued "start booking" jobs by hand, and nothing else, as a worker would next:
    the plan's booking jobs and the card's first progress round are then queued. (The jobs
    stay queued; a worker running one again finds every member pending and queues nothing.)"""
    run = start_booking_job(service.runtime.services)
    started = [j for j in await service.runtime.jobs.list(JobState.QUEUED)
               if j.kind == START_BOOKING]
    for job in started:
        await run(job)
    return len(started)


def walk(node: Any) -> list[dict[str, Any]]:
    """Every object in a card, depth first."""
    found: list[dict[str, Any]] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            found.append(value)
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(node)
    return found


def walk_list(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's elements in reading order (column contents in place)."""
    return [n for n in walk(card) if "type" in n and not n["type"].startswith("Action")]
