"""The learning report and `my learning` through the real app: the owner types `rapport` and
reads kept vs booked time per member, the check-in rate and what got in the way (from k answers
only); a member, a tampered card or a group chat gets nothing of it; a member's `mitt lärande`
shows their own time. The CLI's report writes the same figures as CSV, for the owner only."""

from __future__ import annotations

import asyncio
import csv
import json
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cards import translator_for, verbs
from teams_app.cli.main import app as cli
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.occurrences import Outcome
from teams_app.domain.reflections.follow_ups import Applied, FollowUp, FollowUpState
from teams_app.domain.reflections.rounds import Round, RoundSpec, Source, occurrence_key
from teams_app.domain.reflections.sharing import Sharing, StoredReflection
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from tests.builders import an_activity, an_execute
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts as texts
from tests.card_texts import nodes
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan

SV = translator_for("sv")
ANSWER = {"used_time": "partly", "worked_on": "Secret words", "obstacles": "meeting,other",
          "obstacles.other": "A private reason"}


async def typed(booked: Booked, text: str, *, as_: str, group: bool = False) -> dict[str, Any]:
    conversation = "19:team@thread.v2" if group else f"a:personal-{as_}"
    booked.connector.activities.clear()
    status, _ = await booked.service.post(an_activity(
        booked.connector.service_url, text=text, user_aad=as_, conversation_id=conversation,
        conversation_type="groupChat" if group else "personal", locale="sv-SE"))
    assert status in (200, 201, 202)
    await booked.connector.wait_for(1)
    (answer,) = booked.connector.sent_to(conversation)
    return answer


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    (attachment,) = activity["attachments"]
    card: dict[str, Any] = attachment["content"]
    assert_valid_card(card)
    return card


async def pressed(booked: Booked, data: dict[str, Any], *, as_: str, verb: str = verbs.REPORT_SHOW,
                  group: bool = False) -> dict[str, Any]:
    status, body = await booked.service.post(an_execute(
        booked.connector.service_url, verb, data, user_aad=as_, locale="sv-SE",
        conversation_id="19:team@thread.v2" if group else f"a:personal-{as_}",
        conversation_type="groupChat" if group else "personal"))
    assert status == 200 and body["statusCode"] == 200, body
    card: dict[str, Any] = body["value"]
    assert_valid_card(card)
    return card


async def a_check_in(booked: Booked, *, answers: int, k: int = 3) -> str:
    services = booked.services
    now = services.clock.now()
    created = await create_campaign(
        CreateCampaign(booked.owner, CampaignSpec(
            form_key="learning_checkin", form_version=1, k=k,
            audience=Audience.of_plan(booked.plan_id), timing=Timing.after_occurrence(),
            closes_at=now + timedelta(days=60))),
        uow=services.uow, forms=services.forms, directory=services.directory,
        rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
    )
    async with services.uow() as tx:  # as the members' cards would store them
        for n in range(answers):
            await tx.campaigns.add_response(StoredResponse(
                str(uuid.uuid4()), created.campaign_id, "learning_checkin", 1, ANSWER,
                services.clock.now(), person_id=f"member-{n}", round=f"occ:{n}"))
        await tx.commit()
    return created.campaign_id


async def one_kept_one_lost(booked: Booked) -> timedelta:
    """The member's first session kept, the second lost, and the clock past both."""
    await booked.defend()
    first, second, *_ = await booked.stored()
    services = booked.services
    async with services.uow() as tx:
        await tx.occurrences.save_occurrences([replace(first, outcome=Outcome.KEPT),
                                               replace(second, outcome=Outcome.LOST)],
                                              at=services.clock.now())
        await tx.commit()
    await booked.advance(second.span.end - services.clock.now() + timedelta(minutes=5))
    return first.span.end - first.span.start


async def report_cli(booked: Booked, *args: str, plan: bool = True) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": booked.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": booked.emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
    }
    chosen = ["--plan", booked.plan_id] if plan else []
    return await asyncio.to_thread(CliRunner().invoke, cli, ["report", *chosen, *args], env=env,
                                   catch_exceptions=False)


def hours(value: timedelta) -> str:
    return f"{value.total_seconds() / 3600:g}".replace(".", ",")


@pytest.fixture
async def booked(start_service: ServiceFactory, graph_emulator: GraphEmulator,
                 connector: FakeConnector) -> Booked:
    return await booked_plan(start_service, graph_emulator, connector)


async def test_the_owner_reads_kept_time_per_member_and_what_got_in_the_way(
    booked: Booked
) -> None:
    session = await one_kept_one_lost(booked)
    await a_check_in(booked, answers=3)
    shown = texts(card_of(await typed(booked, "rapport", as_=booked.owner)))
    assert SV("learning.report.title") in shown
    assert "Astrid Lindqvist" in shown and "Bram de Vries" in shown
    assert SV("plans.hours", kept=hours(session), booked=hours(2 * session)) in shown
    joined = shown
    assert "Ett möte bokades på tiden (3)" in joined  # the check-in's own words for the choice
    assert "A private reason" not in joined and "Secret words" not in joined


async def test_below_k_the_owner_sees_counts_and_no_choices(booked: Booked) -> None:
    await a_check_in(booked, answers=2, k=3)
    card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner)
    joined = texts(card)
    assert SV("learning.report.month.below_k", count=2) in joined
    assert "Ett möte bokades på tiden" not in joined


@pytest.mark.parametrize("data", [
    {"plan_id": 7}, {"plan_id": ""}, {"plan_id": "x" * 101}, {"plan_id": "p", "extra": 1}, {},
])
async def test_tampered_card_data_gets_the_notice(booked: Booked, data: dict[str, Any]) -> None:
    card = await pressed(booked, data, as_=booked.owner)
    assert SV("learning.report.unknown") in texts(card)


async def test_nobody_but_the_owner_sees_the_report(booked: Booked) -> None:
    await one_kept_one_lost(booked)
    card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.member)
    shown = texts(card)
    assert SV("learning.report.unknown") in shown
    assert "Bram de Vries" not in json.dumps(card, ensure_ascii=False)


async def test_in_a_group_chat_the_report_stays_personal(booked: Booked) -> None:
    answer = await typed(booked, "rapport", as_=booked.owner, group=True)
    assert answer.get("text") == SV("learning.personal_only")
    card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner, group=True)
    assert SV("learning.personal_only") in texts(card)
    assert "Astrid Lindqvist" not in json.dumps(card, ensure_ascii=False)


async def test_a_member_reads_their_own_learning(booked: Booked) -> None:
    session = await one_kept_one_lost(booked)
    shown = texts(card_of(await typed(booked, "mitt lärande", as_=booked.member)))
    assert SV("learning.mine.title") in shown
    assert SV("plans.hours", kept=hours(session), booked=hours(2 * session)) in shown
    assert "Bram de Vries" not in shown
    again = await pressed(booked, {}, as_=booked.member, verb=verbs.MY_LEARNING)
    assert SV("learning.mine.title") in texts(again)


async def test_the_cli_writes_the_report_as_csv_for_the_owner_only(
    booked: Booked, tmp_path: Path
) -> None:
    session = await one_kept_one_lost(booked)
    await a_check_in(booked, answers=3)
    out = tmp_path / "report.csv"
    done = await report_cli(booked, "--by", booked.owner, "--csv", str(out))
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    kept = {r["person_id"]: float(r["value"]) for r in rows if r["figure"] == "kept_hours"}
    assert kept[booked.member] == session.total_seconds() / 3600
    assert kept[""] == kept[booked.member] + kept[booked.silent]  # the team row adds them up
    assert {(r["choice"], r["value"]) for r in rows if r["figure"] == "hindrance"} >= {
        ("meeting", "3"), ("other", "3")}
    refused = await report_cli(booked, "--by", booked.member)
    assert refused.exit_code == 2 and "only a plan's owner" in refused.output


async def test_the_plans_list_leads_to_each_booked_plans_report(booked: Booked) -> None:
    listed = card_of(await typed(booked, "plans", as_=booked.owner))
    buttons = [n for n in nodes(listed)
               if n.get("type") == "Action.Execute" and n.get("verb") == verbs.REPORT_SHOW]
    assert [b["data"] for b in buttons] == [
        {"verb": verbs.REPORT_SHOW, "plan_id": booked.plan_id}]
    card = await pressed(booked, buttons[0]["data"], as_=booked.owner)
    assert "Astrid Lindqvist" in texts(card)


async def a_session_round(booked: Booked, hindrances: list[tuple[str, str]]) -> str:
    """A round after one of the plan's sessions with one reflection per (sharing, choices)."""
    services = booked.services
    now = services.clock.now()
    rnd = Round.start(id=str(uuid.uuid4()), source=Source.OCCURRENCE,
                      source_key=occurrence_key(booked.plan_id, now), conversation_id=None,
                      organiser_id=booked.owner, form_key="reflection", form_version=1,
                      spec=RoundSpec(k=3), at=now)
    async with services.uow() as tx:
        assert await tx.reflections.add_round(rnd)
        for n, (sharing, choices) in enumerate(hindrances):
            await tx.reflections.add_reflection(StoredReflection(
                str(uuid.uuid4()), rnd.id, Sharing(sharing), "reflection", 1,
                {"takeaway": "Secret take-away", "hindrances": choices, "sharing": sharing},
                now, person_id=None if sharing == "anonymous" else f"person-{n}"))
        await tx.commit()
    return rnd.id


async def follow_ups(booked: Booked, answers: list[Applied | None]) -> None:
    services = booked.services
    now = services.clock.now()
    async with services.uow() as tx:
        for n, applied in enumerate(answers):
            state = FollowUpState.ANSWERED if applied else FollowUpState.ASKED
            await tx.reflections.add_follow_up(FollowUp(
                str(uuid.uuid4()), (booked.member, booked.silent)[n % 2], "round", f"r-{n}",
                "Use the checklist", None, now.date(), now, state=state, applied=applied,
                answered_at=now if applied else None))
        await tx.commit()


async def test_reflections_after_the_plans_sessions_join_the_hindrances_and_applied_rate(
    booked: Booked
) -> None:
    await a_session_round(booked, [("named", "no_time"), ("anonymous", "no_time,technical"),
                                   ("named", "technical"), ("private", "pace")])
    await follow_ups(booked, [Applied.YES, Applied.PARTLY, Applied.NOT_YET, None])
    card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner)
    shown = texts(card)
    assert "Ingen tid: annat arbete gick före (2)" in shown  # the reflection form's words
    assert "Tekniska problem (2)" in shown
    assert "För snabbt" not in shown  # a private reflection's choice is never counted
    assert "Secret take-away" not in shown
    # Three answered the follow-ups (k = 3): two of four applied their action.
    assert SV("learning.report.rate", percent="50\xa0%", answered=2, asked=4) in shown


async def test_below_k_answers_to_follow_ups_show_no_applied_share(booked: Booked) -> None:
    await follow_ups(booked, [Applied.YES, Applied.PARTLY, None, None])
    await a_session_round(booked, [])  # k = 3 among the plan's rounds
    shown = texts(await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner))
    assert SV("learning.report.rate.below_k", answered=2, asked=4, k=3) in shown


async def test_my_learning_lists_my_reflections_actions_and_what_i_applied(
    booked: Booked
) -> None:
    services = booked.services
    now = services.clock.now()
    named, private = str(uuid.uuid4()), str(uuid.uuid4())
    async with services.uow() as tx:
        for key, sharing, who, words in (
            (named, "named", booked.member, "Named take-away"),
            (private, "private", booked.member, "Private take-away"),
            (str(uuid.uuid4()), "named", booked.silent, "Bram's take-away"),
        ):
            await tx.reflections.add_reflection(StoredReflection(
                key, "round-1", Sharing(sharing), "reflection", 1,
                {"takeaway": words, "sharing": sharing, "action": f"Act on {words}",
                 "action_by": "2026-12-18"}, now, person_id=who))
        await tx.reflections.add_follow_up(FollowUp(
            str(uuid.uuid4()), booked.member, "round-1", named, "Act on Named take-away", None,
            now.date(), now, state=FollowUpState.ANSWERED, applied=Applied.PARTLY,
            answered_at=now))
        await tx.commit()
    shown = texts(card_of(await typed(booked, "mitt lärande", as_=booked.member)))
    assert "Named take-away" in shown and "Private take-away" in shown
    assert SV("learning.mine.applied.partly") in shown
    assert SV("learning.mine.sharing.private") in shown
    assert "Bram's take-away" not in shown
