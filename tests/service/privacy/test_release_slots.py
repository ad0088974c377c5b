"""Erasing a person releases their slots: their learning series leave their calendar (the
recorded series and any other series carrying the plan's mark for them), the other member's
series stay. Erased through the confirmation card over HTTP and through the admin CLI; a Graph
outage during the release finishes when the job is retried. The Graph emulator's store is the
store of record."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from cards import verbs
from graph.calendar_mapping import SLOT_PROPERTY
from teams_app.cli.main import app
from teams_app.domain.slot_events import slot_marker
from teams_app.ports import JobState
from teams_app.ports.privacy import RELEASE_SERIES
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs
from tests.service.plans.support import jobs_of


async def marked(booked: Booked, member: str) -> list[dict[str, Any]]:
    """The member's live events carrying the plan's mark for them."""
    mark = slot_marker(booked.plan_id, member)
    events = (await booked.emulator.control.objects("events", mailbox=member)).get(member, [])
    return [e for e in events if not e.get("isCancelled") and any(
        p.get("value") == mark for p in e.get("singleValueExtendedProperties") or [])]


async def a_lost_series(booked: Booked, member: str) -> str:
    """A series with the plan's mark the service never recorded (a create whose answer was
    lost), made straight in the emulator."""
    made = await booked.emulator.request("POST", f"/users/{member}/events", json={
        "subject": "Lärtid", "start": {"dateTime": "2030-01-07T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
        "singleValueExtendedProperties": [
            {"id": SLOT_PROPERTY, "value": slot_marker(booked.plan_id, member)}],
    })
    assert made.status == 201, made.body
    return str(made.body["id"])


async def erase_by_card(booked: Booked, person: str) -> dict[str, Any]:
    async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
        status, body = await booked.service.post(an_execute(
            booked.connector.service_url, verb, {"verb": verb, **data}, user_aad=person,
            conversation_id=f"a:personal-{person}", locale="sv-SE"))
        assert status == 200, body
        assert_valid_card(body["value"])
        return dict(body["value"])

    confirm = await press(verbs.PRIVACY_ERASE_ASK, {})
    (erase,) = [a for a in confirm["actions"] if a.get("verb") == verbs.PRIVACY_ERASE]
    return await press(verbs.PRIVACY_ERASE,
                       {k: v for k, v in erase["data"].items() if k != "verb"})


async def privacy_cli(booked: Booked, *args: str) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": booked.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": booked.emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
    }
    return await asyncio.to_thread(CliRunner().invoke, app, ["privacy", *args], env=env,
                                   catch_exceptions=False)


async def test_erasing_by_the_card_releases_their_series_and_leaves_the_others(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    lost = await a_lost_series(booked, booked.member)
    assert len(await marked(booked, booked.member)) == 2
    others = await marked(booked, booked.silent)
    assert len(others) == 1

    erased = await erase_by_card(booked, booked.member)
    assert "Dina uppgifter är raderade" in str(erased)
    await run_jobs(booked.service)

    assert await marked(booked, booked.member) == []
    left = (await graph_emulator.control.objects("events", mailbox=booked.member))
    assert lost not in {e["id"] for e in left.get(booked.member, [])}
    assert [e["id"] for e in await marked(booked, booked.silent)] == [o["id"] for o in others]
    async with booked.services.uow() as tx:
        assert [m.member_id for m in await tx.plans.members(booked.plan_id)] == [booked.silent]


async def test_erasing_from_the_cli_releases_their_series(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    done = await privacy_cli(booked, "erase", "--person", booked.silent, "--yes")
    assert done.exit_code == 0, done.output
    assert "slots: 1" in done.output and "memberships: 1" in done.output
    await run_jobs(booked.service)
    assert await marked(booked, booked.silent) == []
    assert len(await marked(booked, booked.member)) == 1


async def test_a_graph_outage_during_the_release_finishes_when_the_job_is_retried(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    # A retry a minute after a failure, so the outage can be seen before the retry runs.
    booked = await booked_plan(start_service, graph_emulator, connector,
                               job_backoff_base=60.0, job_backoff_max=60.0)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"DELETE /users/{booked.member}/events", "status": 503,
         "retry_after": 0.01, "count": 1000}])
    await erase_by_card(booked, booked.member)

    worker = booked.service.runtime.worker(concurrency=1)
    assert await worker.run_once() >= 1  # the release meets the outage and fails
    (release, *_) = [j for j in await jobs_of(booked.service, RELEASE_SERIES)
                     if j.payload["event_ids"]]
    assert release.attempts == 1 and release.state is JobState.QUEUED  # to be retried
    assert len(await marked(booked, booked.member)) == 1  # still in the calendar

    await graph_emulator.control.set_limits(fail_next=[])
    await booked.advance(timedelta(minutes=2))
    await run_jobs(booked.service)
    (release,) = [j for j in await jobs_of(booked.service, RELEASE_SERIES)
                  if j.id == release.id]
    assert release.state is JobState.DONE
    assert await marked(booked, booked.member) == []
    assert len(await marked(booked, booked.silent)) == 1


async def test_a_plan_the_person_owns_is_shown_and_stays_when_they_are_erased(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    status, body = await booked.service.post(an_execute(
        booked.connector.service_url, verbs.PRIVACY_SHOW, {"verb": verbs.PRIVACY_SHOW},
        user_aad=booked.owner, conversation_id=f"a:personal-{booked.owner}", locale="en-GB"))
    assert status == 200, body
    shown = str(body["value"])
    assert "Plans you own" in shown and "They stay until you cancel them" in shown

    done = await privacy_cli(booked, "erase", "--person", booked.owner, "--yes")
    assert done.exit_code == 0, done.output
    await run_jobs(booked.service)
    async with booked.services.uow() as tx:
        plan = await tx.plans.get(booked.plan_id)
    assert plan is not None and plan.owner_id == booked.owner
    assert len(await marked(booked, booked.member)) == 1
    assert len(await marked(booked, booked.silent)) == 1
