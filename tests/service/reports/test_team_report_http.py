"""The whole team's learning report through the real app: the owner presses Whole team on a
plan's report and reads every plan of theirs for the same people (hours added up per person,
each person once; cancelled plans too, as history); another owner's plan for the same people
never joins; a tampered or unknown team gets the plan report's refusal; a team figure that one
plan's report would give away by subtraction stays hidden. The CLI's `report --team` writes the
team's figures as CSV, for the owner only."""

from __future__ import annotations

import csv
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cards import translator_for, verbs
from teams_app.domain.bookings import MemberState
from teams_app.domain.cadences import Horizon
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanStatus
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.occurrences import Outcome
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from teams_app.use_cases.plans.planning import create_plan
from tests.card_texts import all_texts as texts
from tests.card_texts import nodes
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, a_spec, booked_plan
from tests.service.reports.test_learning_report_http import (
    ANSWER,
    card_of,
    hours,
    one_kept_one_lost,
    pressed,
    report_cli,
    typed,
)

SV = translator_for("sv")


@pytest.fixture
async def booked(start_service: ServiceFactory, graph_emulator: GraphEmulator,
                 connector: FakeConnector) -> Booked:
    return await booked_plan(start_service, graph_emulator, connector)


async def second_plan(booked: Booked, source: MemberSource | None = None, *,
                       owner: str | None = None, kept: int = 1) -> str:
    """A plan of the same people as the booked one (or `source`), whose sessions were: the first
    `kept` of the booked plan's stored ones, copied as kept for both members."""
    services = booked.services
    spec = replace(a_spec(booked.member, booked.silent),
                   members=source or MemberSource.of_people(booked.silent, booked.member),
                   horizon=Horizon(services.clock.now().date() + timedelta(days=7),
                                   occurrences=4))
    receipt = await create_plan(CreatePlan(owner or booked.owner, spec), uow=services.uow(),
                                clock=services.clock, new_id=lambda: str(uuid.uuid4()))
    sessions = (await booked.stored())[:kept]
    async with services.uow() as tx:
        now = services.clock.now()
        for person in (booked.member, booked.silent):
            await tx.plans.set_member(receipt.plan_id, person, MemberState.BOOKED, at=now)
        await tx.occurrences.save_occurrences(
            [replace(s, slot=SlotRef(receipt.plan_id, person, 1), outcome=Outcome.KEPT)
             for s in sessions for person in (booked.member, booked.silent)], at=now)
        await tx.commit()
    return receipt.plan_id


async def check_in_on(booked: Booked, plan_id: str, *, answers: int, k: int = 3) -> None:
    services = booked.services
    created = await create_campaign(
        CreateCampaign(booked.owner, CampaignSpec(
            form_key="learning_checkin", form_version=1, k=k, audience=Audience.of_plan(plan_id),
            timing=Timing.after_occurrence(),
            closes_at=services.clock.now() + timedelta(days=60))),
        uow=services.uow, forms=services.forms, directory=services.directory,
        rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
    )
    async with services.uow() as tx:
        for n in range(answers):
            await tx.campaigns.add_response(StoredResponse(
                str(uuid.uuid4()), created.campaign_id, "learning_checkin", 1, ANSWER,
                services.clock.now(), person_id=f"member-{n}", round=f"occ:{n}"))
        await tx.commit()


def team_button(card: dict[str, Any]) -> dict[str, Any] | None:
    found = [n["data"] for n in nodes(card)
             if n.get("type") == "Action.Execute" and n.get("verb") == verbs.REPORT_TEAM]
    return found[0] if found else None


async def whole_team(booked: Booked) -> tuple[dict[str, Any], dict[str, Any]]:
    """The owner's plan report, then its Whole team button pressed: (its data, the card)."""
    plan_card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner)
    data = team_button(plan_card)
    assert data is not None
    return data, await pressed(booked, data, as_=booked.owner, verb=verbs.REPORT_TEAM)


async def test_whole_team_adds_up_every_plan_of_the_owner_for_the_same_people(
    booked: Booked
) -> None:
    session = await one_kept_one_lost(booked)
    await second_plan(booked, kept=2)
    _, card = await whole_team(booked)
    shown = texts(card)
    assert SV("learning.report.team.title") in shown
    # Astrid: one kept of two in the booked plan, two kept of two in the earlier one.
    assert SV("learning.report.row", kept=hours(3 * session), booked=hours(4 * session)) in shown
    assert shown.count("Astrid Lindqvist") == 1  # one person, once, across both plans
    # Bram's sessions of the booked plan were never read from his calendar: the earlier two.
    assert SV("learning.report.row", kept=hours(2 * session), booked=hours(2 * session)) in shown
    assert SV("plans.hours", kept=hours(5 * session), booked=hours(6 * session)) in shown
    assert all(n.get("verb") != verbs.PARTNERS_PAIR for n in nodes(card))


async def test_a_plan_alone_in_its_team_offers_no_whole_team(booked: Booked) -> None:
    await second_plan(booked, MemberSource.of_people(booked.member))  # other people: a team
    card = await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner)
    assert team_button(card) is None


async def test_another_owners_plan_for_the_same_people_never_joins(booked: Booked) -> None:
    session = await one_kept_one_lost(booked)
    await second_plan(booked, kept=1)
    await second_plan(booked, owner=booked.member, kept=2)  # Astrid plans for the same two
    data, card = await whole_team(booked)
    assert SV("learning.report.row", kept=hours(2 * session), booked=hours(3 * session)) in \
        texts(card)
    # The same team key pressed by the other owner shows their plan only, never Anna's.
    theirs = texts(await pressed(booked, data, as_=booked.member, verb=verbs.REPORT_TEAM))
    assert SV("learning.report.row", kept=hours(2 * session), booked=hours(2 * session)) in \
        theirs


@pytest.mark.parametrize("data", [
    {"team": 7}, {"team": ""}, {"team": "x" * 101}, {"team": "group:g", "extra": 1}, {},
    {"team": "group:no-such-group"}, {"team": ["group:g"]},
])
async def test_tampered_or_unknown_teams_get_the_notice(
    booked: Booked, data: dict[str, Any]
) -> None:
    card = await pressed(booked, data, as_=booked.owner, verb=verbs.REPORT_TEAM)
    assert SV("learning.report.team.unknown") in texts(card)


async def test_a_team_with_no_plan_of_the_asker_gets_the_same_notice(booked: Booked) -> None:
    await one_kept_one_lost(booked)
    await second_plan(booked)
    data, _ = await whole_team(booked)
    card = await pressed(booked, data, as_=booked.silent, verb=verbs.REPORT_TEAM)
    assert SV("learning.report.team.unknown") in texts(card)
    assert "Astrid Lindqvist" not in texts(card)


async def test_below_k_the_team_shows_counts_only(booked: Booked) -> None:
    second = await second_plan(booked)
    await check_in_on(booked, booked.plan_id, answers=1, k=3)
    await check_in_on(booked, second, answers=1, k=3)
    shown = texts((await whole_team(booked))[1])
    assert SV("learning.report.month.below_k", count=2) in shown
    assert "Ett möte bokades på tiden" not in shown


async def test_one_plans_few_answers_are_not_given_away_by_the_team(booked: Booked) -> None:
    second = await second_plan(booked)
    await check_in_on(booked, booked.plan_id, answers=3, k=3)  # shown on its own report
    await check_in_on(booked, second, answers=2, k=3)  # not shown on its own report
    plan_card = texts(await pressed(booked, {"plan_id": booked.plan_id}, as_=booked.owner))
    assert "Ett möte bokades på tiden (3)" in plan_card
    shown = texts((await whole_team(booked))[1])
    assert SV("learning.report.month.withheld", count=5) in shown
    assert "Ett möte bokades på tiden" not in shown  # five minus three would be the two


async def test_a_team_whose_plans_have_all_ended_is_still_reported(booked: Booked) -> None:
    session = await one_kept_one_lost(booked)
    await second_plan(booked, kept=2)
    data, _ = await whole_team(booked)
    services = booked.services
    async with services.uow() as tx:
        for plan in await tx.plans.plans_of(booked.owner):
            await tx.plans.save(replace(plan, status=PlanStatus.CANCELLED))
        await tx.commit()
    shown = texts(await pressed(booked, data, as_=booked.owner, verb=verbs.REPORT_TEAM))
    assert SV("learning.report.team.title") in shown
    assert SV("plans.hours", kept=hours(5 * session), booked=hours(6 * session)) in shown


async def test_the_team_report_stays_personal(booked: Booked) -> None:
    await second_plan(booked)
    data, _ = await whole_team(booked)
    card = await pressed(booked, data, as_=booked.owner, verb=verbs.REPORT_TEAM, group=True)
    assert SV("learning.personal_only") in texts(card)
    assert "Astrid Lindqvist" not in texts(card)


async def test_the_chooser_offers_the_whole_team(booked: Booked) -> None:
    await second_plan(booked)
    card = card_of(await typed(booked, "rapport", as_=booked.owner))
    assert team_button(card) is not None


async def test_the_cli_writes_a_groups_team_report_as_csv(
    booked: Booked, tmp_path: Path
) -> None:
    session = await one_kept_one_lost(booked)
    group = (await booked.emulator.control.add_group(
        "Security team", [booked.member, booked.silent], owner_ids=[booked.owner]))["id"]
    first = await second_plan(booked, MemberSource.of_group(group), kept=1)
    await second_plan(booked, MemberSource.of_group(group), kept=2)
    await second_plan(booked, MemberSource.of_group(group), owner=booked.member, kept=2)
    out = tmp_path / "team.csv"
    done = await report_cli(booked, "--team", group, "--by", booked.owner, "--csv", str(out),
                            plan=False)
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    value = {r["figure"]: r["value"] for r in rows if not r["person_id"]}
    assert value["plans"] == "2" and value["team"] == f"group:{group}"
    kept = {r["person_id"]: float(r["value"]) for r in rows if r["figure"] == "kept_hours"}
    assert kept[booked.member] == 3 * session.total_seconds() / 3600
    assert kept[""] == kept[booked.member] + kept[booked.silent]
    table = await report_cli(booked, "--team", f"group:{group}", "--by", booked.owner,
                             plan=False)
    assert table.exit_code == 0 and "2 plans" in table.output
    alone = await report_cli(booked, "--plan", first, "--by", booked.owner, plan=False)
    assert alone.exit_code == 0 and "2 plans" not in alone.output


@pytest.mark.parametrize(("args", "says"), [
    (["--team", "no-such-group"], "owns no plan for that team"),
    (["--team", "direct-reports"], "owns no plan for that team"),
    (["--team", "g", "--plan", "p"], "exactly one of --plan"),
    ([], "exactly one of --plan"),
])
async def test_the_cli_refuses_unclear_or_unknown_teams(
    booked: Booked, args: list[str], says: str
) -> None:
    done = await report_cli(booked, *args, "--by", booked.owner, plan=False)
    assert done.exit_code == 2 and says in done.output


async def test_the_cli_refuses_a_team_of_someone_elses_plans(booked: Booked) -> None:
    group = (await booked.emulator.control.add_group("Security team", [booked.member]))["id"]
    await second_plan(booked, MemberSource.of_group(group))
    done = await report_cli(booked, "--team", group, "--by", booked.member, plan=False)
    assert done.exit_code == 2 and "owns no plan for that team" in done.output
