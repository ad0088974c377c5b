"""View models: display-ready, already translated primitives. No clock, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandHelp:
    command: str
    description: str


@dataclass(frozen=True)
class HelpView:
    title: str
    intro: str
    commands_heading: str
    commands: tuple[CommandHelp, ...]
    cycle_heading: str
    cycle: tuple[str, ...]
    privacy_note: str
    notice: str | None = None  # e.g. "I did not understand that", shown above the help


@dataclass(frozen=True)
class WelcomeView:
    title: str
    greeting: str
    points: tuple[str, ...]
    help_button: str


# --- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One option of a choice input: `value` goes back to the bot, `title` is what people see."""

    value: str
    title: str


@dataclass(frozen=True)
class Fact:
    title: str
    value: str


@dataclass(frozen=True)
class FieldError:
    """A validation message shown under the input whose id is `field` (see cards.plan_fields)."""

    field: str
    message: str


@dataclass(frozen=True)
class Unbookable:
    """A person who could not be (or was not) booked, and why, in words for the manager."""

    member: str
    reason: str  # "plan.reason.<code>", e.g. plan.reason.no_free_time


# --- plan card (manager) -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFormLabels:
    """The plan card's fixed texts; `cards.plan_form_labels(t, day_names=...)` builds them."""

    who_heading: str
    members: str
    members_placeholder: str
    members_error: str
    when_heading: str
    cadence: str
    cadence_choices: tuple[Choice, ...]
    days: str
    day_choices: tuple[Choice, ...]
    days_hint: str
    days_error: str
    window_start: str
    window_end: str
    duration: str
    duration_error: str
    preference: str
    preference_choices: tuple[Choice, ...]
    mode: str
    mode_choices: tuple[Choice, ...]
    starts_on: str
    ends_on: str
    occurrences: str
    occurrences_error: str
    horizon_hint: str
    what_heading: str
    goal: str
    goal_placeholder: str
    goal_error: str
    material: str
    material_placeholder: str
    material_error: str
    errors_heading: str
    preview_button: str
    book_button: str
    save_button: str  # instead of Book when editing: the edit is applied, not booked anew


@dataclass(frozen=True)
class PlanFormValues:
    """What the inputs show: a new plan's defaults, the last answers, or the plan being edited.
    Option values are the constants in cards.plan_fields; times "HH:MM", dates "YYYY-MM-DD"."""

    members: tuple[str, ...] = ()  # values of the chosen `people` choices
    cadence: str = "weekly"
    days: tuple[str, ...] = ("tue",)
    window_start: str = "09:00"
    window_end: str = "12:00"
    duration_minutes: int | None = 60
    preference: str = "any"
    mode: str = "personal"
    starts_on: str = ""
    ends_on: str = ""
    occurrences: int | None = None
    goal: str = ""
    material_url: str = ""


@dataclass(frozen=True)
class PlanFormView:
    title: str  # "Plan learning time" or "Edit learning plan"
    intro: str
    labels: PlanFormLabels
    people: tuple[Choice, ...]  # "my direct reports", groups, then people (cards.plan_fields)
    values: PlanFormValues = PlanFormValues()
    errors: tuple[FieldError, ...] = ()  # inline, under their inputs
    notice: str | None = None  # a problem that belongs to no input, e.g. "not your plan"
    plan_id: str | None = None  # set when editing
    revision: int | None = None  # the stored revision being edited


# --- preview card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedSlot:
    member: str
    when: str  # in the member's zone: "Tuesday 10:00–11:00 (Stockholm)"
    conflicts: str  # plan.preview.conflicts.none / .some: "none", "2 of 13"
    has_conflicts: bool = False


@dataclass(frozen=True)
class PlanPreviewView:
    plan_id: str  # the draft that Book books and Edit reopens
    revision: int  # the stored revision the card was made from (the one an edit starts from)
    title: str
    summary: str  # the plan described, plan.horizon.* (+ plan.preview.team for a team session)
    goal: str | None
    slots_heading: str
    member_header: str
    time_header: str
    conflicts_header: str
    slots: tuple[ProposedSlot, ...]
    conflicts_note: str | None  # plan.preview.conflicts_note, when someone has busy weeks
    unbookable_heading: str
    unbookable: tuple[Unbookable, ...]
    book_button: str
    edit_button: str
    # At most cards.MAX_ROWS people per list; the presenter says how many more there are.
    slots_more: str | None = None  # plan.more: "…and 124 more"
    unbookable_more: str | None = None
    # The preview of an edit: nothing is stored yet, so Save (in `book_button`'s place) and
    # Edit carry the edited answers back.
    edit_answers: PlanFormValues | None = None
    discard_button: str | None = None  # a draft never booked can be thrown away


# --- booking progress and summary --------------------------------------------------------------


@dataclass(frozen=True)
class BookingProgressView:
    plan_id: str
    title: str
    progress: str  # plan.booking.progress: "Booking 12 of 30…" (booked + failed of total)
    booked: int  # so far
    failed: int  # so far
    total: int
    counts: tuple[Fact, ...]  # booked, failed so far, in words
    note: str  # plan.booking.note


@dataclass(frozen=True)
class ReachNotice:
    """Who the plan's cards cannot reach in Teams, why, and what would fix it."""

    heading: str  # reach.heading: "2 people do not get this plan's cards"
    people: tuple[Fact, ...]  # the person's name, and why: reach.reason.*
    advice: tuple[str, ...]  # one per reason present: what the admin (or the person) can do
    more: str | None = None  # plan.more, when the people were cut


@dataclass(frozen=True)
class BookingSummaryView:
    plan_id: str
    title: str
    summary: str  # plan.summary.line: "27 of 30 people have their learning time."
    counts: tuple[Fact, ...]  # booked, already booked, could not book
    failures_heading: str
    failures: tuple[Unbookable, ...]  # at most cards.MAX_ROWS
    plans_hint: str  # "Type plans to see all your plans."
    plans_button: str
    failures_more: str | None = None  # plan.more
    reach: ReachNotice | None = None  # members no card reaches, as far as known yet


# --- plans list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    plan_id: str
    revision: int  # Edit and Cancel carry it
    title: str  # the plan's goal (the card shortens it)
    cadence: str  # "Every week · Tuesday · 10:00 – 11:00 AM · 60 minutes"
    members: str  # plan.people.one / .other: "6 people"
    hours: str  # plans.hours ("12 of 16 hours kept") or plans.hours.none
    kept_hours: float  # of sessions held so far
    booked_hours: float  # of sessions held so far; the chart shows booked − kept as not kept
    status: str | None = None  # plans.status.booking, plan.mode.team, …
    cancel_question: str = ""  # plans.cancel.question, or plans.discard.question for a draft
    draft: bool = False  # never booked: Discard instead of Cancel
    reach: ReachNotice | None = None  # members no card reaches


@dataclass(frozen=True)
class PlansListView:
    title: str
    intro: str | None
    plans: tuple[PlanSummary, ...]  # at most cards.MAX_PLANS
    empty: str  # shown when there are no plans
    kept_legend: str  # chart legend: "Kept"
    lost_legend: str  # "Not kept"
    hours_title: str  # chart title: "Hours"
    edit_button: str
    cancel_button: str
    confirm_cancel_button: str
    discard_button: str
    confirm_discard_button: str
    new_plan_button: str
    report_button: str = ""  # a booked plan's learning report (empty: no button)
    more: str | None = None  # plan.more
    notice: str | None = None  # on top: why this list answers, e.g. the card was out of date
    memberships: MembershipsView | None = None  # plans the person is in, below their own


@dataclass(frozen=True)
class LeaveChoice:
    """A member's Leave button with its confirmation; sends PLAN_LEAVE with the ids."""

    plan_id: str
    revision: int
    member_id: str
    button: str  # "Leave"
    question: str  # "Leave this plan? ..."
    confirm_button: str  # "Yes, leave"


@dataclass(frozen=True)
class MemberPlanSummary:
    """One plan the person is in (not theirs): their own slot, in their zone."""

    title: str  # the goal
    when: str  # "Tuesday 10:00 – 11:00 AM (CET) · Every week"
    next_session: str | None  # "Next session: Tuesday, March 10 at 10:00 AM"
    hours: str  # "1.5 of 2 hours kept"
    leave: LeaveChoice


@dataclass(frozen=True)
class MembershipsView:
    title: str  # "Plans you are in"
    plans: tuple[MemberPlanSummary, ...]  # at most cards.MAX_PLANS
    more: str | None = None


@dataclass(frozen=True)
class MemberLeftView:
    """The owner's card: a member left their plan."""

    title: str  # "Anna Berg left “Python basics”"
    detail: str
    plans_button: str


@dataclass(frozen=True)
class NoticeView:
    """A short answer on its own card: a plan that is gone or not yours, a service that did
    not answer. The button sends `verb` (with `plan_id` when set), e.g. to try again."""

    title: str
    message: str
    button: str
    verb: str  # a cards.verbs constant
    plan_id: str | None = None
    revision: int | None = None  # rides along with plan_id


# --- member cards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotBookedView:
    title: str  # slot.booked.title
    intro: str  # slot.booked.intro ("Anna Berg set aside…") or slot.booked.intro.anonymous
    facts: tuple[Fact, ...]  # when (in the member's zone), how often, first session
    goal_heading: str
    goal: str | None
    protected_note: str
    material_button: str | None = None  # "Open the material"
    material_url: str | None = None
    leave: LeaveChoice | None = None


@dataclass(frozen=True)
class MoveChoice:
    """One "Move to …" button: its label and the start it sends back."""

    button: str  # "Move to Thu 6 Mar 14:00"
    move_to: str  # ISO 8601 UTC, sent back with Move


@dataclass(frozen=True)
class SlotCollisionView:
    plan_id: str
    slot_id: str
    occurrence_id: str
    title: str  # slot.collision.overlap / declined / moved / deleted
    detail: str | None  # what the choices do ("Move it to a free time this week, keep it…")
    moves: tuple[MoveChoice, ...]  # free times this week, best first; empty when none is free
    no_move_note: str | None  # shown when there is no free time to move to
    keep_button: str  # "Keep", or "Put it back" when the occurrence was deleted
    skip_button: str
    notice: str | None = None  # why the card came back after an answer ("no longer free")
    facts: tuple[Fact, ...] = ()  # the plan (its goal) and the colliding meeting with its time


@dataclass(frozen=True)
class SlotDecisionView:
    """The collision card after an answer: what happened, or why the card no longer applies."""

    title: str  # slot.decision.*.title or slot.stale.title
    detail: str
    good: bool = True  # False for a card that no longer applies
