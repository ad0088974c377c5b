"""The Outlook events a plan books: a member's recurring slot, or the team's recurring session.

Pure. The texts arrive as `SlotTexts` (English defaults) so the caller can pass the member's
language from the card translations. The transaction id is derived from plan, member and plan
revision: the Graph SDK retries POSTs and booking jobs re-run, and Graph answers a create with a
known transactionId with the event it already made instead of a second one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from html import escape

from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import Attendee, EventDraft, Recurrence
from teams_app.domain.directory import Person
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.slots import SlotTime, occurrence_spans

# Fixed forever: changing it would give every booked slot a new transaction id.
_TRANSACTIONS = uuid.UUID("5b0f5c9e-3d0a-4a8e-9a57-6c1e2f0b7d41")
TEAM_SESSION_MEMBER = "team-session"  # stands in for the member in a team session's id
REMINDER_MINUTES = 15
_SUBJECT_GOAL_LENGTH = 60


@dataclass(frozen=True)
class SlotTexts:
    subject: str = "Learning time"
    goal_label: str = "Goal"
    material_label: str = "Study before the session"
    protected: str = (
        "This time is protected for learning. Please keep it free; if work collides, "
        "Learning Loop will offer to move it."
    )


def slot_transaction_id(plan_id: str, member_id: str, revision: int) -> str:
    return str(uuid.uuid5(_TRANSACTIONS, f"{plan_id}/{member_id}/{revision}"))


def slot_marker(plan_id: str, member_id: str) -> str:
    """The mark every series a plan books carries, whatever the revision: the calendar's own
    record of what the plan made in a member's mailbox (see EventDraft.marker)."""
    return f"{plan_id}/{member_id}"


def slot_event_draft(
    plan: LearningPlan,
    member_id: str,
    slot: SlotTime,
    *,
    texts: SlotTexts | None = None,
    since: datetime | None = None,
) -> EventDraft:
    """The member's own recurring series at the slot's local time, in their zone. `since`
    (an edit's time): the series starts with the first session from then on, so an edit never
    books sessions in the past."""
    transaction_id = slot_transaction_id(plan.id, member_id, plan.revision)
    draft = _draft(plan, slot, transaction_id, texts, since)
    return replace(draft, marker=slot_marker(plan.id, member_id))


def team_session_draft(
    plan: LearningPlan,
    slot: SlotTime,
    attendees: Sequence[Person],
    *,
    texts: SlotTexts | None = None,
    since: datetime | None = None,
    attendee_texts: Sequence[SlotTexts] = (),
) -> EventDraft:
    """One recurring online meeting in the organiser's (plan owner's) calendar. One meeting has
    one body for everyone, so it says its words in the organiser's language first and then in
    every other language among `attendee_texts`; the subject is the organiser's."""
    draft = _draft(
        plan, slot, slot_transaction_id(plan.id, TEAM_SESSION_MEMBER, plan.revision), texts,
        since,
    )
    languages = list(dict.fromkeys([texts or SlotTexts(), *attendee_texts]))
    if len(languages) > 1:
        draft = replace(
            draft, body_html="\n<hr>\n".join(event_body(plan, t) for t in languages)
        )
    invited = tuple(
        Attendee(address=p.mailbox, name=p.display_name)
        for p in attendees
        if p.object_id != plan.owner_id  # the organiser is not their own attendee
    )
    return replace(
        draft,
        attendees=invited,
        online_meeting=True,
        marker=slot_marker(plan.id, TEAM_SESSION_MEMBER),
    )


def slot_recurrence(
    plan: LearningPlan, slot: SlotTime, first: date, *, count: int | None = None
) -> Recurrence:
    """The series rule. It starts on the first session's date, as Graph asks, which keeps
    every-N-weeks and every-N-months in step because the first session is in step. `count`:
    the sessions left when the series starts later than the plan (after an edit)."""
    spec, cadence = plan.spec, plan.spec.cadence
    until, count = spec.horizon.end, count or spec.horizon.occurrences
    if cadence.kind is CadenceKind.WEEKLY:
        return Recurrence.weekly(
            slot.days, starting=first, every_weeks=cadence.every, until=until, count=count
        )
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        return Recurrence.monthly_relative(
            cadence.week,
            slot.days[0],
            starting=first,
            every_months=cadence.every,
            until=until,
            count=count,
        )
    return Recurrence.monthly_absolute(
        cadence.day_of_month or 1,
        starting=first,
        every_months=cadence.every,
        until=until,
        count=count,
    )


def event_body(plan: LearningPlan, texts: SlotTexts) -> str:
    spec = plan.spec
    parts = [f"<p><strong>{escape(texts.subject)}</strong></p>"]
    if spec.goal.strip():
        goal = escape(spec.goal.strip()).replace("\n", "<br>")
        parts.append(f"<p><strong>{escape(texts.goal_label)}:</strong> {goal}</p>")
    if spec.material_url:
        link = escape(spec.material_url, quote=True)
        parts.append(f'<p>{escape(texts.material_label)}: <a href="{link}">{link}</a></p>')
    parts.append(f"<p><em>{escape(texts.protected)}</em></p>")
    return "\n".join(parts)


def series_since(
    plan: LearningPlan, slot: SlotTime, edited_at: datetime, replaced: SlotTime | None
) -> datetime | None:
    """Where the series of an edit's slot starts: its first session after the edit that is
    not one the replaced series already gave. Sessions are counted, so a plan of eight stays
    eight, and a week whose session took place before the edit gets no second one at the new
    time. None when no session is left."""
    given = 0
    if replaced is not None:
        given = sum(1 for _day, span in occurrence_spans(plan.spec, replaced)
                    if span.start < edited_at)
    ahead = [span.start for _day, span in occurrence_spans(plan.spec, slot)[given:]
             if span.start >= edited_at]
    return ahead[0] if ahead else None


def _draft(
    plan: LearningPlan,
    slot: SlotTime,
    transaction_id: str,
    texts: SlotTexts | None,
    since: datetime | None = None,
) -> EventDraft:
    texts = texts or SlotTexts()
    dates = [day for day, _span in occurrence_spans(plan.spec, slot, since=since)]
    if not dates:
        raise ValueError("the slot has no session within the plan's horizon")
    # A series that starts later than the plan counts only the sessions it still has.
    count = len(dates) if plan.spec.horizon.occurrences and since is not None else None
    start = datetime.combine(dates[0], slot.start)
    return EventDraft(
        subject=_subject(plan.spec.goal, texts),
        start=start,
        end=start + plan.spec.duration,
        time_zone=slot.time_zone,
        transaction_id=transaction_id,
        body_html=event_body(plan, texts),
        recurrence=slot_recurrence(plan, slot, dates[0], count=count),
        reminder_minutes=REMINDER_MINUTES,
        categories=(plan.spec.category,),
        show_as=plan.spec.show_as,
    )


def _subject(goal: str, texts: SlotTexts) -> str:
    first_line = goal.strip().splitlines()[0].strip() if goal.strip() else ""
    if not first_line:
        return texts.subject
    if len(first_line) > _SUBJECT_GOAL_LENGTH:
        first_line = first_line[: _SUBJECT_GOAL_LENGTH - 1].rstrip() + "…"
    return f"{texts.subject}: {first_line}"
