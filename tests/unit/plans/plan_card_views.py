"""Views for the protected-learning-time cards, built from the catalogs as a presenter does,
with sample people and plans. Used by test_plan_cards.py and for rendering the cards to look at
(e.g. in the Agents Playground)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from cards import (
    BookingProgressView,
    BookingSummaryView,
    Choice,
    Fact,
    FieldError,
    LeaveChoice,
    MemberLeftView,
    MemberPlanSummary,
    MembershipsView,
    MoveChoice,
    PlanFormValues,
    PlanFormView,
    PlanPreviewView,
    PlansListView,
    PlanSummary,
    ProposedSlot,
    ReachNotice,
    SlotBookedView,
    SlotCollisionView,
    Translator,
    Unbookable,
    booking_progress_card,
    booking_summary_card,
    member_left_card,
    plan_form_card,
    plan_form_labels,
    plan_preview_card,
    plans_list_card,
    slot_booked_card,
    slot_collision_card,
)
from cards import plan_fields as f
from teams_app.bot.formatting import decimal, long_date, minutes, time_of_day, time_range, weekday
from teams_app.bot.reach import reach_notice
from teams_app.domain.calendar import Weekday
from teams_app.domain.reach import Unreachable, UnreachablePerson

PEOPLE = ("Astrid Lindqvist", "Bram de Vries", "Chiara Rossi", "Dmitri Ivanov", "Emma Schulz",
          "Farah Haddad")
GOAL = "Finish the cloud security course and try one new control in our own subscription"
MATERIAL = "https://learn.example.com/paths/cloud-security"
FIRST_SESSION = date(2026, 3, 3)
MEMBER_ID = "00000000-0000-0000-0000-0000000000b2"


def day_names(t: Translator) -> tuple[str, ...]:
    return tuple(weekday(t, d) for d in Weekday)


def described(t: Translator, cadence: str, day: Weekday, start: int, end: int) -> str:
    """A plan's line as the presenter writes it: cadence · days · window · length."""
    return " · ".join((cadence, weekday(t, day), time_range(t, time(start), time(end)),
                       minutes(t, 60)))


def people_choices(t: Translator) -> tuple[Choice, ...]:
    return (
        Choice(f.MEMBERS_DIRECT_REPORTS, t("plan.form.members.reports", count=6)),
        Choice(f"{f.MEMBERS_GROUP_PREFIX}g-1", t("plan.form.members.group",
                                                 name="Learning Circle", count=8)),
        *(Choice(f"{f.MEMBERS_USER_PREFIX}u-{i}", name) for i, name in enumerate(PEOPLE)),
    )


def new_plan_view(t: Translator) -> PlanFormView:
    return PlanFormView(
        title=t("plan.form.title.new"),
        intro=t("plan.form.intro"),
        labels=plan_form_labels(t, day_names=day_names(t)),
        people=people_choices(t),
        values=PlanFormValues(starts_on="2026-03-02"),
    )


def edit_plan_view(t: Translator) -> PlanFormView:
    """Editing plan p-7 after a Preview with bad input: the answers stay, errors show."""
    return PlanFormView(
        title=t("plan.form.title.edit"),
        intro=t("plan.form.intro"),
        labels=plan_form_labels(t, day_names=day_names(t)),
        people=people_choices(t),
        values=PlanFormValues(
            members=(f.MEMBERS_DIRECT_REPORTS, "user:u-2"), cadence="monthly:first",
            days=("tue", "thu"), window_start="13:00", window_end="16:00", duration_minutes=300,
            preference="afternoon", mode="team", starts_on="2026-03-03", occurrences=6,
            goal=GOAL, material_url="learn.example.com/cloud",
        ),
        errors=(
            FieldError(f.DURATION, t("plan.error.duration", min=15, max=240)),
            FieldError(f.MATERIAL_URL, t("plan.error.material_url")),
        ),
        notice=t("plan.error.not_owner"),
        plan_id="p-7",
        revision=3,
    )


def preview_view(t: Translator, rows: int = 6) -> PlanPreviewView:
    names = [PEOPLE[i % len(PEOPLE)] for i in range(rows)]
    zones = ("Stockholm", "Amsterdam", "Berlin", "London")
    slots = tuple(
        ProposedSlot(
            member=name,
            when=(f"{weekday(t, Weekday.TUESDAY)} "
                  f"{time_range(t, time(9 + i % 3), time(10 + i % 3))} ({zones[i % 4]})"),
            conflicts=(t("plan.preview.conflicts.some", count=2, total=13) if i % 3 == 1
                       else t("plan.preview.conflicts.none")),
            has_conflicts=i % 3 == 1,
        )
        for i, name in enumerate(names)
    )
    cadence = t("plan.cadence.weekly")
    return PlanPreviewView(
        plan_id="p-7",
        revision=1,
        title=t("plan.preview.title"),
        summary=described(t, cadence, Weekday.TUESDAY, 9, 12) + ". "
        + t("plan.horizon.sessions", start=long_date(t, FIRST_SESSION), count=13) + ".",
        goal=GOAL,
        slots_heading=t("plan.preview.slots_heading"),
        member_header=t("plan.preview.member"),
        time_header=t("plan.preview.time"),
        conflicts_header=t("plan.preview.conflicts"),
        slots=slots,
        conflicts_note=t("plan.preview.conflicts_note"),
        unbookable_heading=t("plan.preview.unbookable_heading"),
        unbookable=(
            Unbookable("Gustav Holm", t("plan.reason.no_free_time")),
            Unbookable("Room 4.12", t("plan.reason.no_mailbox")),
            Unbookable("Ines Duarte (Contoso)", t("plan.reason.outside_tenant")),
            Unbookable("Jun Tanaka", t("plan.reason.outside_working_hours")),
        ),
        book_button=t("plan.preview.book"),
        edit_button=t("plan.preview.edit"),
        discard_button=t("plan.preview.discard"),
    )


def edit_preview_view(t: Translator) -> PlanPreviewView:
    """The preview of an edit of plan p-7 (revision 3): nothing stored, Save carries it."""
    return replace(
        preview_view(t),
        discard_button=None,
        revision=3,
        book_button=t("plan.preview.save"),
        edit_answers=edit_plan_view(t).values,
    )


def progress_view(t: Translator) -> BookingProgressView:
    return BookingProgressView(
        plan_id="p-7",
        title=t("plan.booking.title"),
        progress=t("plan.booking.progress", done=12, total=30),
        booked=11,
        failed=1,
        total=30,
        counts=(Fact(t("plan.booking.booked"), "11"), Fact(t("plan.booking.failed"), "1")),
        note=t("plan.booking.note"),
    )


def reach_sample(t: Translator, *, missed: int = 0) -> ReachNotice | None:
    """Two people the plan's cards do not reach, for different reasons."""
    since = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    return reach_notice(
        t,
        (UnreachablePerson("u-1", Unreachable.INSTALL_BLOCKED, since),
         UnreachablePerson("u-2", Unreachable.UNINSTALLED, since)),
        {"u-1": "Karin Nyström", "u-2": "Pieter Bakker"},
        missed_cards=missed,
    )


def summary_view(t: Translator) -> BookingSummaryView:
    return BookingSummaryView(
        plan_id="p-7",
        title=t("plan.summary.title"),
        summary=t("plan.summary.line", booked=27, total=30),
        counts=(
            Fact(t("plan.summary.booked"), "24"),
            Fact(t("plan.summary.already"), "3"),
            Fact(t("plan.summary.failed"), "3"),
        ),
        failures_heading=t("plan.summary.failures_heading"),
        failures=(
            Unbookable("Gustav Holm", t("plan.reason.no_free_time")),
            Unbookable("Room 4.12", t("plan.reason.no_mailbox")),
            Unbookable("Jun Tanaka", t("plan.reason.forbidden")),
        ),
        plans_hint=t("plan.summary.plans_hint"),
        plans_button=t("plan.summary.plans_button"),
        reach=reach_sample(t),
    )


def edit_summary_view(t: Translator) -> BookingSummaryView:
    """After Save of a new time: 27 moved, 1 kept its old time, 2 without a slot now."""
    return replace(
        summary_view(t),
        title=t("plan.change.title"),
        summary=t("plan.change.line", changed=27, total=28),
        counts=(
            Fact(t("plan.change.moved"), "27"),
            Fact(t("plan.change.updated"), "0"),
            Fact(t("plan.change.unchanged"), "1"),
            Fact(t("plan.summary.failed"), "3"),
        ),
    )


def plans_view(t: Translator, plans: int = 3) -> PlansListView:
    samples = (
        (GOAL + ". " + GOAL, t("plan.cadence.weekly"), Weekday.TUESDAY, 6, 12.5, 16.0, None),
        ("Flipped classroom: read before Thursday's discussion", t("plan.cadence.weeks", count=2),
         Weekday.THURSDAY, 8, 0.0, 0.0, t("plans.status.booking")),
        ("Python for analysts", t("plan.cadence.monthly.first"), Weekday.MONDAY, 1, 2.25, 4.0,
         None),
    )
    summaries = []
    for i in range(plans):
        title, cadence, day, members, kept, booked, status = samples[i % len(samples)]
        summaries.append(PlanSummary(
            plan_id=f"p-{i}",
            revision=i + 1,
            title=title,
            cadence=described(t, cadence, day, 10, 11),
            members=(t("plan.people.one") if members == 1
                     else t("plan.people.other", count=members)),
            hours=(t("plans.hours", kept=decimal(t, kept), booked=decimal(t, booked)) if booked
                   else t("plans.hours.none")),
            kept_hours=kept,
            booked_hours=booked,
            status=t("plans.status.draft") if i % 3 == 1 else status,
            cancel_question=t("plans.discard.question" if i % 3 == 1
                              else "plans.cancel.question"),
            draft=i % 3 == 1,  # not booked yet: discarded, not cancelled
            reach=reach_sample(t, missed=3) if i == 0 else None,
        ))
    return PlansListView(
        title=t("plans.title"),
        intro=t("plans.intro"),
        plans=tuple(summaries),
        empty=t("plans.empty"),
        kept_legend=t("plans.chart.kept"),
        lost_legend=t("plans.chart.lost"),
        hours_title=t("plans.chart.title"),
        edit_button=t("plans.edit"),
        cancel_button=t("plans.cancel"),
        confirm_cancel_button=t("plans.cancel.confirm"),
        discard_button=t("plans.discard"),
        confirm_discard_button=t("plans.discard.confirm"),
        new_plan_button=t("plans.new"),
    )


def booked_view(t: Translator, *, material: bool = True) -> SlotBookedView:
    return SlotBookedView(
        title=t("slot.booked.title"),
        intro=t("slot.booked.intro", name="Anna Berg"),
        facts=(
            Fact(t("slot.booked.when"),
                 f"{weekday(t, Weekday.TUESDAY)} {time_range(t, time(10), time(11))} (CET)"),
            Fact(t("slot.booked.how_often"), t("plan.cadence.weekly")),
            Fact(t("slot.booked.first"), long_date(t, FIRST_SESSION)),
        ),
        goal_heading=t("slot.booked.goal"),
        goal=GOAL,
        protected_note=t("slot.booked.protected"),
        material_button=t("slot.booked.material") if material else None,
        material_url=MATERIAL if material else None,
        leave=leave_choice(t, "p-7", 3),
    )


def leave_choice(t: Translator, plan_id: str, revision: int) -> LeaveChoice:
    return LeaveChoice(plan_id, revision, MEMBER_ID, t("plans.leave"),
                       t("plans.leave.question"), t("plans.leave.confirm"))


def memberships_view(t: Translator, plans: int = 2) -> MembershipsView:
    samples = (
        (GOAL, Weekday.TUESDAY, 10, 1.5, 2.0, 6.0),
        ("Spanish for the Madrid office", Weekday.FRIDAY, 14, 0.0, 0.0, 8.0),
    )
    summaries = []
    for i in range(plans):
        title, day, hour, kept, due, ahead = samples[i % len(samples)]
        start = f"{weekday(t, day)} {time_range(t, time(hour), time(hour + 1))} (CET)"
        hours = (t("plans.hours", kept=decimal(t, kept), booked=decimal(t, due)) if due
                 else t("plans.hours.none"))
        summaries.append(MemberPlanSummary(
            title=title,
            when=f"{start} · {t('plan.cadence.weekly')}",
            next_session=t("plans.member.next", when=t(
                "slot.when", weekday=weekday(t, day), date=long_date(t, FIRST_SESSION),
                time=time_of_day(t, time(hour)))),
            hours=f"{hours} · {t('plans.member.ahead', hours=decimal(t, ahead))}",
            leave=leave_choice(t, f"m-{i}", i + 1),
        ))
    return MembershipsView(t("plans.members.title"), tuple(summaries))


def member_left_view(t: Translator) -> MemberLeftView:
    return MemberLeftView(
        title=t("member_left.title", name="Bram de Vries", goal=GOAL),
        detail=t("member_left.detail"),
        plans_button=t("member_left.plans"),
    )


def collision_view(t: Translator, *, free_time: bool = True) -> SlotCollisionView:
    when = f"{weekday(t, Weekday.TUESDAY)} {time_of_day(t, time(10))}"
    return SlotCollisionView(
        plan_id="p-7",
        slot_id="s-3",
        occurrence_id="o-2026-03-10",
        title=(t("slot.collision.overlap", when=when, subject="Sprint review") if free_time
               else t("slot.collision.deleted", when=when)),
        detail=t("slot.collision.detail" if free_time else "slot.collision.detail.no_move"),
        moves=(
            MoveChoice(t("slot.collision.move", when=moved_to(t)), "2026-03-12T13:00:00Z"),
            MoveChoice(t("slot.collision.move", when=moved_to(t, hour=12)),
                       "2026-03-12T11:00:00Z"),
            MoveChoice(t("slot.collision.move", when=moved_to(t, hour=16)),
                       "2026-03-12T15:00:00Z"),
        ) if free_time else (),
        no_move_note=t("slot.collision.no_free_time"),
        keep_button=t("slot.collision.keep" if free_time else "slot.collision.restore"),
        skip_button=t("slot.collision.skip"),
        facts=(
            Fact(t("slot.collision.plan"), GOAL),
            Fact(t("slot.collision.meeting"), t(
                "slot.collision.meeting.named", subject="Sprint review",
                when=t("slot.collision.meeting.when", when=when, end=time_of_day(t, time(11))))),
        ) if free_time else (Fact(t("slot.collision.plan"), GOAL),),
    )


def all_plan_cards(t: Translator) -> dict[str, dict[str, Any]]:
    return {
        "plan": plan_form_card(new_plan_view(t)),
        "plan-edit": plan_form_card(edit_plan_view(t)),
        "preview": plan_preview_card(preview_view(t)),
        "preview-edit": plan_preview_card(edit_preview_view(t)),
        "progress": booking_progress_card(progress_view(t)),
        "summary": booking_summary_card(summary_view(t)),
        "summary-edit": booking_summary_card(edit_summary_view(t)),
        "plans": plans_list_card(plans_view(t)),
        "plans-empty": plans_list_card(plans_view(t, plans=0)),
        "plans-stale": plans_list_card(replace(plans_view(t, plans=1),
                                               notice=t("plan.error.stale"))),
        "plans-member": plans_list_card(replace(plans_view(t, plans=1),
                                                memberships=memberships_view(t))),
        "plans-member-only": plans_list_card(replace(plans_view(t, plans=0),
                                                     memberships=memberships_view(t))),
        "plans-left": plans_list_card(replace(
            plans_view(t, plans=0), memberships=memberships_view(t, plans=1),
            notice=t("plans.left", goal="Spanish for the Madrid office"))),
        "member-left": member_left_card(member_left_view(t)),
        "booked": slot_booked_card(booked_view(t)),
        "booked-no-material": slot_booked_card(booked_view(t, material=False)),
        "collision": slot_collision_card(collision_view(t)),
        "collision-no-time": slot_collision_card(collision_view(t, free_time=False)),
        "collision-team": slot_collision_card(replace(
            collision_view(t), detail=t("slot.collision.detail.team"),
            skip_button=t("slot.collision.skip.team"))),
        "collision-attendee": slot_collision_card(replace(
            collision_view(t), detail=t("slot.collision.detail.attendee"), moves=(),
            no_move_note=None)),
    }


def moved_to(t: Translator, *, hour: int = 14) -> str:
    return f"{weekday(t, Weekday.THURSDAY)} {time_of_day(t, time(hour))}"
