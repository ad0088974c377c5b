"""Learning partners through the real app: the owner pairs a plan's members from the report
card; each person is told their partner (or counted as unreachable); every two weeks a coaching
check-in comes, answered once by the person it is for; a member cannot pair the owner's plan;
an old check-in (after pairing again) saves nothing. The CLI pairs with the owner's own groups
and refuses groups that are not a pairing of the members."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cards import PARTNER_HELP, PARTNER_WENT, translator_for, verbs
from teams_app.cli.main import app as cli
from teams_app.domain.reflections.sharing import Sharing, StoredReflection
from teams_app.use_cases.partners.pairing import partners_of
from tests.builders import an_activity, an_execute
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts, nodes
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs

SV = translator_for("sv")


@pytest.fixture
async def booked(start_service: ServiceFactory, graph_emulator: GraphEmulator,
                 connector: FakeConnector) -> Booked:
    return await booked_plan(start_service, graph_emulator, connector)


async def press(booked: Booked, verb: str, data: dict[str, Any], *, as_: str) -> dict[str, Any]:
    status, body = await booked.service.post(an_execute(
        booked.connector.service_url, verb, data, user_aad=as_, locale="sv-SE",
        conversation_id=f"a:personal-{as_}"))
    assert status == 200 and body["statusCode"] == 200, body
    card: dict[str, Any] = body["value"]
    assert_valid_card(card)
    return card


def cards_to(booked: Booked, person: str) -> list[dict[str, Any]]:
    return [a["content"] for activity in booked.connector.sent_to(f"a:personal-{person}")
            for a in activity.get("attachments") or []]


async def pairings(booked: Booked) -> list[Any]:
    async with booked.services.uow() as tx:
        return await tx.partners.of_plan(booked.plan_id)


async def test_the_owner_pairs_and_each_member_hears_of_their_partner(booked: Booked) -> None:
    card = await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id},
                       as_=booked.owner)
    shown = all_texts(card)
    assert SV("partners.pairing.done") in shown
    assert "Astrid Lindqvist · Bram de Vries" in shown
    (pairing,) = await pairings(booked)
    assert pairing.groups == (tuple(sorted((booked.member, booked.silent))),)
    await run_jobs(booked.service)
    (told,) = cards_to(booked, booked.member)
    assert SV("partners.line", plan="Finish the cloud security course",
              partners="Bram de Vries") in all_texts(told)
    async with booked.services.uow() as tx:  # Bram has no chat: his card is counted, not lost
        misses = await tx.occurrences.card_misses(booked.plan_id)
    assert booked.silent in {person for person, _ in misses}


async def test_a_member_cannot_pair_the_owners_plan(booked: Booked) -> None:
    card = await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id},
                       as_=booked.member)
    assert SV("partners.unknown_plan") in all_texts(card)
    assert await pairings(booked) == []
    tampered = await press(booked, verbs.PARTNERS_PAIR, {"plan_id": 3}, as_=booked.owner)
    assert SV("partners.unknown_plan") in all_texts(tampered)


async def test_partners_typed_shows_them(booked: Booked) -> None:
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    booked.connector.activities.clear()
    status, _ = await booked.service.post(an_activity(
        booked.connector.service_url, text="lärpartner", user_aad=booked.member,
        conversation_id=f"a:personal-{booked.member}", locale="sv-SE"))
    assert status in (200, 201, 202)
    await booked.connector.wait_for(1)
    (answer,) = cards_to(booked, booked.member)
    assert "Bram de Vries" in all_texts(answer)


async def check_in_card(booked: Booked) -> dict[str, Any]:
    await booked.service.runtime.register_schedules()  # as `serve` does on start
    await booked.advance(timedelta(weeks=2, minutes=1))
    await run_jobs(booked.service)
    found = [c for c in cards_to(booked, booked.member)
             if any(a.get("verb") == verbs.PARTNER_CHECK_IN for a in c.get("actions", []))]
    assert len(found) == 1, "one check-in card, two weeks after pairing"
    return found[0]


def send_data(card: dict[str, Any], **inputs: str) -> dict[str, Any]:
    (action,) = [a for a in card["actions"] if a.get("verb") == verbs.PARTNER_CHECK_IN]
    return {**action["data"], **inputs}


async def test_the_check_in_is_answered_once_by_the_person_it_is_for(booked: Booked) -> None:
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    await run_jobs(booked.service)
    card = await check_in_card(booked)
    assert SV("partners.checkin.title", partners="Bram de Vries") in all_texts(card)
    empty = await press(booked, verbs.PARTNER_CHECK_IN, send_data(card, **{PARTNER_WENT: " "}),
                        as_=booked.member)
    assert SV("partners.checkin.empty") in all_texts(empty)
    too_long = await press(booked, verbs.PARTNER_CHECK_IN,
                           send_data(card, **{PARTNER_WENT: "x" * 1001}), as_=booked.member)
    assert SV("partners.checkin.too_long", limit=1000) in all_texts(too_long)
    assert "x" * 1001 in str(too_long)  # what was typed comes back, nothing cut off
    other = await press(booked, verbs.PARTNER_CHECK_IN,
                        send_data(card, **{PARTNER_WENT: "Not mine"}), as_=booked.owner)
    assert SV("partners.checkin.unknown") in all_texts(other)
    words = {PARTNER_WENT: "Bram finished module 2", PARTNER_HELP: "A quiet room"}
    saved = await press(booked, verbs.PARTNER_CHECK_IN, send_data(card, **words),
                        as_=booked.member)
    assert SV("partners.checkin.saved") in all_texts(saved)
    again = await press(booked, verbs.PARTNER_CHECK_IN,
                        send_data(card, **{PARTNER_WENT: "Changed"}), as_=booked.member)
    assert SV("partners.checkin.already") in all_texts(again)
    async with booked.services.uow() as tx:
        (pairing,) = await tx.partners.of_plan(booked.plan_id)
        stored = await tx.partners.check_in(pairing.id, booked.member, 1)
    assert stored is not None and stored.went == "Bram finished module 2"


async def test_an_old_check_in_after_pairing_again_saves_nothing(booked: Booked) -> None:
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    await run_jobs(booked.service)
    card = await check_in_card(booked)
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    stale = await press(booked, verbs.PARTNER_CHECK_IN,
                        send_data(card, **{PARTNER_WENT: "Late words"}), as_=booked.member)
    assert SV("partners.checkin.stale") in all_texts(stale)
    first, second = await pairings(booked)
    assert second.cycle == first.cycle + 1  # two people have met: a new cycle
    async with booked.services.uow() as tx:
        stored = await tx.partners.check_in(first.id, booked.member, 1)
    assert stored is not None and stored.answered_at is None


async def partners_cli(booked: Booked, *args: str) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": booked.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": booked.emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
    }
    return await asyncio.to_thread(CliRunner().invoke, cli,
                                   ["partners", "pair", "--plan", booked.plan_id, *args],
                                   env=env, catch_exceptions=False)


async def test_the_cli_pairs_with_the_owners_groups_and_refuses_bad_ones(booked: Booked) -> None:
    done = await partners_cli(booked, "--by", booked.owner,
                              "--group", f"{booked.member},{booked.silent}", "--every-weeks", "3")
    assert done.exit_code == 0, done.output
    assert "Astrid Lindqvist · Bram de Vries" in done.output
    (pairing,) = await pairings(booked)
    assert pairing.chosen and pairing.every_weeks == 3
    for args, words in (
        (("--by", booked.owner, "--group", booked.member), "two people, or three"),
        (("--by", booked.owner, "--every-weeks", "0"), "--every-weeks must be"),
        (("--by", booked.member), "only its owner pairs it"),
    ):
        refused = await partners_cli(booked, *args)
        assert refused.exit_code == 2 and words in refused.output, refused.output
    assert len(await pairings(booked)) == 1  # nothing refused was stored


async def reflected(booked: Booked, person: str, sharing: str, takeaway: str,
                    action: str | None = None) -> None:
    services = booked.services
    answers = {"takeaway": takeaway, "sharing": sharing}
    if action:
        answers |= {"action": action, "action_by": "2026-12-18"}
    async with services.uow() as tx:
        await tx.reflections.add_reflection(StoredReflection(
            str(uuid.uuid4()), "a-round", Sharing(sharing), "reflection", 1, answers,
            services.clock.now(), person_id=person))
        await tx.commit()


async def test_a_partner_sees_what_the_other_shared_by_name_only(booked: Booked) -> None:
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    await run_jobs(booked.service)
    await reflected(booked, booked.silent, "named", "Pair programming helps", "Run a code kata")
    await reflected(booked, booked.silent, "private", "My private doubts", "Secret plan")
    booked.connector.activities.clear()
    await booked.service.post(an_activity(
        booked.connector.service_url, text="lärpartner", user_aad=booked.member,
        conversation_id=f"a:personal-{booked.member}", locale="sv-SE"))
    await booked.connector.wait_for(1)
    (answer,) = cards_to(booked, booked.member)
    shown = all_texts(answer)
    assert "”Pair programming helps”" in shown and "”Run a code kata”" in shown
    assert "My private doubts" not in shown and "Secret plan" not in shown
    card = await check_in_card(booked)
    labels = [n.get("label") for n in nodes(card) if n.get("type") == "Input.Text"]
    assert SV("partners.checkin.went_action", partners="Bram de Vries",
              action="Run a code kata") in labels


async def test_an_anonymous_reflection_is_never_shown_to_a_partner(booked: Booked) -> None:
    await press(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    await reflected(booked, booked.silent, "anonymous", "Nobody may know this")
    mine = await partners_of(booked.member, uow=booked.services.uow)
    assert [m.shared for m in mine] == [{}]
