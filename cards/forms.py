"""The form cards (issue 12): any form from the catalog as a card to answer, the read-only
summary of a person's answers, and the card of a closed form."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards.blocks import facts, small
from cards.elements import card, execute, heading, text
from cards.form_views import (
    AnswerLine,
    FormActions,
    FormClosedView,
    FormSummaryView,
    FormView,
    QuestionView,
)
from cards.inputs import choice_set, date_input, field_error, rating_input, text_input

# Up to this many options show as radio buttons or checkboxes; more go in a drop-down.
EXPANDED_CHOICES = 8


def form_card(view: FormView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if view.intro:
        body.append(text(view.intro, subtle=True))
    if view.framework:
        body.append(ac.Container(style="emphasis", items=[facts(view.framework)]))
    if view.privacy_note:
        body.append(small(view.privacy_note))
    if view.errors_notice or view.problems:
        body.append(_problems(view.errors_notice, view.problems))
    for question in view.questions:
        body += _question(question)
    ids = _ids(view.actions, view.campaign_id, view.round, view.form_key, view.form_version)
    return card(body, [execute(view.submit_label, view.actions.submit, style="positive", **ids)],
                refresh=_refresh(view.refresh_user_ids, view.actions.refresh, ids))


def form_summary_card(view: FormSummaryView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.heading, weight="Bolder"),
                              *_answers(view.answers)]
    if view.note:
        body.append(small(view.note, spacing="Medium"))
    ids = _ids(view.actions, view.campaign_id, view.round, view.form_key, view.form_version)
    refresh = _refresh(view.refresh_user_ids, view.actions.refresh, ids)
    if view.edit_label is None:
        return card(body, refresh=refresh)
    return card(body, [execute(view.edit_label, view.actions.edit, **ids)], refresh=refresh)


def form_closed_card(view: FormClosedView) -> dict[str, Any]:
    body: list[ac.Element] = [
        heading(view.title),
        ac.Container(style="emphasis", items=[text(view.message, weight="Bolder")]),
    ]
    if view.answers_heading and view.answers:
        body += [text(view.answers_heading, subtle=True, spacing="Medium"),
                 *_answers(view.answers)]
    return card(body)


def _question(q: QuestionView) -> list[ac.Element]:
    shown_error = q.error
    # With our message beside the question, the client's own message would say it twice.
    client_message = None if shown_error else q.required_message
    elements: list[ac.Element] = [_input(q, client_message)]
    # The hint belongs to the question's own choices, so it comes before the "other" field.
    if q.hint:
        elements.append(small(q.hint, spacing="Small"))
    if q.other_input_id:
        elements.append(text_input(q.other_input_id, q.other_label or "", q.other_value,
                                   placeholder=q.other_placeholder,
                                   max_length=q.other_max_length))
    if shown_error:
        elements.append(field_error(shown_error))
    return [ac.Container(spacing="Medium", items=elements)]


def _input(q: QuestionView, message: str | None) -> ac.Input:
    checks = {"required": q.required, "error": message}
    match q.kind:
        case "short_text" | "long_text":
            return text_input(q.input_id, q.label, q.value, multiline=q.kind == "long_text",
                              max_length=q.max_length, **checks)
        case "date":
            return date_input(q.input_id, q.label, q.value, **checks)
        case "rating":
            # Stars in Teams; radio buttons 1-5 where Input.Rating is unknown.
            fallback = choice_set(q.input_id, q.label, q.choices, q.value, expanded=True,
                                  **checks)
            stars = int(q.value) if q.value.isdigit() else None
            return rating_input(q.input_id, q.label, stars, top=len(q.choices),
                                fallback=fallback, **checks)
        case _:
            multi = q.kind == "multiple_choice"
            # An 11-point scale reads better as a drop-down than as eleven radio buttons.
            expanded = q.kind != "scale" and len(q.choices) <= EXPANDED_CHOICES
            return choice_set(q.input_id, q.label, q.choices, q.value, multi=multi,
                              expanded=expanded, **checks)


def _answers(lines: tuple[AnswerLine, ...]) -> list[ac.Element]:
    items: list[ac.Element] = []
    for line in lines:
        items += [text(line.question, weight="Bolder", spacing="Medium"),
                  text(line.answer, spacing="None")]
    return items


def _problems(notice: str | None, problems: tuple[str, ...]) -> ac.Container:
    items: list[ac.Element] = []
    if notice:
        items.append(text(notice, weight="Bolder"))
    items += [text(problem) for problem in problems]
    return ac.Container(style="attention", items=items)


def _ids(
    actions: FormActions, campaign_id: str, round: str, form_key: str, form_version: int
) -> dict[str, Any]:
    if actions.ids:
        return dict(actions.ids)
    ids: dict[str, Any] = {"campaign_id": campaign_id, "form_key": form_key,
                           "form_version": form_version}
    if round:
        ids["round"] = round
    return ids


def _refresh(
    user_ids: tuple[str, ...], verb: str, ids: dict[str, Any]
) -> ac.RefreshDefinition | None:
    """Teams asks the bot for the card as it is now whenever the recipient opens it, so an old
    card never offers what is no longer true. At most 60 user ids (a personal chat has one)."""
    if not user_ids:
        return None
    action = ac.ExecuteAction(title="refresh", verb=verb, data={"verb": verb, **ids})
    return ac.RefreshDefinition(action=action, user_ids=list(user_ids[:60]))
