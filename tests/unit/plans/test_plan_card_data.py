"""The plan card's data as Teams sends it (strings everywhere, empty inputs left out) becomes
the domain's plan spec, or problems under the inputs they are about, with every answer kept."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from cards import plan_fields as f
from teams_app.bot.plans.card_data import (
    CardProblem,
    has_form,
    parse_plan_card,
    plan_id_of,
    problems_of,
)
from teams_app.domain.cadences import Cadence, CadenceKind, Horizon
from teams_app.domain.calendar import Weekday, WeekIndex
from teams_app.domain.learning_plans import DayPart, MemberSource, MemberSourceKind, PlanMode
from teams_app.domain.plan_errors import HorizonInvalid, PlanNotOwned
from teams_app.use_cases.plans.drafts import WindowOutsideWorkingHours

TODAY = date(2026, 3, 1)


def data(**changes: Any) -> dict[str, Any]:
    """Action.Execute data exactly as the Agents Playground sends it."""
    sent: dict[str, Any] = {
        "verb": "plan.preview",
        "members": "reports",
        "mode": "personal",
        "cadence": "weekly",
        "preference": "morning",
        "days": "tue,thu",
        "window_start": "09:00",
        "window_end": "12:00",
        "duration": "45",
        "starts_on": "2026-03-02",
        "occurrences": "6",
        "goal": "  Finish the course  ",
        "material_url": "https://learn.example.com/x",
    }
    sent.update(changes)
    return {k: v for k, v in sent.items() if v is not None}


def problem_at(name: str, **changes: Any) -> list[str]:
    parsed = parse_plan_card(data(**changes), reports=("r-1", "r-2"), today=TODAY)
    return [p.key for p in parsed.problems if p.field == name]


def test_playground_strings_become_the_spec() -> None:
    parsed = parse_plan_card(data(), reports=("r-1",), today=TODAY)
    assert parsed.ok and parsed.plan_id is None
    spec = parsed.spec
    assert spec.members == MemberSource.direct_reports()
    assert spec.cadence == Cadence.weekly()
    assert spec.window.days == (Weekday.TUESDAY, Weekday.THURSDAY)
    assert (spec.window.start, spec.window.end) == (time(9, 0), time(12, 0))
    assert spec.duration_minutes == 45
    assert spec.horizon == Horizon(date(2026, 3, 2), None, 6)
    assert (spec.mode, spec.preference) == (PlanMode.PERSONAL, DayPart.MORNING)
    assert spec.goal == "Finish the course"  # trimmed for the plan
    assert parsed.answers.goal == "  Finish the course  "  # as typed, for the card
    assert spec.material_url == "https://learn.example.com/x"


def test_every_cadence_on_the_card_parses() -> None:
    for value in f.CADENCES:
        parsed = parse_plan_card(data(cadence=value, days="tue"), today=TODAY)
        assert not [p for p in parsed.problems if p.field == f.CADENCE], value
    monthly = parse_plan_card(data(cadence="monthly:first", days="tue"), today=TODAY).spec
    assert monthly.cadence.kind is CadenceKind.MONTHLY_RELATIVE
    assert monthly.cadence.week is WeekIndex.FIRST and monthly.window.days == (Weekday.TUESDAY,)
    every_two = parse_plan_card(data(cadence="weeks:2"), today=TODAY).spec.cadence
    assert every_two == Cadence.weekly(every_weeks=2)


def test_members_reports_people_and_groups() -> None:
    def source(members: str) -> MemberSource:
        parsed = parse_plan_card(data(members=members), reports=("r-1", "r-2"), today=TODAY)
        return parsed.spec.members

    assert source("user:u-1,user:u-2") == MemberSource.of_people("u-1", "u-2")
    # Reports plus someone else: everyone by name (the domain's source is one kind).
    assert source("reports,user:u-9,user:r-1") == MemberSource.of_people("r-1", "r-2", "u-9")
    assert source("group:g-1") == MemberSource.of_group("g-1")
    assert problem_at(f.MEMBERS, members="group:g-1,user:u-1") == ["plan.error.members_mixed"]
    assert problem_at(f.MEMBERS, members="group:g-1,group:g-2") == ["plan.error.members_mixed"]
    assert problem_at(f.MEMBERS, members=None) == ["plan.error.no_members"]
    assert problem_at(f.MEMBERS, members=" , ") == ["plan.error.no_members"]
    # Unknown values are one problem, not also "no members".
    assert problem_at(f.MEMBERS, members="everyone") == ["plan.error.choice"]
    assert problem_at(f.MEMBERS, members="user:") == ["plan.error.choice"]


@pytest.mark.parametrize(("name", "changes", "key"), [
    (f.DURATION, {"duration": "abc"}, "plan.error.duration"),
    (f.DURATION, {"duration": "4.5"}, "plan.error.duration"),
    (f.DURATION, {"duration": "inf"}, "plan.error.duration"),
    (f.DURATION, {"duration": None}, "plan.error.duration"),
    (f.DURATION, {"duration": "10"}, "plan.error.duration"),
    (f.DURATION, {"duration": "241"}, "plan.error.duration"),
    (f.DURATION, {"duration": "240", "window_end": "10:00"},
     "plan.error.duration_longer_than_window"),
    (f.OCCURRENCES, {"occurrences": "six"}, "plan.error.occurrences"),
    (f.OCCURRENCES, {"occurrences": "105"}, "plan.error.occurrences"),
    (f.WINDOW_START, {"window_start": "25:00"}, "plan.error.time"),
    (f.WINDOW_END, {"window_end": None}, "plan.error.time"),
    (f.WINDOW_END, {"window_end": "08:00"}, "plan.error.window_order"),
    (f.WINDOW_START, {"window_start": "09:05"}, "plan.error.window_quarter"),
    (f.DAYS, {"days": None}, "plan.error.no_days"),
    (f.DAYS, {"days": "tue,someday"}, "plan.error.choice"),
    (f.STARTS_ON, {"starts_on": "02/03/2026"}, "plan.error.date"),
    (f.STARTS_ON, {"starts_on": "2026-02-29"}, "plan.error.date"),
    (f.STARTS_ON, {"starts_on": None}, "plan.error.date_required"),
    (f.STARTS_ON, {"starts_on": "2026-01-05"}, "plan.error.starts_in_past"),
    (f.STARTS_ON, {"starts_on": "2028-01-03"}, "plan.error.starts_too_late"),
    (f.ENDS_ON, {"ends_on": "2026-03-20"}, "plan.error.end_and_count"),
    (f.ENDS_ON, {"occurrences": None}, "plan.error.no_end"),
    (f.ENDS_ON, {"occurrences": None, "ends_on": "2026-03-01"}, "plan.error.horizon_order"),
    (f.ENDS_ON, {"occurrences": None, "ends_on": "2027-06-01"}, "plan.error.too_long"),
    (f.ENDS_ON, {"occurrences": None, "ends_on": "2026-03-02"}, "plan.error.no_occurrences"),
    (f.CADENCE, {"cadence": "weeks:0"}, "plan.error.choice"),
    (f.CADENCE, {"cadence": "monthly:fifth"}, "plan.error.choice"),
    (f.MODE, {"mode": "together"}, "plan.error.choice"),
    (f.PREFERENCE, {"preference": "night"}, "plan.error.choice"),
    (f.GOAL, {"goal": None}, "plan.error.goal_required"),
    (f.GOAL, {"goal": "g" * 501}, "plan.error.goal_too_long"),
    (f.MATERIAL_URL, {"material_url": "http://learn.example.com"}, "plan.error.material_url"),
    (f.MATERIAL_URL, {"material_url": "https://"}, "plan.error.material_url"),
])
def test_each_bad_answer_is_one_problem_under_its_input(
    name: str, changes: dict[str, Any], key: str
) -> None:
    parsed = parse_plan_card(data(**changes), reports=("r-1",), today=TODAY)
    assert [p.key for p in parsed.problems if p.field == name] == [key]
    assert not parsed.ok


def test_a_stand_in_value_never_blames_another_input() -> None:
    # The end cannot be read: the window is not called too short for the duration.
    parsed = parse_plan_card(data(window_end="late", duration="120"), today=TODAY)
    assert [(p.field, p.key) for p in parsed.problems] == [(f.WINDOW_END, "plan.error.time")]
    # The start date cannot be read: no horizon problem about the stand-in.
    parsed = parse_plan_card(data(starts_on="soon", ends_on="2026-04-01", occurrences=None),
                             today=TODAY)
    assert [(p.field, p.key) for p in parsed.problems] == [(f.STARTS_ON, "plan.error.date")]


def test_answers_come_back_as_sent_even_when_wrong() -> None:
    parsed = parse_plan_card(
        data(duration="300", days="tue,someday", window_start="9", starts_on="soon"),
        today=TODAY,
    )
    answers = parsed.answers
    assert answers.duration_minutes == 300
    assert answers.days == ("tue", "someday")
    assert (answers.window_start, answers.starts_on) == ("9", "soon")
    assert answers.members == ("reports",) and answers.goal == "  Finish the course  "
    keys = [p.field for p in parsed.problems]
    assert keys == sorted(keys, key=[f.DAYS, f.WINDOW_START, f.DURATION, f.STARTS_ON].index)


def test_odd_data_never_raises() -> None:
    for odd in (None, "text", [1, 2], {"members": {"a": 1}, "duration": ["1"]},
                {"duration": 45, "occurrences": 3, "days": ["tue", "thu"]}):
        parsed = parse_plan_card(odd, today=TODAY)
        assert isinstance(parsed.problems, tuple)
    numbers = parse_plan_card(data(duration=45, occurrences=3, days=["tue", "thu"]), today=TODAY)
    assert numbers.ok and numbers.spec.duration_minutes == 45
    assert numbers.spec.window.days == (Weekday.TUESDAY, Weekday.THURSDAY)


def test_an_edit_carries_its_plan_id_and_may_keep_a_past_start() -> None:
    parsed = parse_plan_card(data(plan_id=" p-7 ", starts_on="2026-01-05"), today=None)
    assert parsed.plan_id == "p-7" and parsed.ok
    assert has_form(data()) and not has_form({"verb": "plan.book", "plan_id": "p-7"})
    assert plan_id_of({"plan_id": ""}) is None and plan_id_of("p-7") is None


def test_domain_errors_from_a_use_case_land_under_their_input() -> None:
    spec = parse_plan_card(data(), today=TODAY).spec
    assert problems_of([WindowOutsideWorkingHours()], spec) == [
        CardProblem(f.WINDOW_START, "plan.error.outside_working_hours")]
    assert problems_of([HorizonInvalid("starts_in_past")], spec) == [
        CardProblem(f.STARTS_ON, "plan.error.starts_in_past")]
    assert problems_of([PlanNotOwned()], spec)[0].key == "plan.error.invalid"
    assert spec.members.kind is MemberSourceKind.DIRECT_REPORTS
