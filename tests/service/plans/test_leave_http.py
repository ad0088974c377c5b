"""A member's side of a plan over HTTP, against the real app and the Graph emulator: the plans
they are in (their slot in their zone, their hours, a Leave button), and Leave: only the member
themself, their series out of their calendar, never booked again by a reconcile, the owner
told in their chat; a second press or someone else's press changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from cards import translator_for, verbs
from teams_app.bot.formatting import decimal, time_range
from teams_app.domain.bookings import MemberState, SlotState
from teams_app.domain.occurrences import Outcome
from teams_app.domain.slot_events import slot_marker
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD, slot_booked_key
from teams_app.use_cases.plans.leaving import MEMBER_LEFT_CARD
from teams_app.use_cases.plans.membership import RECONCILE_ALL
from tests.builders import an_activity, an_install
from tests.card_texts import texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs
from tests.service.plans.cards_support import action_data, walk
from tests.service.plans.support import enqueue, jobs_of, members_of

SV = translator_for("sv-SE")


async def series_of(plan: Booked, member: str) -> list[str]:
    """The plan's series in the member's calendar, as Graph lists them (by the plan's mark)."""
    calendar = plan.services.calendar
    assert calendar is not None
    return [e.id for e in await calendar.marked_series(member, slot_marker(plan.plan_id, member))]


def leave_of(card: dict[str, Any], plan_id: str) -> dict[str, Any]:
    """The Yes button behind a Leave (inside its Action.ShowCard) for `plan_id`."""
    found = [n for n in walk(card) if n.get("type") == "Action.Execute"
             and n.get("verb") == verbs.PLAN_LEAVE and n["data"]["plan_id"] == plan_id]
    assert len(found) == 1, texts(card)
    return found[0]


async def typed(plan: Booked, text: str, *, user: str | None = None) -> dict[str, Any]:
    who = user or plan.member
    chat = f"a:personal-{who}"
    plan.connector.activities.clear()
    await plan.service.post(an_activity(plan.connector.service_url, text=text, user_aad=who,
                                        conversation_id=chat, locale="sv-SE"))
    ((_, reply),) = await plan.connector.wait_for(1)
    return reply["attachments"][0]["content"]


async def test_a_member_sees_the_plan_they_are_in_with_their_slot_and_hours(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.defend()
    await plan.advance(timedelta(days=12))  # past the first session, at least
    await plan.defend()
    kept = sum(s.outcome is Outcome.KEPT for s in await plan.stored())
    assert kept >= 1

    card = await typed(plan, "min lärtid")
    text = texts(card)
    assert SV("plans.members.title") in text and "Finish the cloud security course" in text
    slot = await plan.slot()
    start = slot.start
    end = start.replace(hour=start.hour + 1)
    assert time_range(SV, start, end) in text  # their own slot, in their zone (Stockholm)
    assert SV("plans.hours", kept=decimal(SV, kept), booked=decimal(SV, kept)) in text
    assert leave_of(card, plan.plan_id)["data"] == {
        "verb": verbs.PLAN_LEAVE, "plan_id": plan.plan_id, "revision": 1,
        "member_id": plan.member}
    assert SV("plans.empty") not in text  # they own no plan, but they are in one
    # `planer` answers with the same list; the owner sees their plan, not a member section.
    assert SV("plans.members.title") in texts(await typed(plan, "planer"))
    await plan.service.post(an_install(connector.service_url, user_aad=plan.owner,
                                       conversation_id=f"a:personal-{plan.owner}"))
    owners = texts(await typed(plan, "planer", user=plan.owner))
    assert "Finish the cloud security course" in owners
    assert SV("plans.members.title") not in owners


async def test_leave_removes_their_series_releases_them_and_tells_the_owner(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    await plan.service.post(an_install(connector.service_url, user_aad=plan.owner,
                                       conversation_id=f"a:personal-{plan.owner}"))
    await connector.wait_for(1)
    assert len(await series_of(plan, plan.member)) == 1
    assert len(await series_of(plan, plan.silent)) == 1
    leave = leave_of(await typed(plan, "min lärtid"), plan.plan_id)

    answer = await plan.press(leave)
    assert SV("plans.left", goal="Finish the cloud security course") in texts(answer)
    assert SV("plans.members.title") not in texts(answer)  # the plan is gone from their list
    assert await series_of(plan, plan.member) == []
    assert len(await series_of(plan, plan.silent)) == 1  # nobody else's time changes
    members = await members_of(plan.service, plan.plan_id)
    assert members[plan.member].state is MemberState.LEFT
    assert (await plan.slot(plan.silent)).state is SlotState.BOOKED
    async with plan.services.uow() as tx:
        mine = await tx.plans.slot(plan.plan_id, plan.member, 1)
        progress = await tx.plans.progress(plan.plan_id, 1)
    assert mine is not None and mine.state is SlotState.CANCELLED
    assert progress is not None and (progress.total, progress.done) == (1, 1)

    connector.activities.clear()
    await run_jobs(plan.service)
    (told,) = [a["attachments"][0]["content"]
               for a in connector.sent_to(f"a:personal-{plan.owner}")]
    assert "Astrid Lindqvist" in texts(told) and "Finish the cloud security course" in texts(told)

    # Still named in the plan: a reconcile does not book them again.
    await enqueue(plan.service, RECONCILE_ALL, {})
    await run_jobs(plan.service)
    assert (await members_of(plan.service, plan.plan_id))[plan.member].state is MemberState.LEFT
    assert await series_of(plan, plan.member) == []

    # Leave twice: the list as it is now, nothing queued or removed again.
    jobs = len(await jobs_of(plan.service, MEMBER_LEFT_CARD))
    again = await plan.press(leave)
    assert SV("plans.left.already") in texts(again)
    assert len(await jobs_of(plan.service, MEMBER_LEFT_CARD)) == jobs
    assert len(await series_of(plan, plan.silent)) == 1


async def test_only_the_member_may_leave_and_the_owner_cancels_instead(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    leave = leave_of(await typed(plan, "min lärtid"), plan.plan_id)

    for someone in (plan.silent, plan.owner):  # with the member's ids
        refused = await plan.press(leave, user=someone)
        assert SV("plan.error.not_member") in texts(refused)
    owner = {**leave, "data": {**leave["data"], "member_id": plan.owner}}
    refused = await plan.press(owner, user=plan.owner)
    assert SV("plan.error.owner_leaves") in texts(refused)

    assert len(await series_of(plan, plan.member)) == 1
    members = await members_of(plan.service, plan.plan_id)
    assert members[plan.member].state is MemberState.BOOKED
    assert await jobs_of(plan.service, MEMBER_LEFT_CARD) == []


async def test_leave_on_an_older_card_changes_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    leave = {"data": action_data(await typed(plan, "min lärtid"), verbs.PLAN_LEAVE)}
    async with plan.services.uow() as tx:  # the plan moved on (as an edit would): revision 2
        stored = await tx.plans.get(plan.plan_id)
        assert stored is not None
        await tx.plans.save(replace(stored, revision=2))
        await tx.commit()
    stale = await plan.press(leave)
    assert SV("plan.error.stale") in texts(stale)
    assert len(await series_of(plan, plan.member)) == 1
    assert (await members_of(plan.service, plan.plan_id))[plan.member].state is MemberState.BOOKED


async def test_leave_from_the_booked_card_and_an_owner_without_a_chat_is_a_miss(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    async with plan.services.uow() as tx:  # the booked card once more, as booking sends it
        await tx.deliveries.release(slot_booked_key(plan.plan_id, 1, plan.member))
        await tx.jobs.enqueue(SLOT_BOOKED_CARD, {"plan_id": plan.plan_id,
                                                 "member_id": plan.member, "revision": 1},
                              idempotency_key="test:booked-again")
        await tx.commit()
    await run_jobs(plan.service)
    (booked,) = [a["attachments"][0]["content"]
                 for a in connector.sent_to(f"a:personal-{plan.member}")]

    answer = await plan.press(leave_of(booked, plan.plan_id))
    assert SV("plans.left", goal="Finish the cloud security course") in texts(answer)
    assert await series_of(plan, plan.member) == []
    await run_jobs(plan.service)  # the owner's card: the app cannot be installed for them, recorded
    async with plan.services.uow() as tx:
        assert (plan.owner, "not_installed") in await tx.occurrences.card_misses(plan.plan_id)
