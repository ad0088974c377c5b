"""The member's "your learning time is booked" card, as the booking job queues it: sent once to
the member's chat in their language, recorded as a miss for a member without a chat (not
retried), and not sent for a plan that changed since."""

from __future__ import annotations

import re
from dataclasses import replace

from teams_app.domain.learning_plans import PlanStatus
from teams_app.ports import JobState
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD, slot_booked_key
from tests.card_texts import texts
from tests.connector import FakeConnector, Fault
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs


async def queue_card(plan: Booked, member: str, key: str | None = None) -> str:
    async with plan.services.uow() as tx:
        job_id = await tx.jobs.enqueue(
            SLOT_BOOKED_CARD,
            {"plan_id": plan.plan_id, "member_id": member, "revision": 1},
            idempotency_key=key or slot_booked_key(plan.plan_id, 1, member),
        )
        await tx.commit()
    assert job_id is not None
    return job_id


async def test_the_booked_card_goes_once_to_the_member_and_a_miss_is_recorded(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    async with plan.services.uow() as tx:  # as if the booking job had not sent it yet
        await tx.deliveries.release(slot_booked_key(plan.plan_id, 1, plan.member))
        await tx.commit()
    jobs = [await queue_card(plan, m, f"test:{m}") for m in (plan.member, plan.silent)]
    await run_jobs(plan.service)

    (card,) = [a["attachments"][0]["content"]
               for a in connector.sent_to(f"a:personal-{plan.member}")]
    shown = texts(card)
    assert "Din lärtid är bokad" in shown  # Swedish, like the chat
    assert "Anna har avsatt skyddad tid" in shown  # the owner, by first name
    assert "Finish the cloud security course" in shown
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    # In the member's zone as their mailbox names it (Graph's W. Europe Standard Time).
    assert re.fullmatch(r"\w+dag \d\d:\d\d–\d\d:\d\d \(CES?T\)", facts["När"])
    assert facts["Hur ofta"] == "Varje vecka"
    for job_id in jobs:
        job = await plan.service.runtime.jobs.get(job_id)
        assert job is not None and job.state is JobState.DONE  # the miss is not retried
    async with plan.services.uow() as tx:
        assert await tx.occurrences.card_misses(plan.plan_id) == [(plan.silent, "not_installed")]

    connector.activities.clear()
    await queue_card(plan, plan.member, "test:again")  # a repeated job sends nothing twice
    await run_jobs(plan.service)
    assert connector.activities == []


async def test_no_card_for_a_changed_plan_and_a_removed_app_is_a_miss(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    async with plan.services.uow() as tx:
        await tx.deliveries.release(slot_booked_key(plan.plan_id, 1, plan.member))
        await tx.commit()
    connector.faults.append(Fault(403, body='{"error": {"code": "BotNotInConversationRoster"}}'))
    job_id = await queue_card(plan, plan.member, "test:removed")
    await run_jobs(plan.service)
    job = await plan.service.runtime.jobs.get(job_id)
    assert job is not None and job.state is JobState.DONE
    async with plan.services.uow() as tx:
        assert await tx.occurrences.card_misses(plan.plan_id) == [(plan.member, "uninstalled")]
        current = await tx.plans.get(plan.plan_id)
        assert current is not None
        await tx.plans.save(replace(current, status=PlanStatus.CANCELLED))
        await tx.commit()

    connector.activities.clear()
    await queue_card(plan, plan.member, "test:cancelled")
    await run_jobs(plan.service)
    assert connector.activities == []
