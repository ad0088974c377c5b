"""Every card, in every language, is valid Adaptive Cards 1.5 and fully translated."""

from __future__ import annotations

import pytest

from cards import SUPPORTED_LOCALES, help_card, translator_for, welcome_card
from cards.i18n import catalog, language_of, placeholders
from teams_app.bot.presenters import first_name, help_view, welcome_view
from teams_app.domain.conversations import ConversationKind
from tests.card_schema import assert_valid_card


def all_cards(language: str) -> list[dict]:
    t = translator_for(language)
    return [
        help_card(help_view(t)),
        help_card(help_view(t, not_understood=True)),
        *(welcome_card(welcome_view(t, kind=kind, name=name))
          for kind in ConversationKind for name in ("Astrid Lindqvist", None)),
    ]


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_cards_are_valid_adaptive_cards_1_5(language: str) -> None:
    for card in all_cards(language):
        assert_valid_card(card)


@pytest.mark.parametrize("language", SUPPORTED_LOCALES[1:])
def test_every_language_has_every_text_with_the_same_placeholders(language: str) -> None:
    english, other = catalog("en"), catalog(language)
    assert set(other) == set(english)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
        assert other[key].strip(), key


@pytest.mark.parametrize("language", SUPPORTED_LOCALES[1:])
def test_translations_differ_from_english(language: str) -> None:
    english, other = catalog("en"), catalog(language)
    same = [key for key in english if other[key] == english[key] and key != "help.title"]
    assert not same


def test_a_card_with_a_teams_only_element_needs_a_1_5_fallback() -> None:
    chart = {"type": "Chart.Donut", "data": []}
    with pytest.raises(AssertionError, match="no fallback"):
        assert_valid_card({"type": "AdaptiveCard", "version": "1.5", "body": [chart]})
    chart["fallback"] = {"type": "TextBlock", "text": "3 of 5 kept"}
    assert_valid_card({"type": "AdaptiveCard", "version": "1.5", "body": [chart]})


def test_an_invalid_card_is_caught() -> None:
    with pytest.raises(AssertionError):
        assert_valid_card({"type": "AdaptiveCard", "version": "1.5",
                           "body": [{"type": "TextBlock"}]})  # TextBlock needs text


@pytest.mark.parametrize(
    ("locale", "language"),
    [("sv-SE", "sv"), ("nl_NL", "nl"), ("de-CH", "de"), ("en-GB", "en"), ("fr-FR", "en"),
     (None, "en"), ("", "en")],
)
def test_language_follows_the_teams_locale(locale: str | None, language: str) -> None:
    assert language_of(locale) == language


def test_first_name_from_directory_display_names() -> None:
    assert first_name("Astrid Lindqvist") == "Astrid"
    assert first_name("Lindqvist, Astrid") == "Astrid"
    assert first_name("Sam") == "Sam"
