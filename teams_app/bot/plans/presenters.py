"""Presenters for the manager's plan cards: the plan form, the preview, booking progress and
summary, the plans list and short notices. Times are shown in each member's own zone, dates in
the manager's language; nothing here reads the clock."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta

from cards import (
    MAX_PLANS,
    MAX_ROWS,
    Choice,
    FieldError,
    NoticeView,
    PlanFormValues,
    PlanFormView,
    PlanPreviewView,
    PlansListView,
    PlanSummary,
    ProposedSlot,
    Translator,
    Unbookable,
    plan_form_labels,
    verbs,
)
from cards import plan_fields as f
from teams_app.bot.formatting import (
    decimal,
    hours_of,
    long_date,
    minutes,
    time_range,
    weekday,
    weekdays,
)
from teams_app.bot.plans.card_data import CardProblem
from teams_app.bot.reach import reach_notice
from teams_app.bot.zones import zone_label_on
from teams_app.domain.bookings import MemberFailure, RunState
from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import Weekday
from teams_app.domain.directory import Group
from teams_app.domain.learning_plans import MemberSourceKind, PlanMode, PlanSpec
from teams_app.domain.slots import SlotTime
from teams_app.use_cases.plans.planning import PlanPreview
from teams_app.use_cases.plans.reports import PlanPeople, PlanReport

_DAY_VALUES = dict(zip(Weekday, f.WEEKDAYS, strict=True))
_MODE_VALUES = {PlanMode.PERSONAL: "personal", PlanMode.TEAM_SESSION: "team"}
DEFAULT_SESSIONS = 8  # a new plan's horizon: two months of weekly sessions


# --- the plan form -----------------------------------------------------------------------------


def people_choices(
    t: Translator,
    people: PlanPeople,
    *,
    selected: Collection[str] = (),
    names: Mapping[str, str] | None = None,
) -> tuple[Choice, ...]:
    """"All my direct reports", the owner ("Me"), the groups the owner is in, each report by
    name, then colleagues by name; people and groups chosen before who are not offered now stay
    choosable, so an edited plan shows who it is for."""
    choices: list[Choice] = []
    if people.reports:
        choices.append(Choice(f.MEMBERS_DIRECT_REPORTS,
                              t("plan.form.members.reports", count=len(people.reports))))
    if people.owner is not None:
        choices.append(Choice(f"{f.MEMBERS_USER_PREFIX}{people.owner.object_id}",
                              t("plan.form.members.me", name=people.owner.display_name)))
    for owned in sorted(people.groups, key=lambda g: (g.display_name or g.id).casefold()):
        choices.append(Choice(f"{f.MEMBERS_GROUP_PREFIX}{owned.id}", group_label(t, owned)))
    for group in (people.reports, people.colleagues):
        ordered = sorted(group, key=lambda p: p.display_name.casefold())
        choices += [Choice(f"{f.MEMBERS_USER_PREFIX}{p.object_id}", p.display_name)
                    for p in ordered]
    offered = {c.value for c in choices}
    for value in selected:
        if value in offered:
            continue
        if value == f.MEMBERS_DIRECT_REPORTS:  # chosen, though the directory lists none now
            choices.insert(0, Choice(value, t("plans.members.reports")))
            continue
        for prefix in (f.MEMBERS_USER_PREFIX, f.MEMBERS_GROUP_PREFIX):
            if value.startswith(prefix) and value[len(prefix):]:
                object_id = value[len(prefix):]
                choices.append(Choice(value, (names or {}).get(object_id, object_id)))
    return tuple(choices)


def group_label(t: Translator, group: Group) -> str:
    """"Group: Learning Circle (7)", or without the count when the directory did not give it;
    a group Graph names only by id (no permission to read it) is shown by its id."""
    name = group.display_name or group.id
    if group.member_count is None:
        return t("plan.form.members.group_named", name=name)
    return t("plan.form.members.group", name=name, count=group.member_count)


def new_plan_values(today: date) -> PlanFormValues:
    next_monday = today + timedelta(days=7 - today.weekday())
    return PlanFormValues(starts_on=next_monday.isoformat(), occurrences=DEFAULT_SESSIONS)


def plan_form_view(
    t: Translator,
    people: tuple[Choice, ...],
    *,
    values: PlanFormValues,
    problems: Sequence[CardProblem] = (),
    notice: str | None = None,
    plan_id: str | None = None,
    revision: int | None = None,
) -> PlanFormView:
    return PlanFormView(
        title=t("plan.form.title.edit" if plan_id else "plan.form.title.new"),
        intro=t("plan.form.intro"),
        labels=plan_form_labels(t, day_names=tuple(weekday(t, d) for d in Weekday)),
        people=people,
        values=values,
        errors=tuple(FieldError(p.field, t(p.key, **p.values)) for p in problems),
        notice=notice,
        plan_id=plan_id,
        revision=revision,
    )


def form_values(spec: PlanSpec) -> PlanFormValues:
    """The plan card's answers for a stored plan (to edit it)."""
    source = spec.members
    if source.kind is MemberSourceKind.DIRECT_REPORTS:
        members: tuple[str, ...] = (f.MEMBERS_DIRECT_REPORTS,)
    elif source.kind is MemberSourceKind.GROUP:
        members = (f"{f.MEMBERS_GROUP_PREFIX}{source.group_id}",)
    else:
        members = tuple(f"{f.MEMBERS_USER_PREFIX}{p}" for p in source.people)
    cadence = spec.cadence
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        cadence_value = f"monthly:{cadence.week.value}"
    elif cadence.every > 1:
        cadence_value = f"weeks:{cadence.every}"
    else:
        cadence_value = f.WEEKLY
    horizon = spec.horizon
    return PlanFormValues(
        members=members,
        cadence=cadence_value,
        days=tuple(_DAY_VALUES[d] for d in spec.window.days),
        window_start=spec.window.start.strftime("%H:%M"),
        window_end=spec.window.end.strftime("%H:%M"),
        duration_minutes=spec.duration_minutes,
        preference=spec.preference.value,
        mode=_MODE_VALUES[spec.mode],
        starts_on=horizon.start.isoformat(),
        ends_on=horizon.end.isoformat() if horizon.end else "",
        occurrences=horizon.occurrences,
        goal=spec.goal,
        material_url=spec.material_url or "",
    )


# --- the preview ---------------------------------------------------------------------------------


def preview_view(
    t: Translator,
    preview: PlanPreview,
    spec: PlanSpec,
    names: Mapping[str, str],
    *,
    revision: int,
    edit_answers: PlanFormValues | None = None,
    draft: bool = False,
) -> PlanPreviewView:
    """`revision`: the stored revision the preview was made from; `edit_answers`: the edited
    answers when this previews an edit that is not saved yet; `draft`: a stored plan never
    booked, which may be discarded."""
    bookable = preview.bookable
    slots = tuple(
        ProposedSlot(
            member=names.get(m.member_id, m.member_id),
            when=(slot_when(t, m.slot, spec.duration_minutes, spec.horizon.start)
                  if m.slot else ""),
            conflicts=(t("plan.preview.conflicts.some", count=len(m.conflicts), total=m.sessions)
                       if m.conflicts else t("plan.preview.conflicts.none")),
            has_conflicts=bool(m.conflicts),
        )
        for m in bookable[:MAX_ROWS]
    )
    problems = preview.problems
    summary = f"{describe(t, spec)}. {horizon_text(t, spec)}."
    team = preview.team_session
    if team is not None and team.slot is not None:
        summary += " " + t("plan.preview.team",
                           when=slot_when(t, team.slot, spec.duration_minutes,
                                          spec.horizon.start))
    return PlanPreviewView(
        plan_id=preview.plan_id,
        revision=revision,
        title=t("plan.preview.title"),
        summary=summary,
        goal=spec.goal or None,
        slots_heading=t("plan.preview.slots_heading"),
        member_header=t("plan.preview.member"),
        time_header=t("plan.preview.time"),
        conflicts_header=t("plan.preview.conflicts"),
        slots=slots,
        conflicts_note=t("plan.preview.conflicts_note") if any(s.has_conflicts for s in slots)
        else None,
        unbookable_heading=t("plan.preview.unbookable_heading"),
        unbookable=unbookable(t, [(m.member_id, m.problem) for m in problems], names),
        book_button=t("plan.preview.save" if edit_answers else "plan.preview.book"),
        edit_button=t("plan.preview.edit"),
        slots_more=more(t, len(bookable)),
        unbookable_more=more(t, len(problems)),
        edit_answers=edit_answers,
        discard_button=t("plan.preview.discard") if draft and not edit_answers else None,
    )


def unbookable(
    t: Translator,
    people: Sequence[tuple[str, MemberFailure | None]],
    names: Mapping[str, str],
) -> tuple[Unbookable, ...]:
    return tuple(
        Unbookable(names.get(member, member),
                   t(f"plan.reason.{problem.value}") if problem else t("plan.booking.failed"))
        for member, problem in people[:MAX_ROWS]
    )


def more(t: Translator, count: int, shown: int = MAX_ROWS) -> str | None:
    return t("plan.more", count=count - shown) if count > shown else None


# --- booking progress and summary ------------------------------------------------------------


# --- the plans list ----------------------------------------------------------------------------


def plans_view(
    t: Translator,
    reports: Sequence[PlanReport],
    *,
    notice: str | None = None,
    names: Mapping[str, str] | None = None,
) -> PlansListView:
    return PlansListView(
        title=t("plans.title"),
        intro=t("plans.intro"),
        plans=tuple(_plan_summary(t, r, names or {}) for r in reports[:MAX_PLANS]),
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
        report_button=t("learning.report.title"),
        more=more(t, len(reports), MAX_PLANS),
        notice=t(notice) if notice else None,
    )


def _plan_summary(t: Translator, report: PlanReport, names: Mapping[str, str]) -> PlanSummary:
    spec = report.plan.spec
    kept, due = hours_of(report.hours.kept), hours_of(report.hours.due)
    status: list[str] = []
    if report.progress is None:
        status.append(t("plans.status.draft"))
    elif report.progress.state is RunState.RUNNING:
        status.append(t("plans.status.booking"))
    if spec.mode is PlanMode.TEAM_SESSION:
        status.append(t("plan.mode.team"))
    return PlanSummary(
        plan_id=report.plan.id,
        revision=report.plan.revision,
        title=spec.goal or t("plans.untitled"),
        cadence=describe(t, spec),
        members=_members_text(t, report),
        hours=(t("plans.hours", kept=decimal(t, kept), booked=decimal(t, due)) if due
               else t("plans.hours.none")),
        kept_hours=kept,
        booked_hours=due,
        status=" · ".join(status) or None,
        cancel_question=t("plans.discard.question" if report.progress is None
                          else "plans.cancel.question"),
        draft=report.progress is None,
        reach=reach_notice(t, report.unreachable, names, missed_cards=report.missed_cards),
    )


def _members_text(t: Translator, report: PlanReport) -> str:
    count = report.members
    source = report.plan.spec.members
    if count is None and source.kind is MemberSourceKind.DIRECT_REPORTS:
        return t("plans.members.reports")
    if count is None and source.kind is MemberSourceKind.GROUP:
        return t("plans.members.group")
    if count is None:
        count = len(source.people)
    return t("plan.people.one") if count == 1 else t("plan.people.other", count=count)


# --- words for times and dates ------------------------------------------------------------------


def describe(t: Translator, spec: PlanSpec) -> str:
    """"Every week · Tuesday and Thursday · 9:00 AM – 12:00 PM · 60 minutes"."""
    return " · ".join((
        cadence_label(t, spec),
        weekdays(t, spec.window.days),
        time_range(t, spec.window.start, spec.window.end),
        minutes(t, spec.duration_minutes),
    ))


def cadence_label(t: Translator, spec: PlanSpec) -> str:
    cadence = spec.cadence
    if cadence.kind is CadenceKind.WEEKLY:
        return (t("plan.cadence.weekly") if cadence.every == 1
                else t("plan.cadence.weeks", count=cadence.every))
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        return t(f"plan.cadence.monthly.{cadence.week.value}")
    return t("plan.cadence.monthly.day", day=cadence.day_of_month or 1)


def horizon_text(t: Translator, spec: PlanSpec) -> str:
    horizon = spec.horizon
    if horizon.end is not None:
        return t("plan.horizon.dates", start=long_date(t, horizon.start),
                 end=long_date(t, horizon.end))
    return t("plan.horizon.sessions", start=long_date(t, horizon.start),
             count=horizon.occurrences or 0)


def slot_when(t: Translator, slot: SlotTime, length: int, first_day: date) -> str:
    """"Tuesday 10:00 – 11:00 AM (EST)": wall-clock time in the slot's own zone, named as it is
    around the plan's start (see bot/zones.py)."""
    start = datetime.combine(first_day, slot.start)
    end = start + timedelta(minutes=length)
    hours = time_range(t, start.time(), end.time())
    zone = zone_label_on(slot.time_zone, first_day, slot.start)
    return f"{weekdays(t, slot.days)} {hours} ({zone})".strip()


# --- notices -------------------------------------------------------------------------------------


def notice_view(
    t: Translator,
    message_key: str,
    *,
    retry_verb: str | None = None,
    plan_id: str | None = None,
    revision: int | None = None,
) -> NoticeView:
    """A short card for an answer that is not a plan card: a plan that is gone or not yours,
    or a service that did not answer (with a button to try again)."""
    return NoticeView(
        title=t("plan.notice.title"),
        message=t(message_key),
        button=t("plan.notice.retry") if retry_verb else t("plan.summary.plans_button"),
        verb=retry_verb or verbs.PLANS_LIST,
        plan_id=plan_id,
        revision=revision,
    )
