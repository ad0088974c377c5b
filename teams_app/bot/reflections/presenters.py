"""The reflection round's cards as they should look for one person now, the summary posted to
the group, and the follow-up cards; over the shared form presenters (bot/forms.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cards import (
    Fact,
    FormActions,
    FormClosedView,
    ReflectionSummaryView,
    SharedLine,
    Translator,
    form_card,
    form_closed_card,
    form_summary_card,
    reflection_summary_card,
    verbs,
)
from teams_app.bot.formatting import long_date
from teams_app.bot.forms import form_view, summary_view
from teams_app.domain.forms.answers import AnswerSet, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import AnswerError, InvalidAnswers
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reflections.follow_ups import FollowUp
from teams_app.domain.reflections.rounds import Round
from teams_app.domain.reflections.sharing import HINDRANCES, RoundSummary, SharedItem, Sharing
from teams_app.ports.reflections import ParticipantCounts
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.reflections.answering import CardState, ReflectionCard
from teams_app.use_cases.reflections.summaries import SHOWN_ITEMS


def round_actions(rnd: Round) -> FormActions:
    return FormActions(submit=verbs.REFLECTION_SUBMIT, refresh=verbs.REFLECTION_REFRESH,
                       ids=(("round_id", rnd.id), ("form_key", rnd.form_key),
                            ("form_version", rnd.form_version)))


def the_card(
    form: Form, rnd: Round, t: Translator, recipient: str, *, late: bool = False,
    submitted: Mapping[str, object] | None = None, errors: tuple[AnswerError, ...] = (),
) -> dict[str, Any]:
    view = form_view(form, t, campaign_id="", submitted=submitted, errors=errors)
    return form_card(replace(
        view, actions=round_actions(rnd), refresh_user_ids=_users(recipient),
        privacy_note=t("reflection.late_note") if late else None,
    ))


def reflected_card(
    form: Form, rnd: Round, t: Translator, recipient: str, answers: AnswerSet, *,
    sharing: str, late: bool,
) -> dict[str, Any]:
    """What they shared, read-only; an anonymous reflection shows only that it came."""
    if sharing == Sharing.ANONYMOUS:
        message = t("reflection.received.anonymous")
        if late:
            message = f"{message} {t('reflection.received.late')}"
        return form_closed_card(FormClosedView(form.title.in_(t.language), message))
    view = summary_view(form, t, answers, campaign_id="", editable=False)
    note = t(f"reflection.received.{sharing}")
    if late:
        note = f"{note} {t('reflection.received.late')}"
    return form_summary_card(replace(view, note=note, actions=round_actions(rnd),
                                     refresh_user_ids=_users(recipient)))


def card_for(state: ReflectionCard, t: Translator, recipient: str) -> dict[str, Any]:
    form, rnd = state.form, state.round
    match state.state:
        case CardState.OPEN:
            return the_card(form, rnd, t, recipient)
        case CardState.LATE:
            return the_card(form, rnd, t, recipient, late=True)
        case CardState.REFLECTED if state.answers is not None:
            kept = _answer_set(form, state.answers)
            if kept is not None:
                return reflected_card(form, rnd, t, recipient, kept,
                                      sharing=state.sharing or "", late=False)
            return message_card(form, t, "reflection.received.named")
        case CardState.REFLECTED_ANONYMOUSLY:
            return message_card(form, t, "reflection.received.anonymous")
        case _:
            return message_card(form, t, "reflection.not_participant")


def message_card(form: Form | None, t: Translator, key: str, **values: object) -> dict[str, Any]:
    title = form.title.in_(t.language) if form is not None else t("help.title")
    return form_closed_card(FormClosedView(title, t(key, **values)))


def summary_card(
    form: Form, summary: RoundSummary, counts: ParticipantCounts, t: Translator, *,
    names: Mapping[str, str], redirected: bool, round_id: str = "",
) -> dict[str, Any]:
    """With `round_id` (and two or more asked), the organiser's button to pair the
    participants as learning partners."""
    pair = ({"round_id": round_id, "pair_button": t("reflection.summary.pair")}
            if round_id and counts.asked >= 2 else {})
    notes: list[str] = []
    if redirected:
        notes.append(t("reflection.summary.redirected"))
    unreached = sum(counts.unreachable.values())
    if unreached:
        notes.append(t("reflection.summary.unreached", count=unreached))
    reflected = t("reflection.summary.reflected", reflected=summary.reflected,
                  asked=summary.asked)
    title = t("reflection.summary.title")
    if summary.counts_only:
        notes.append(t("reflection.summary.counts_only", k=summary.k))
        return reflection_summary_card(ReflectionSummaryView(title, reflected, tuple(notes),
                                                             **pair))
    notes.append(t("reflection.summary.private_note"))
    question = form.question(HINDRANCES)
    titles = {c.id: c.label.in_(t.language) for c in question.choices} if question else {}
    if question is not None and question.other is not None:
        titles["other"] = question.other.in_(t.language)
    cut = max(0, len(summary.takeaways) - SHOWN_ITEMS) + max(
        0, len(summary.actions) - SHOWN_ITEMS)
    return reflection_summary_card(ReflectionSummaryView(
        title=title, reflected=reflected, notes=tuple(notes),
        takeaways_heading=t("reflection.summary.takeaways"),
        takeaways=tuple(_line(i, t, names) for i in summary.takeaways[:SHOWN_ITEMS]),
        hindrances_heading=t("reflection.summary.hindrances"),
        hindrances=tuple(Fact(titles.get(h, h), str(n)) for h, n in summary.hindrances),
        actions_heading=t("reflection.summary.actions"),
        actions=tuple(_line(i, t, names) for i in summary.actions[:SHOWN_ITEMS]),
        more=t("reflection.summary.more", count=cut) if cut else None,
        nothing_shared=None if summary.takeaways else t("reflection.summary.nothing_shared"),
        **pair,
    ))


def _line(item: SharedItem, t: Translator, names: Mapping[str, str]) -> SharedLine:
    if item.person_id is None:
        who = t("reflection.summary.anonymous")
    else:
        who = names.get(item.person_id) or t("reflection.summary.someone_named")
    by = t("reflection.summary.by", date=long_date(t, item.by)) if item.by else None
    return SharedLine(item.text, who, by)


def follow_up_actions(follow_up: FollowUp, form: Form) -> FormActions:
    return FormActions(submit=verbs.FOLLOW_UP_SUBMIT, refresh=verbs.FOLLOW_UP_REFRESH,
                       ids=(("follow_up_id", follow_up.id), ("ask", follow_up.ask),
                            ("form_key", form.key), ("form_version", form.version)))


def follow_up_card(
    form: Form, follow_up: FollowUp, t: Translator, recipient: str, *,
    submitted: Mapping[str, object] | None = None, errors: tuple[AnswerError, ...] = (),
) -> dict[str, Any]:
    view = form_view(form, t, campaign_id="", submitted=submitted, errors=errors)
    intro = t("followup.intro", date=long_date(t, follow_up.planned_on),
              action=follow_up.action)
    if follow_up.action_by is not None:
        intro = f"{intro} {t('followup.by', date=long_date(t, follow_up.action_by))}"
    return form_card(replace(view, intro=intro, actions=follow_up_actions(follow_up, form),
                             refresh_user_ids=_users(recipient)))


def _answer_set(form: Form, answers: Mapping[str, str]) -> AnswerSet | None:
    try:
        return validate_answers(form, answers)
    except InvalidAnswers:
        return None


def _users(recipient: str) -> tuple[str, ...]:
    return (recipient,) if recipient else ()


class ReflectionCards:
    """The renderer the reflection jobs use: the card (use_cases.reflections.sending), the
    summary (summaries.SummaryRenderer) and the follow-up (follow_ups.FollowUpRenderer)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def reflection_card(
        self, form: Form, rnd: Round, *, locale: str | None, recipient: str, reminder: int
    ) -> OutboundMessage:
        t = self._cards.translator(locale)
        title = form.title.in_(t.language)
        summary = t("form.reminder", title=title) if reminder else title
        return OutboundMessage(card=the_card(form, rnd, t, recipient), summary=summary)

    def summary(
        self, form: Form, rnd: Round, summary: RoundSummary, counts: ParticipantCounts, *,
        names: Mapping[str, str], locale: str | None, redirected: bool,
    ) -> OutboundMessage:
        t = self._cards.translator(locale)
        return OutboundMessage(
            card=summary_card(form, summary, counts, t, names=names, redirected=redirected,
                              round_id=rnd.id),
            summary=t("reflection.summary.title"))

    def follow_up(
        self, form: Form, follow_up: FollowUp, *, locale: str | None, recipient: str
    ) -> OutboundMessage:
        t = self._cards.translator(locale)
        return OutboundMessage(card=follow_up_card(form, follow_up, t, recipient),
                               summary=form.title.in_(t.language))
