"""The cards that follow a plan's booking (progress, summary, why it could not start), in the
language of the manager's chat; the jobs in jobs/plans/progress.py send them."""

from __future__ import annotations

from collections.abc import Mapping

from cards import (
    BookingProgressView,
    BookingSummaryView,
    Fact,
    Translator,
    booking_progress_card,
    booking_summary_card,
    notice_card,
    verbs,
)
from teams_app.bot.plans import presenters as present
from teams_app.bot.plans.failures import failure_key
from teams_app.bot.plans.presenters import more, unbookable
from teams_app.bot.reach import reach_notice
from teams_app.domain.bookings import EditKind, RunState
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.messages import OutboundMessage
from teams_app.ports import GraphError
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.plans.reports import BookingStatus, EditReport


def progress_view(
    t: Translator, status: BookingStatus, edit: EditKind | None = None
) -> BookingProgressView:
    """A booking's progress, or a saved edit's (`edit`): series changed so far."""
    done, failed, total = _counts(status)
    if edit is not None:
        return BookingProgressView(
            plan_id=status.plan.id,
            title=t("plan.change.progress_title"),
            progress=t("plan.change.progress", done=done + failed, total=total),
            booked=done,
            failed=failed,
            total=total,
            counts=(Fact(t("plan.change.changed"), str(done)),
                    Fact(t("plan.change.unchanged"), str(failed))),
            note=t("plan.change.note"),
        )
    return BookingProgressView(
        plan_id=status.plan.id,
        title=t("plan.booking.title"),
        progress=t("plan.booking.progress", done=done + failed, total=total),
        booked=done,
        failed=failed,
        total=total,
        counts=(Fact(t("plan.booking.booked"), str(done)),
                Fact(t("plan.booking.failed"), str(failed))),
        note=t("plan.booking.note"),
    )


def preparing_view(t: Translator, plan_id: str) -> BookingProgressView:
    """The booking card before the job has read the calendars: no counts yet."""
    return BookingProgressView(
        plan_id=plan_id,
        title=t("plan.booking.title"),
        progress=t("plan.booking.preparing"),
        booked=0,
        failed=0,
        total=0,
        counts=(),
        note=t("plan.booking.note"),
    )


def summary_view(
    t: Translator, status: BookingStatus, already_booked: int, names: Mapping[str, str]
) -> BookingSummaryView:
    done, failed, total = _counts(status)
    failures = status.failures
    return BookingSummaryView(
        plan_id=status.plan.id,
        title=t("plan.summary.title"),
        summary=t("plan.summary.line", booked=done, total=total),
        counts=(
            Fact(t("plan.summary.booked"), str(max(done - already_booked, 0))),
            Fact(t("plan.summary.already"), str(min(already_booked, done))),
            Fact(t("plan.summary.failed"), str(failed)),
        ),
        failures_heading=t("plan.summary.failures_heading"),
        failures=unbookable(t, [(m.member_id, m.failure) for m in failures], names),
        plans_hint=t("plan.summary.plans_hint"),
        plans_button=t("plan.summary.plans_button"),
        failures_more=more(t, len(failures)),
        reach=reach_notice(t, status.unreachable, names),
    )


def edit_summary_view(
    t: Translator, report: EditReport, names: Mapping[str, str]
) -> BookingSummaryView:
    """What a saved edit did: series moved, updated in place, or left as they were."""
    counts = report.counts
    changed = counts.moved + counts.updated + counts.booked
    facts = [
        Fact(t("plan.change.moved"), str(counts.moved)),
        Fact(t("plan.change.updated"), str(counts.updated)),
        Fact(t("plan.change.unchanged"), str(counts.unchanged)),
    ]
    if counts.booked:  # people who had no series before the edit
        facts.append(Fact(t("plan.summary.booked"), str(counts.booked)))
    failures = report.failures
    if failures:
        facts.append(Fact(t("plan.summary.failed"), str(len(failures))))
    return BookingSummaryView(
        plan_id=report.plan.id,
        title=t("plan.change.title"),
        summary=t("plan.change.line", changed=changed, total=changed + counts.unchanged),
        counts=tuple(facts),
        failures_heading=t("plan.summary.failures_heading"),
        failures=unbookable(t, [(m.member_id, m.failure) for m in failures], names),
        plans_hint=t("plan.summary.plans_hint"),
        plans_button=t("plan.summary.plans_button"),
        failures_more=more(t, len(failures)),
    )


def _counts(status: BookingStatus) -> tuple[int, int, int]:
    progress = status.progress
    return (progress.done, progress.failed, progress.total) if progress else (0, 0, 0)


def is_finished(status: BookingStatus) -> bool:
    return status.progress is None or status.progress.state is RunState.FINISHED


class BookingCardRenderer:
    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def progress(
        self, status: BookingStatus, ref: ConversationRef, edit: EditKind | None = None
    ) -> OutboundMessage:
        view = progress_view(self._cards.translator(ref.locale), status, edit)
        return OutboundMessage(card=booking_progress_card(view), summary=view.progress)

    def edit_summary(
        self, report: EditReport, names: Mapping[str, str], ref: ConversationRef
    ) -> OutboundMessage:
        view = edit_summary_view(self._cards.translator(ref.locale), report, names)
        return OutboundMessage(card=booking_summary_card(view), summary=view.summary)

    def summary(
        self,
        status: BookingStatus,
        already_booked: int,
        names: Mapping[str, str],
        ref: ConversationRef,
    ) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        view = summary_view(t, status, already_booked, names)
        return OutboundMessage(card=booking_summary_card(view), summary=view.summary)

    def failure(
        self, error: Exception, plan_id: str, revision: int | None, ref: ConversationRef
    ) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        # Graph trouble may pass: offer Book again. A plan gone, cancelled or without members
        # will not change by pressing again.
        retry = verbs.PLAN_BOOK if isinstance(error, GraphError) else None
        view = present.notice_view(t, failure_key(error), retry_verb=retry, plan_id=plan_id,
                                   revision=revision)
        return OutboundMessage(card=notice_card(view), summary=view.message)
