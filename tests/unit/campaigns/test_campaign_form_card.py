"""The owner's campaign card of each kind, blank and refused, in en, sv, nl and de: valid
Adaptive Cards 1.5, Create an Action.Execute with a fallback carrying only the token and kind,
what was typed kept and each message under its input; the typed words of each kind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cards import SUPPORTED_LOCALES, FieldError, translator_for, verbs
from cards.campaign_form import AUDIENCE, CLOSES, K
from teams_app.bot.campaigns.create import KIND_WORDS, campaign_form
from teams_app.bot.campaigns.create_data import CreateCard, parse_create, spec_of
from teams_app.domain.campaigns.campaigns import AudienceKind
from teams_app.domain.directory import Group, Person
from teams_app.domain.forms.definitions import FormKind
from teams_app.use_cases.campaigns.choices import CampaignChoices
from teams_app.use_cases.people_choices import PlanPeople
from tests.card_schema import assert_valid_card
from tests.unit.forms.support import builtin_forms

TOKEN = "0b7f6a34-5c1e-4d0a-9a57-3f2b9c1d2e4f"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
FORMS = {f.kind: f for f in builtin_forms()}
PEOPLE = PlanPeople(reports=(Person("p-1", "Astrid Lindqvist", "astrid@example.test"),),
                    groups=(Group("g-1", "Support team"),))


def choices(kind: FormKind) -> CampaignChoices:
    return CampaignChoices(PEOPLE, (), FORMS[kind])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("kind", [FormKind.CHECKIN, FormKind.FEEDBACK, FormKind.PULSE])
def test_every_kind_in_every_language_is_valid_with_create_carrying_ids_only(
    locale: str, kind: FormKind
) -> None:
    t = translator_for(locale)
    card = campaign_form(t, CreateCard(TOKEN, kind, {}), choices(kind))
    assert_valid_card(card)
    (create,) = card["actions"]
    assert create["verb"] == verbs.CAMPAIGN_CREATE and create["fallback"]["type"] == "Action.Submit"
    assert create["data"] == {"verb": verbs.CAMPAIGN_CREATE, "token": TOKEN, "kind": kind.value}
    typed = CreateCard(TOKEN, kind, {AUDIENCE: "person:p-1", K: "9"})
    refused = campaign_form(t, typed, choices(kind),
                            errors=(FieldError(CLOSES, t("newcampaign.error.closes")),))
    assert_valid_card(refused)
    body = refused["body"]
    closes = next(i for i, e in enumerate(body) if e.get("id") == CLOSES)
    assert body[closes + 1]["text"] == t("newcampaign.error.closes")
    assert next(e for e in body if e.get("id") == K)["value"] == 9


def test_the_card_data_is_read_strictly_and_the_audience_is_one_kind() -> None:
    t = translator_for("en")
    base = {"verb": verbs.CAMPAIGN_CREATE, "token": TOKEN, "kind": "checkin",
            AUDIENCE: "group:g-1", "timing": "once", "every_weeks": "1", "privacy": "named",
            CLOSES: "2026-03-20", K: "5"}
    card = parse_create(base)
    assert card is not None
    spec = spec_of(card, FORMS[FormKind.CHECKIN], t, now=NOW)
    assert not isinstance(spec, tuple) and spec.audience.kind is AudienceKind.GROUP
    assert spec.closes_at == datetime(2026, 3, 20, 23, 59, tzinfo=UTC)
    for tampered in ({"token": TOKEN.upper()}, {"kind": "survey"}, {"extra": "x"},
                     {K: 5.5}, {AUDIENCE: None}):
        assert parse_create({**base, **tampered}) is None, tampered
    assert spec_of(parse_create({**base, "privacy": "all"}), FORMS[FormKind.CHECKIN], t,  # type: ignore[arg-type]
                   now=NOW) == ()


@pytest.mark.parametrize(("word", "kind"), [
    ("checkin", FormKind.CHECKIN), ("Avstämning", FormKind.CHECKIN),
    ("check-in", FormKind.CHECKIN), ("återkoppling", FormKind.FEEDBACK),
    ("Feedback", FormKind.FEEDBACK), ("puls", FormKind.PULSE), ("peiling", FormKind.PULSE),
    ("Umfrage", FormKind.PULSE)])
def test_the_words_of_each_kind(word: str, kind: FormKind) -> None:
    assert KIND_WORDS[kind].fullmatch(word)
