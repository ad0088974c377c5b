"""The owner's card to start a campaign of one kind (check-in, feedback, pulse): who, when,
named or anonymous, the close date and k. Create checks everything on the server; a refusal
comes back as this card with every answer kept and each message under its input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import small
from cards.elements import card, execute, heading, text
from cards.inputs import choice_set, date_input, errors_for, number_input
from cards.views import Choice, FieldError

# Input ids: the contract with bot/campaigns/create_data.py.
AUDIENCE = "audience"  # one "plan:<id>" or "group:<id>", or any number of "person:<id>"
TIMING = "timing"  # once | recurring | after_occurrence
EVERY_WEEKS = "every_weeks"
PRIVACY = "privacy"  # named | anonymous
CLOSES = "closes"  # YYYY-MM-DD
K = "k"
INPUTS = (AUDIENCE, TIMING, EVERY_WEEKS, PRIVACY, CLOSES, K)


@dataclass(frozen=True)
class CampaignFormView:
    token: str  # the id the campaign will get: a second Create of this card creates nothing
    kind: str  # checkin | feedback | pulse
    title: str
    intro: str
    labels: Mapping[str, str]  # by input id
    audience: tuple[Choice, ...]
    timings: tuple[Choice, ...]
    privacy: tuple[Choice, ...]
    create_button: str
    values: Mapping[str, str] = field(default_factory=dict[str, str])  # typed, kept
    errors: tuple[FieldError, ...] = ()
    notice: str | None = None  # a refusal no input owns
    audience_hint: str | None = None
    k_hint: str | None = None


def campaign_form_card(view: CampaignFormView) -> dict[str, Any]:
    values, errors, labels = view.values, view.errors, view.labels
    body: list[ac.Element] = [heading(view.title), text(view.intro, subtle=True)]
    if view.notice:
        body.append(ac.Container(style="attention", items=[text(view.notice, weight="Bolder")]))
    body.append(choice_set(AUDIENCE, labels[AUDIENCE], view.audience, values.get(AUDIENCE, ""),
                           multi=True, required=True))
    if view.audience_hint:
        body.append(small(view.audience_hint, spacing="Small"))
    body += errors_for(errors, AUDIENCE)
    body.append(choice_set(TIMING, labels[TIMING], view.timings, values.get(TIMING, "once"),
                           expanded=True, required=True))
    body += errors_for(errors, TIMING)
    body.append(number_input(EVERY_WEEKS, labels[EVERY_WEEKS],
                             _int(values.get(EVERY_WEEKS)) or 1, low=1, high=52))
    body += errors_for(errors, EVERY_WEEKS)
    body.append(choice_set(PRIVACY, labels[PRIVACY], view.privacy, values.get(PRIVACY, "named"),
                           expanded=True, required=True))
    body.append(date_input(CLOSES, labels[CLOSES], values.get(CLOSES, ""), required=True))
    body += errors_for(errors, CLOSES)
    body.append(number_input(K, labels[K], _int(values.get(K)) or 5, low=3, high=25,
                             required=True))
    if view.k_hint:
        body.append(small(view.k_hint, spacing="Small"))
    body += errors_for(errors, K)
    return card(body, [execute(view.create_button, verbs.CAMPAIGN_CREATE, style="positive",
                               token=view.token, kind=view.kind)])


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 4 else None
