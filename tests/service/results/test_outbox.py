"""The outbox into SharePoint: every response stored once in the database, written once to its
list, in order; an outage of any length loses nothing, a throttling storm makes no duplicate,
a write whose answer was lost is not written twice, and a refused row is set aside, not lost.
Counts come from the emulator's lists: SharePoint is the store of record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from teams_app.bootstrap import Runtime
from teams_app.domain.forms.answers import other_key, validate_answers
from teams_app.domain.results.items import response_fields
from teams_app.domain.results.lists import ListKind, results_list
from teams_app.ports import JobState
from teams_app.ports.results import OUTBOX_DRAIN
from teams_app.use_cases.results.outbox import DrainReport, drain_outbox
from tests.graph.conftest import GraphEmulator
from tests.service.results.support import CHECKINS, lists_of, provision, stored_keys, stored_list

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ITEM_WRITES = "(POST|PATCH) /sites/\\{site\\}/lists/\\{list\\}/items"


async def add(runtime: Runtime, *keys: str, kind: str = "checkin") -> None:
    """What the response-storing use case does: the row in the response's own transaction."""
    async with runtime.services.uow() as tx:
        for key in keys:
            await tx.outbox.add(kind, key, {"CampaignId": "c-1", "SubmittedAt": AT,
                                            "PersonId": None, "FormKey": "learning_checkin",
                                            "FormVersion": 1, "used_time": "partly",
                                            "obstacles": ("meeting", "technical")})
        await tx.commit()


async def drain(runtime: Runtime, owner: str = "test") -> DrainReport:
    return await drain_outbox(uow=runtime.services.uow, lists=lists_of(runtime),
                              clock=runtime.clock, owner=owner)


async def drain_until_empty(runtime: Runtime, *, rounds: int = 200) -> list[DrainReport]:
    reports = []
    for _ in range(rounds):
        report = await drain(runtime)
        reports.append(report)
        if report.stopped is None:
            return reports
        await asyncio.sleep(min(report.retry_after or 0.05, 1.0))
    raise AssertionError(f"still pending after {rounds} drains: {reports[-3:]}")


async def counts(runtime: Runtime) -> tuple[int, int, int]:
    async with runtime.services.uow(read_only=True) as tx:
        found = await tx.outbox.counts()
    return found.pending, found.written, found.failed


async def test_rows_land_once_in_order_with_typed_fields(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    keys = [f"r-{n:03}" for n in range(25)]
    await add(runtime, *keys)
    await graph_emulator.control.clear_stats()

    report = await drain(runtime)

    assert report == DrainReport(written=25)
    assert await stored_keys(graph_emulator) == keys
    item = (await stored_list(graph_emulator, CHECKINS))["items"][0]["fields"]
    assert item["obstacles"] == ["meeting", "technical"] and item["FormVersion"] == 1
    assert item["SubmittedAt"] == "2026-03-02T09:00:00Z" and "PersonId" not in item
    assert await counts(runtime) == (0, 25, 0)
    stats = await graph_emulator.control.stats()
    assert stats["resource_units"] == 25 * 2  # first writes: a create each, no look-up


async def test_an_outage_loses_nothing(runtime: Runtime, graph_emulator: GraphEmulator) -> None:
    await provision(runtime)
    keys = [f"r-{n}" for n in range(10)]
    await add(runtime, *keys)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "/items", "status": 503, "retry_after": 0.01, "count": 40}])

    outage = [await drain(runtime) for _ in range(4)]  # each gives up after the retries

    assert all(r.stopped == "unavailable" and r.written == 0 for r in outage)
    assert [r.tries for r in outage] == [1, 2, 3, 4]
    follow_ups = [j for j in await runtime.jobs.list(JobState.QUEUED)
                  if (j.idempotency_key or "").startswith(f"{OUTBOX_DRAIN}:after:")]
    now = runtime.clock.now()
    assert follow_ups and all(now < j.run_at <= now + timedelta(seconds=61) for j in follow_ups)
    assert await stored_keys(graph_emulator) == []
    assert await counts(runtime) == (10, 0, 0)
    async with runtime.services.uow(read_only=True) as tx:
        assert (await tx.outbox.counts()).last_error == "unavailable:503"
    await drain_until_empty(runtime)
    assert await stored_keys(graph_emulator) == keys
    assert await counts(runtime) == (0, 10, 0)


async def test_a_throttling_storm_makes_no_duplicate(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    keys = [f"r-{n:03}" for n in range(60)]
    await add(runtime, *keys)
    # A low limit the client paces itself under, and 429s SharePoint sends regardless.
    await graph_emulator.control.set_limits(
        resource_units_per_minute=12, resource_unit_window_s=0.3,
        fail_next=[{"match": ITEM_WRITES, "status": 429, "retry_after": 0.01, "count": 15}])

    reports = await drain_until_empty(runtime)

    assert await stored_keys(graph_emulator) == keys  # each once, in order
    stats = await graph_emulator.control.stats()
    assert stats["throttled"] >= 15
    assert any(r.stopped == "throttled" for r in reports)  # stopped, and resumed later
    assert await counts(runtime) == (0, 60, 0)


async def test_a_write_whose_answer_was_lost_is_not_written_twice(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    await add(runtime, "r-1", "r-2")
    # SharePoint makes the item, then the connection drops before the answer arrives.
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "POST /sites/\\{site\\}/lists/\\{list\\}/items", "status": "lost"}])

    lost = await drain(runtime)
    assert lost.stopped == "unavailable" and lost.written == 0
    assert await stored_keys(graph_emulator) == ["r-1"]  # there, though we were not told

    await drain_until_empty(runtime)
    assert await stored_keys(graph_emulator) == ["r-1", "r-2"]


async def test_an_item_already_in_sharepoint_is_updated_not_duplicated(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    checkins = await stored_list(graph_emulator, CHECKINS)
    await graph_emulator.control.add_list_items(checkins["siteId"], checkins["id"], [
        {"LoopKey": "r-1", "Title": "r-1", "used_time": "no"}])
    await add(runtime, "r-1", "r-2")
    await add(runtime, "r-2")  # an edit of r-2 after it was stored

    assert (await drain(runtime)).written == 3

    items = (await stored_list(graph_emulator, CHECKINS))["items"]
    assert sorted(i["fields"]["LoopKey"] for i in items) == ["r-1", "r-2"]
    assert {i["fields"]["used_time"] for i in items} == {"partly"}


async def test_a_refused_row_is_set_aside_then_repaired_by_provision(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    checkins = await stored_list(graph_emulator, CHECKINS)
    await graph_emulator.request(
        "DELETE", f"/sites/{checkins['siteId']}/lists/{checkins['id']}/columns/obstacles")
    await add(runtime, "r-1")
    async with runtime.services.uow() as tx:
        await tx.outbox.add("checkin", "r-2", {"CampaignId": "c-1"})
        await tx.commit()

    first = await drain(runtime)
    assert (first.written, first.failed) == (1, 1)
    assert await stored_keys(graph_emulator) == ["r-2"]
    async with runtime.services.uow(read_only=True) as tx:
        assert (await tx.outbox.counts()).failed_by_reason == {"rejected:400": 1}

    report = await provision(runtime)
    assert report.requeued == 1
    assert (await drain(runtime)).written == 1
    assert sorted(await stored_keys(graph_emulator)) == ["r-1", "r-2"]


async def test_rows_wait_for_provisioning(runtime: Runtime, graph_emulator: GraphEmulator) -> None:
    await add(runtime, "r-1")
    assert (await drain(runtime)).stopped == "not_provisioned"
    await provision(runtime)
    assert (await drain(runtime)).written == 1
    assert await stored_keys(graph_emulator) == ["r-1"]


async def test_one_drain_at_a_time(runtime: Runtime, graph_emulator: GraphEmulator) -> None:
    await provision(runtime)
    await add(runtime, *[f"r-{n:02}" for n in range(30)])
    await graph_emulator.control.set_limits(latency_ms=5)

    reports = await asyncio.gather(drain(runtime, "a"), drain(runtime, "b"))

    assert sorted(r.stopped or "" for r in reports) == ["", "busy"]
    assert await stored_keys(graph_emulator) == [f"r-{n:02}" for n in range(30)]


async def test_adding_queues_a_drain_job_the_worker_runs(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    await add(runtime, "r-1", "r-2")
    jobs = await runtime.jobs.list(JobState.QUEUED)
    assert [j.kind for j in jobs] == [OUTBOX_DRAIN]  # one job for the burst

    await runtime.worker().run_once()

    assert await stored_keys(graph_emulator) == ["r-1", "r-2"]


async def test_response_fields_from_the_forms_are_what_sharepoint_takes(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    forms = await runtime.form_catalog().every_version()
    checkin = next(f for f in forms if f.key == "learning_checkin")
    answers = validate_answers(checkin, {
        "used_time": "partly", "worked_on": "Å" * 1000, "obstacles": "meeting,other",
        other_key("obstacles"): "Moving house", "will_apply": "Ask for review earlier"})
    fields = response_fields(results_list(forms, ListKind.CHECKIN), answers,
                             response_key="r-1", campaign_id="c-1", submitted_at=AT,
                             person_id=None)
    async with runtime.services.uow() as tx:
        await tx.outbox.add(ListKind.CHECKIN.value, "r-1", fields)
        await tx.commit()

    assert (await drain(runtime)).written == 1

    item = (await stored_list(graph_emulator, CHECKINS))["items"][0]["fields"]
    assert item["obstacles"] == ["meeting", "other"]
    assert item["obstacles_other"] == "Moving house" and len(item["worked_on"]) == 1000
    assert item["SubmittedAt"] == "2026-03-02T00:00:00Z" and "PersonId" not in item


async def test_a_deleted_list_waits_for_provisioning(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    checkins = await stored_list(graph_emulator, CHECKINS)
    await graph_emulator.request("DELETE", f"/sites/{checkins['siteId']}/lists/{checkins['id']}")
    await add(runtime, "r-1")

    assert (await drain(runtime)).stopped == "list_not_found"
    assert await counts(runtime) == (1, 0, 0)
    await provision(runtime)
    assert (await drain(runtime)).written == 1
    assert await stored_keys(graph_emulator) == ["r-1"]


async def test_a_job_writes_its_share_then_hands_over(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    await add(runtime, *[f"r-{n:02}" for n in range(25)])
    report = await drain_outbox(uow=runtime.services.uow, lists=lists_of(runtime),
                                clock=runtime.clock, owner="job-1", max_rows=10)
    assert (report.written, report.stopped) == (10, "more")
    queued = await runtime.jobs.list(JobState.QUEUED)
    assert sum(1 for j in queued if (j.idempotency_key or "").startswith(
        f"{OUTBOX_DRAIN}:after:job-1")) == 1

    await runtime.worker().run_once()  # the trigger's job and the follow-ups finish it
    assert await stored_keys(graph_emulator) == [f"r-{n:02}" for n in range(25)]


async def test_an_unknown_list_kind_is_refused_when_added(runtime: Runtime) -> None:
    async with runtime.services.uow() as tx:
        with pytest.raises(ValueError):
            await tx.outbox.add("reflections", "r-1", {})
