"""Reaching a member who never chatted with the bot: the app is installed for them through
Graph (the emulator's teamwork/installedApps), the personal chat is opened at the connector
(createConversation) and the card arrives there. Where that cannot be done the reason is kept,
and the owner sees who cannot be reached and what the admin can do: on the plans card, in
`plan show` and on the booking summary. A person who removed the app is not given it back."""

from __future__ import annotations

from typing import Any

from cards import verbs
from cards.i18n import translator_for
from teams_app.domain.reach import Unreachable
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD, slot_booked_key
from tests.builders import BOT_ID, TENANT, an_activity, an_install
from tests.card_texts import all_texts, nodes, texts
from tests.connector import FakeConnector, Fault
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs

CATALOG_ID = "0b7d5c8e-1f2a-4c3b-9d8e-7a6b5c4d3e2f"  # the app's id in the org's Teams catalog
EN = translator_for("en")


async def resend_booked_card(plan: Booked, member: str, key: str) -> None:
    async with plan.services.uow() as tx:
        await tx.deliveries.release(slot_booked_key(plan.plan_id, 1, member))
        await tx.jobs.enqueue(SLOT_BOOKED_CARD,
                              {"plan_id": plan.plan_id, "member_id": member, "revision": 1},
                              idempotency_key=key)
        await tx.commit()
    await run_jobs(plan.service)


async def installed_for(emulator: GraphEmulator) -> list[str]:
    return [i["userId"] for i in await emulator.control.objects("installedApps")]


async def plans_card(plan: Booked) -> dict[str, Any]:
    """The owner types "plans" in their chat; the card the bot answers with."""
    await plan.service.post(an_install(plan.connector.service_url, user_aad=plan.owner,
                                       conversation_id=f"a:personal-{plan.owner}"))
    plan.connector.activities.clear()
    status, _ = await plan.service.post(an_activity(
        plan.connector.service_url, text="plans", user_aad=plan.owner,
        conversation_id=f"a:personal-{plan.owner}"))
    assert status in (200, 201, 202)
    await plan.connector.wait_for(1)
    (answer,) = plan.connector.sent_to(f"a:personal-{plan.owner}")
    content: dict[str, Any] = answer["attachments"][0]["content"]
    return content


async def test_a_member_who_never_chatted_gets_the_app_installed_and_the_card_in_a_new_chat(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector,
                             graph_teams_app_id=CATALOG_ID)
    await resend_booked_card(plan, plan.silent, "test:first")  # as the booking job queues it
    assert plan.silent in await installed_for(graph_emulator)
    (created,) = [c for c in connector.created if c["members"][0]["aadObjectId"] == plan.silent]
    assert created["members"][0]["id"] == plan.silent  # Teams takes the Entra object id
    assert created["tenantId"] == TENANT  # the tenant the member's colleague wrote from
    assert created["bot"]["id"] == BOT_ID  # as Teams addresses the bot there
    async with plan.services.uow() as tx:
        chat = await tx.conversations.personal_chat_of(plan.silent)
        assert chat is not None and chat.conversation_id == f"a:created-{plan.silent}"
        assert await tx.occurrences.card_misses(plan.plan_id) == []
        assert await tx.conversations.unreachable_among([plan.silent]) == {}

    # The next card goes to the chat the bot now knows: no second install, no second chat.
    assert len(connector.sent_to(f"a:created-{plan.silent}")) == 1
    connector.activities.clear()
    await resend_booked_card(plan, plan.silent, "test:again")
    (card,) = connector.sent_to(f"a:created-{plan.silent}")
    assert "Finish the cloud security course" in texts(card["attachments"][0]["content"])
    assert len([c for c in connector.created
                if c["members"][0]["aadObjectId"] == plan.silent]) == 1
    assert (await installed_for(graph_emulator)).count(plan.silent) == 1


async def test_an_install_blocked_by_policy_is_a_miss_the_owner_sees_with_what_to_do(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector,
                             graph_teams_app_id=CATALOG_ID)
    # Graph refuses every installation (an app permission policy blocks the app).
    await graph_emulator.control.set_limits(fail_next=[
        {"match": r"POST /users/[^/]+/teamwork/installedApps$", "status": 403,
         "code": "Forbidden", "count": 10}])
    await resend_booked_card(plan, plan.silent, "test:first")
    assert await installed_for(graph_emulator) == []
    assert connector.created == []  # no chat is opened for someone without the app
    async with plan.services.uow() as tx:
        assert await tx.occurrences.card_misses(plan.plan_id) == [
            (plan.silent, "install_blocked")]
        (marked,) = (await tx.conversations.unreachable_among([plan.silent])).values()
        assert marked.reason is Unreachable.INSTALL_BLOCKED

    card = await plans_card(plan)
    shown = all_texts(card)
    assert EN("reach.heading.one") + " · " + EN("reach.missed", count=1) in shown
    facts = {f["title"]: f["value"] for f in nodes(card) if "title" in f and "value" in f}
    assert facts["Bram de Vries"] == EN("reach.reason.install_blocked")
    assert EN("reach.advice.install_blocked") in shown
    assert "Astrid Lindqvist" not in shown  # she has her chat: nothing to say

    # The admin lifts the block: the next card installs the app and reaches him.
    await graph_emulator.control.set_limits(fail_next=[])
    await resend_booked_card(plan, plan.silent, "test:after-fix")
    assert connector.sent_to(f"a:created-{plan.silent}")
    async with plan.services.uow() as tx:
        assert await tx.conversations.unreachable_among([plan.silent]) == {}


async def test_a_member_who_removed_the_app_is_not_reinstalled_until_they_add_it_again(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector,
                             graph_teams_app_id=CATALOG_ID)
    installs = await installed_for(graph_emulator)
    # Teams tells the bot when someone removes the app from their personal scope.
    await plan.service.post(an_activity(connector.service_url, type="installationUpdate",
                                        action="remove", user_aad=plan.member,
                                        conversation_id=f"a:personal-{plan.member}"))
    connector.activities.clear()
    await resend_booked_card(plan, plan.member, "test:removed")
    assert connector.activities == [] and connector.created == [
        c for c in connector.created if c["members"][0]["aadObjectId"] != plan.member]
    assert await installed_for(graph_emulator) == installs  # not given back behind her back
    async with plan.services.uow() as tx:
        assert (plan.member, "uninstalled") in await tx.occurrences.card_misses(plan.plan_id)

    # She adds it again: Teams sends installationUpdate "add"; her cards flow again.
    await plan.service.post(an_install(connector.service_url, user_aad=plan.member,
                                       conversation_id=f"a:personal-{plan.member}"))
    connector.activities.clear()
    await resend_booked_card(plan, plan.member, "test:back")
    assert [a for a in connector.sent_to(f"a:personal-{plan.member}") if a.get("attachments")]
    async with plan.services.uow() as tx:
        assert await tx.conversations.unreachable_among([plan.member]) == {}


async def test_a_chat_teams_refuses_to_open_and_a_send_refused_for_good_are_recorded(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector,
                             graph_teams_app_id=CATALOG_ID)
    connector.create_faults.append(Fault(403, body='{"error": {"code": "Forbidden"}}'))
    await resend_booked_card(plan, plan.silent, "test:first")
    async with plan.services.uow() as tx:
        assert await tx.occurrences.card_misses(plan.plan_id) == [(plan.silent, "no_chat")]
    # A stored chat Teams answers 404 for: the app is gone for her (it was removed unseen).
    connector.faults.append(Fault(404, body='{"error": {"code": "ConversationNotFound"}}'))
    await resend_booked_card(plan, plan.member, "test:gone")
    async with plan.services.uow() as tx:
        marked = await tx.conversations.unreachable_among([plan.member, plan.silent])
        assert {k: v.reason for k, v in marked.items()} == {
            plan.member: Unreachable.UNINSTALLED, plan.silent: Unreachable.NO_CHAT}


async def test_an_owner_who_left_the_organisation_is_a_miss_and_leaving_still_works(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector,
                             graph_teams_app_id=CATALOG_ID)
    await graph_emulator.control.delete_user(plan.owner)
    async with plan.services.uow() as tx:
        await tx.deliveries.release(slot_booked_key(plan.plan_id, 1, plan.member))
        await tx.commit()
    await resend_booked_card(plan, plan.member, "test:before-leaving")
    (booked,) = [a["attachments"][0]["content"]
                 for a in connector.sent_to(f"a:personal-{plan.member}")]
    (leave,) = [n for n in nodes(booked) if n.get("type") == "Action.Execute"
                and n.get("verb") == verbs.PLAN_LEAVE]
    answer = await plan.press(leave)
    assert "Finish the cloud security course" in texts(answer)
    async with plan.services.uow() as tx:
        slot = await tx.plans.slot(plan.plan_id, plan.member, 1)
        assert slot is not None and slot.event_id is not None
    await run_jobs(plan.service)  # the owner's "left your plan" card cannot reach anyone
    async with plan.services.uow() as tx:
        assert (plan.owner, "not_in_directory") in await tx.occurrences.card_misses(
            plan.plan_id)

