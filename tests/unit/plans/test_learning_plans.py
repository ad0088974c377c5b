"""Learning plans: validation with stable codes, ownership, edits, session dates, event drafts."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from teams_app.domain.cadences import Cadence, CadenceKind, Horizon, LearningWindow
from teams_app.domain.calendar import RecurrenceKind, ShowAs, Weekday, WeekIndex
from teams_app.domain.directory import Person
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import (
    CancelPlan,
    CreatePlan,
    EditPlan,
    LearningPlan,
    MemberSource,
    PlanCancelled,
    PlanCreated,
    PlanMode,
    PlanSpec,
    PlanStatus,
    check,
    member_changes,
)
from teams_app.domain.plan_errors import (
    CadenceInvalid,
    DurationLongerThanWindow,
    DurationOutOfRange,
    GoalTooLong,
    HorizonInvalid,
    MaterialLinkNotHttps,
    NoMembers,
    PlanAlreadyCancelled,
    PlanError,
    PlanNotOwned,
    WindowInvalid,
)
from teams_app.domain.slot_events import (
    SlotTexts,
    series_since,
    slot_event_draft,
    slot_transaction_id,
    team_session_draft,
)
from teams_app.domain.slots import SlotTime, last_day_before

MON, TUE, WED, THU, FRI = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)
NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
OWNER = "owner-1"


def a_spec(**changes: object) -> PlanSpec:
    spec = PlanSpec(
        members=MemberSource.of_people("m1", "m2"),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow((MON, TUE, WED, THU), time(9), time(16)),
        horizon=Horizon(date(2026, 3, 2), end=date(2026, 4, 30)),
        goal="Finish the Azure fundamentals path",
        material_url="https://learn.example.com/azure",
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


def a_plan(**changes: object) -> LearningPlan:
    plan, _ = LearningPlan.create(CreatePlan(OWNER, a_spec(**changes)), plan_id="plan-1", at=NOW)
    return plan


def codes(spec: PlanSpec, **kwargs: object) -> list[str]:
    return [problem.code for problem in check(spec, **kwargs)]  # type: ignore[arg-type]


# --- creating and validating ---------------------------------------------------------------


def test_a_valid_plan_is_created_with_its_event() -> None:
    plan, event = LearningPlan.create(CreatePlan(OWNER, a_spec()), plan_id="plan-1", at=NOW)
    assert (plan.id, plan.owner_id, plan.revision, plan.status) == (
        "plan-1",
        OWNER,
        1,
        PlanStatus.ACTIVE,
    )
    assert event == PlanCreated("plan-1", OWNER, 1, PlanMode.PERSONAL, NOW)
    assert plan.spec.show_as is ShowAs.BUSY and plan.spec.category == "Learning time"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"members": MemberSource.of_people()}, NoMembers),
        ({"members": MemberSource.of_people("  ")}, NoMembers),
        ({"members": MemberSource.of_group("")}, NoMembers),
        ({"duration_minutes": 14}, DurationOutOfRange),
        ({"duration_minutes": 241}, DurationOutOfRange),
        (
            {"window": LearningWindow((MON,), time(9), time(10)), "duration_minutes": 90},
            DurationLongerThanWindow,
        ),
        ({"window": LearningWindow((), time(9), time(16))}, WindowInvalid),
        ({"window": LearningWindow((MON,), time(16), time(9))}, WindowInvalid),
        ({"window": LearningWindow((MON,), time(9, 10), time(16))}, WindowInvalid),
        ({"cadence": Cadence.weekly(every_weeks=0)}, CadenceInvalid),
        ({"cadence": Cadence(CadenceKind.MONTHLY_RELATIVE)}, CadenceInvalid),
        ({"cadence": Cadence.monthly_on_day(31)}, CadenceInvalid),
        ({"cadence": Cadence.weekly(days=(FRI,))}, CadenceInvalid),  # Friday not in the window
        ({"material_url": "http://learn.example.com"}, MaterialLinkNotHttps),
        ({"material_url": "javascript:alert(1)"}, MaterialLinkNotHttps),
        ({"material_url": "https://"}, MaterialLinkNotHttps),
        ({"material_url": "https://exa mple.com"}, MaterialLinkNotHttps),
        ({"goal": "x" * 501}, GoalTooLong),
    ],
)
def test_bad_input_raises_a_coded_domain_error(
    changes: dict[str, object], error: type[PlanError]
) -> None:
    with pytest.raises(error) as raised:
        LearningPlan.create(CreatePlan(OWNER, a_spec(**changes)), plan_id="p", at=NOW)
    assert isinstance(raised.value, DomainError)
    assert raised.value.code.startswith("plan_")


@pytest.mark.parametrize(
    ("horizon", "reason"),
    [
        (Horizon(date(2026, 3, 2), end=date(2026, 4, 1), occurrences=3), "end_and_count"),
        (Horizon(date(2026, 3, 2)), "no_end"),
        (Horizon(date(2026, 3, 2), end=date(2026, 3, 1)), "end_before_start"),
        (Horizon(date(2026, 3, 2), end=date(2027, 3, 10)), "too_long"),
        (Horizon(date(2026, 3, 2), occurrences=0), "count_out_of_range"),
        (Horizon(date(2026, 3, 2), occurrences=105), "count_out_of_range"),
        (Horizon(date(2026, 2, 10), end=date(2026, 4, 1)), "starts_in_past"),
        (Horizon(date(2027, 6, 1), end=date(2027, 7, 1)), "starts_too_late"),
        (Horizon(date(2026, 3, 6), end=date(2026, 3, 8)), "no_occurrences"),  # Fri–Sun
    ],
)
def test_horizon_problems_have_stable_reasons(horizon: Horizon, reason: str) -> None:
    with pytest.raises(HorizonInvalid) as raised:
        LearningPlan.create(CreatePlan(OWNER, a_spec(horizon=horizon)), plan_id="p", at=NOW)
    assert raised.value.code == "plan_horizon_invalid"
    assert raised.value.reason == reason


def test_a_count_that_runs_past_a_year_is_too_long() -> None:
    spec = a_spec(
        cadence=Cadence.weekly(every_weeks=4), horizon=Horizon(date(2026, 3, 2), occurrences=20)
    )
    assert [p.reason for p in check(spec) if isinstance(p, HorizonInvalid)] == ["too_long"]


def test_check_lists_every_problem_in_field_order_and_create_raises_the_first() -> None:
    spec = a_spec(members=MemberSource.of_people(), duration_minutes=5, material_url="ftp://x")
    assert codes(spec) == [
        "plan_no_members",
        "plan_duration_out_of_range",
        "plan_material_not_https",
    ]
    assert [p.field for p in check(spec)] == ["members", "duration", "material_url"]
    with pytest.raises(NoMembers):
        LearningPlan.create(CreatePlan(OWNER, spec), plan_id="p", at=NOW)


def test_today_is_judged_generously_because_the_start_is_a_local_date() -> None:
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # still 1 March in Honolulu
    assert (
        codes(
            a_spec(horizon=Horizon(date(2026, 3, 1), occurrences=4)),
            today=(at - timedelta(days=1)).date(),
        )
        == []
    )
    LearningPlan.create(
        CreatePlan(OWNER, a_spec(horizon=Horizon(date(2026, 3, 1), occurrences=4))),
        plan_id="p",
        at=at,
    )
    with pytest.raises(HorizonInvalid):
        LearningPlan.create(
            CreatePlan(OWNER, a_spec(horizon=Horizon(date(2026, 2, 28), occurrences=4))),
            plan_id="p",
            at=at,
        )


def test_groups_and_direct_reports_are_resolved_later_and_may_turn_out_empty() -> None:
    plan = a_plan(members=MemberSource.direct_reports())
    assert plan.resolve_members(["a", "b", "a", " "]) == ("a", "b")
    with pytest.raises(NoMembers):
        plan.resolve_members([])


def test_member_changes_book_newcomers_and_release_leavers() -> None:
    changes = member_changes(booked=["a", "b", "c"], current=["b", "c", "d", "d"])
    assert (changes.to_book, changes.to_release) == (("d",), ("a",))


def test_free_text_stays_out_of_repr() -> None:
    spec = a_spec(goal="I struggle with pivot tables", material_url="https://x.example/secret")
    for value in (spec, CreatePlan(OWNER, spec), a_plan(goal="I struggle with pivot tables")):
        assert "pivot" not in repr(value) and "secret" not in repr(value)


# --- editing and cancelling ----------------------------------------------------------------


def test_only_the_owner_edits_or_cancels() -> None:
    plan = a_plan()
    with pytest.raises(PlanNotOwned) as raised:
        plan.edit(EditPlan(plan.id, "someone-else", a_spec()), at=NOW)
    assert raised.value.code == "plan_not_owned"
    with pytest.raises(PlanNotOwned):
        plan.cancel(CancelPlan(plan.id, by="someone-else"), at=NOW)


def test_a_text_edit_updates_events_and_a_time_edit_rebooks() -> None:
    plan = a_plan()
    later = NOW + timedelta(days=20)  # the plan is running: its start is in the past now
    texts, event = plan.edit(EditPlan(plan.id, OWNER, a_spec(goal="New goal")), at=later)
    assert (texts.revision, event.revision, event.rebook) == (2, 2, False)
    assert texts.spec.goal == "New goal" and texts.updated_at == later
    times, event = texts.edit(EditPlan(plan.id, OWNER, a_spec(duration_minutes=45)), at=later)
    assert (times.revision, event.rebook) == (3, True)


def test_moving_the_start_into_the_past_is_refused() -> None:
    plan = a_plan()
    with pytest.raises(HorizonInvalid):
        plan.edit(
            EditPlan(plan.id, OWNER, a_spec(horizon=Horizon(date(2026, 1, 5), occurrences=3))),
            at=NOW,
        )


def test_a_cancelled_plan_cannot_be_edited_or_cancelled_again() -> None:
    plan = a_plan()
    cancelled, event = plan.cancel(CancelPlan(plan.id, by=OWNER), at=NOW)
    assert cancelled.status is PlanStatus.CANCELLED
    assert event == PlanCancelled(plan.id, 1, NOW)
    with pytest.raises(PlanAlreadyCancelled):
        cancelled.edit(EditPlan(plan.id, OWNER, a_spec()), at=NOW)
    with pytest.raises(PlanAlreadyCancelled):
        cancelled.cancel(CancelPlan(plan.id, by=OWNER), at=NOW)


# --- session dates -------------------------------------------------------------------------


def test_one_session_a_week_on_each_window_day_or_on_the_fixed_days() -> None:
    assert a_spec().day_patterns() == ((MON,), (TUE,), (WED,), (THU,))
    fixed = a_spec(cadence=Cadence.weekly(days=(THU, TUE)))
    assert fixed.day_patterns() == ((TUE, THU),)
    assert fixed.occurrence_dates((TUE, THU))[:3] == [
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 10),
    ]
    assert a_spec(cadence=Cadence.monthly_on_day(15)).day_patterns() == ((),)


def test_every_n_weeks_counts_from_the_start_week_like_outlook() -> None:
    spec = a_spec(
        cadence=Cadence.weekly(every_weeks=2), horizon=Horizon(date(2026, 3, 4), occurrences=3)
    )  # a Wednesday
    # Monday of the start week is before the start, so the first is two weeks on.
    assert spec.occurrence_dates((MON,)) == [
        date(2026, 3, 16),
        date(2026, 3, 30),
        date(2026, 4, 13),
    ]
    assert spec.occurrence_dates((THU,)) == [date(2026, 3, 5), date(2026, 3, 19), date(2026, 4, 2)]


@pytest.mark.parametrize(
    ("cadence", "days", "expected"),
    [
        (
            Cadence.monthly_on(WeekIndex.FIRST),
            (TUE,),
            [date(2026, 3, 3), date(2026, 4, 7), date(2026, 5, 5), date(2026, 6, 2)],
        ),
        (
            Cadence.monthly_on(WeekIndex.LAST),
            (FRI,),
            [date(2026, 3, 27), date(2026, 4, 24), date(2026, 5, 29), date(2026, 6, 26)],
        ),
        (
            Cadence.monthly_on(WeekIndex.FOURTH),
            (MON,),
            [date(2026, 3, 23), date(2026, 4, 27), date(2026, 5, 25), date(2026, 6, 22)],
        ),
        (
            Cadence.monthly_on(WeekIndex.SECOND, every_months=2),
            (WED,),
            [date(2026, 3, 11), date(2026, 5, 13), date(2026, 7, 8), date(2026, 9, 9)],
        ),
        (
            Cadence.monthly_on_day(15),
            (),
            [date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15), date(2026, 6, 15)],
        ),
        (
            Cadence.monthly_on_day(1),
            (),  # the 1st of March is before the start
            [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)],
        ),
    ],
)
def test_monthly_rules(cadence: Cadence, days: tuple[Weekday, ...], expected: list[date]) -> None:
    window = LearningWindow((MON, TUE, WED, THU, FRI), time(9), time(16))
    spec = a_spec(cadence=cadence, window=window, horizon=Horizon(date(2026, 3, 2), occurrences=4))
    assert check(spec) == ()
    assert spec.occurrence_dates(days) == expected


def test_an_end_date_is_inclusive() -> None:
    spec = a_spec(horizon=Horizon(date(2026, 3, 2), end=date(2026, 3, 16)))
    assert spec.occurrence_dates((MON,)) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]


# --- event drafts ---------------------------------------------------------------------------


def test_a_member_draft_states_goal_material_and_protection() -> None:
    plan = a_plan(goal="Learn <b>Power BI</b> & DAX")
    slot = SlotTime((TUE,), time(10), "Europe/Stockholm")
    draft = slot_event_draft(plan, "m1", slot)
    assert draft.subject == "Learning time: Learn <b>Power BI</b> & DAX"
    assert "Learn &lt;b&gt;Power BI&lt;/b&gt; &amp; DAX" in draft.body_html
    assert '<a href="https://learn.example.com/azure">' in draft.body_html
    assert "Study before the session" in draft.body_html
    assert "protected for learning" in draft.body_html
    assert (draft.start, draft.end) == (datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 11))
    assert draft.time_zone == "Europe/Stockholm"
    assert draft.reminder_minutes == 15 and draft.categories == ("Learning time",)
    assert draft.show_as is ShowAs.BUSY and not draft.online_meeting
    rule = draft.recurrence
    assert rule is not None and rule.kind is RecurrenceKind.WEEKLY
    assert (rule.days, rule.start_date, rule.end_date, rule.count, rule.interval) == (
        (TUE,),
        date(2026, 3, 3),
        date(2026, 4, 30),
        None,
        1,
    )


def test_drafts_use_translated_texts_and_count_ranges() -> None:
    plan = a_plan(horizon=Horizon(date(2026, 3, 2), occurrences=6), material_url=None, goal="")
    texts = SlotTexts(subject="Lärtid", protected="Den här tiden är skyddad.")
    draft = slot_event_draft(
        plan, "m1", SlotTime((THU,), time(14, 30), "Europe/London"), texts=texts
    )
    assert draft.subject == "Lärtid" and "Den här tiden är skyddad." in draft.body_html
    assert "<a " not in draft.body_html
    assert draft.recurrence is not None and draft.recurrence.count == 6
    assert draft.start == datetime(2026, 3, 5, 14, 30)


def test_an_edits_series_starts_after_the_sessions_already_given() -> None:
    """Three weeks into a plan of six Tuesday sessions, an edit on Wednesday 18 March moves
    them to Monday: the Monday of that week is not booked (its session took place on
    Tuesday), so the new series starts on 23 March with the three sessions left."""
    plan = a_plan(horizon=Horizon(date(2026, 3, 2), occurrences=6))
    old = SlotTime((TUE,), time(10), "Europe/Stockholm")
    new = SlotTime((MON,), time(14), "Europe/Stockholm")
    edited = datetime(2026, 3, 18, 8, 0, tzinfo=UTC)
    since = series_since(plan, new, edited, old)
    assert since == datetime(2026, 3, 23, 13, 0, tzinfo=UTC)
    draft = slot_event_draft(plan, "m1", new, since=since)
    assert draft.start == datetime(2026, 3, 23, 14)
    rule = draft.recurrence
    assert rule is not None and (rule.start_date, rule.count) == (date(2026, 3, 23), 3)
    # Without a series before (a member who joins with the edit): the next Monday on.
    assert series_since(plan, new, edited, None) == datetime(2026, 3, 23, 13, 0, tzinfo=UTC)
    # Nothing left once every session was given.
    assert series_since(plan, new, datetime(2026, 4, 8, tzinfo=UTC), old) is None


def test_an_older_series_ends_on_its_last_day_with_a_session_before_the_edit() -> None:
    slot = SlotTime((TUE,), time(10), "Europe/Stockholm")  # 09:00 UTC in winter
    before = datetime(2026, 3, 17, 8, 59, tzinfo=UTC)
    after = datetime(2026, 3, 17, 9, 1, tzinfo=UTC)
    assert last_day_before(slot, before) == date(2026, 3, 16)  # that day's had not started
    assert last_day_before(slot, after) == date(2026, 3, 17)  # it had: it stays


def test_monthly_drafts_carry_their_rule() -> None:
    plan = a_plan(
        cadence=Cadence.monthly_on(WeekIndex.LAST),
        window=LearningWindow((FRI,), time(9), time(12)),
        horizon=Horizon(date(2026, 3, 2), occurrences=3),
    )
    draft = slot_event_draft(plan, "m1", SlotTime((FRI,), time(9), "America/New_York"))
    rule = draft.recurrence
    assert rule is not None and rule.kind is RecurrenceKind.MONTHLY_RELATIVE
    assert (rule.week_index, rule.days, rule.start_date) == (
        WeekIndex.LAST,
        (FRI,),
        date(2026, 3, 27),
    )


def test_transaction_ids_are_stable_per_plan_member_and_revision() -> None:
    first = slot_transaction_id("plan-1", "m1", 1)
    assert first == slot_transaction_id("plan-1", "m1", 1)
    assert uuid.UUID(first).version == 5
    assert (
        len(
            {
                first,
                slot_transaction_id("plan-1", "m2", 1),
                slot_transaction_id("plan-1", "m1", 2),
                slot_transaction_id("plan-2", "m1", 1),
            }
        )
        == 4
    )
    plan = a_plan()
    slot = SlotTime((MON,), time(9), "Europe/Stockholm")
    assert slot_event_draft(plan, "m1", slot).transaction_id == slot_transaction_id(
        "plan-1", "m1", 1
    )


def test_a_team_session_is_an_online_meeting_inviting_the_members() -> None:
    plan = a_plan(mode=PlanMode.TEAM_SESSION)
    people = [Person("owner-1", "Anna", "anna@x"), Person("m1", "Ben", "ben@x", mail="b@x")]
    draft = team_session_draft(plan, SlotTime((WED,), time(15), "Europe/Stockholm"), people)
    assert draft.online_meeting
    assert [(a.address, a.name) for a in draft.attendees] == [("b@x", "Ben")]
    assert draft.transaction_id not in {slot_transaction_id("plan-1", "m1", 1)}
    assert draft.start == datetime(2026, 3, 4, 15)
