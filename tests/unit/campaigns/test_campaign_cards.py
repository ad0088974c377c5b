"""Every state a campaign's form card can be in (the prompt, the summary named and anonymous,
received, closed, not asked, out of date), in en, sv, nl and de, for every built-in form: valid
Adaptive Cards 1.5, carrying the round and a refresh for the recipient where it can still act."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cards import SUPPORTED_LOCALES, translator_for, verbs
from teams_app.bot.campaigns import presenters as present
from teams_app.bot.presenters import TranslatedCards
from teams_app.domain.campaigns.campaigns import Audience, Campaign, CampaignSpec, Timing
from teams_app.domain.forms.answers import to_submitted, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.questions import CHOICE_KINDS, NUMBER_KINDS, QuestionKind
from teams_app.use_cases.campaigns.answering import CardState, FormCard
from tests.card_schema import assert_valid_card
from tests.unit.forms.support import builtin_forms

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
RECIPIENT = "29:aad-1"


def a_campaign(form: Form, *, anonymous: bool = False) -> Campaign:
    return Campaign.start(id="c-1", owner_id="o", at=NOW, spec=CampaignSpec(
        form_key=form.key, form_version=form.version, audience=Audience.of_people("p"),
        timing=Timing.once(NOW), closes_at=NOW + timedelta(days=3), anonymous=anonymous))


def answers_for(form: Form) -> dict[str, str]:
    """An answer to every question, as a card would send it."""
    sent: dict[str, str] = {}
    for q in form.questions:
        if q.kind in CHOICE_KINDS:
            sent[q.id] = q.choices[0].id
        elif q.kind in NUMBER_KINDS:
            sent[q.id] = "3"
        elif q.kind is QuestionKind.YES_NO:
            sent[q.id] = "yes"
        elif q.kind is QuestionKind.DATE:
            sent[q.id] = "2026-03-10"
        else:
            sent[q.id] = "Kept words"
    return to_submitted(validate_answers(form, sent))


def states(form: Form) -> list[tuple[str, dict[str, Any]]]:
    cards: list[tuple[str, dict[str, Any]]] = []
    for locale in SUPPORTED_LOCALES:
        t = translator_for(locale)
        named, anonymous = a_campaign(form), a_campaign(form, anonymous=True)
        kept = answers_for(form)
        for state, campaign, answers in (
            (CardState.OPEN, named, None), (CardState.ANSWERED, named, kept),
            (CardState.ANSWERED_ANONYMOUSLY, anonymous, None), (CardState.CLOSED, named, kept),
            (CardState.CLOSED, anonymous, None), (CardState.NOT_ASKED, named, None),
        ):
            card = present.card_for(FormCard(state, form, campaign, answers), "once", t,
                                    RECIPIENT)
            cards.append((f"{locale}:{state}", card))
        cards.append((f"{locale}:stale", present.message_card(None, t, "form.stale")))
    return cards


@pytest.mark.parametrize("form", builtin_forms(), ids=lambda f: f.key)
def test_every_state_in_every_language_is_valid(form: Form) -> None:
    for _name, card in states(form):
        assert_valid_card(card)


def test_the_prompt_and_the_summary_carry_the_round_and_a_refresh_for_the_recipient() -> None:
    form = builtin_forms()[0]
    t = translator_for("de")
    prompt = present.card_for(FormCard(CardState.OPEN, form, a_campaign(form)), "r2", t,
                              RECIPIENT)
    summary = present.card_for(FormCard(CardState.ANSWERED, form, a_campaign(form),
                                        answers_for(form)), "r2", t, RECIPIENT)
    for card, verb in ((prompt, verbs.FORM_SUBMIT), (summary, verbs.FORM_EDIT)):
        assert card["refresh"]["userIds"] == [RECIPIENT]
        assert card["refresh"]["action"]["data"]["round"] == "r2"
        assert card["actions"][0]["verb"] == verb
        assert card["actions"][0]["data"]["round"] == "r2"


def test_an_anonymous_summary_offers_no_edit_and_says_why() -> None:
    form = builtin_forms()[0]
    t = translator_for("en")
    receipt = present.the_summary(form, a_campaign(form, anonymous=True), "once", t, RECIPIENT,
                                  validate_answers(form, answers_for(form)))
    assert "actions" not in receipt
    assert any("cannot be shown or changed" in str(b.get("text")) for b in receipt["body"])


def test_the_prompt_job_card_says_reminder_in_the_persons_language() -> None:
    form = builtin_forms()[0]
    cards = present.CampaignCards(TranslatedCards("en"))
    first = cards.prompt(form, a_campaign(form), "once", locale="sv-SE", recipient=RECIPIENT,
                         reminder=0)
    again = cards.prompt(form, a_campaign(form), "once", locale="sv-SE", recipient=RECIPIENT,
                         reminder=1)
    assert first.summary == form.title.in_("sv")
    assert again.summary == f"Påminnelse: {form.title.in_('sv')}"
    assert first.card is not None and first.card["refresh"]["userIds"] == [RECIPIENT]
