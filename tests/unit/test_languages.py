"""A person's language: which locales are kept, in what form, and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cards import SUPPORTED_LOCALES
from teams_app.domain.languages import (
    LANGUAGES,
    MAILBOX_LANGUAGE_KEPT,
    LanguageSource,
    PersonLanguage,
    language_of,
    supported_locale,
)

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(("locale", "language", "kept"), [
    ("sv-SE", "sv", "sv-SE"), ("sv_se", "sv", "sv-SE"), ("SV", "sv", "sv"),
    ("nl-BE", "nl", "nl-BE"), ("de-CH", "de", "de-CH"), ("en-GB", "en", "en-GB"),
    ("en-Latn-GB", "en", "en-GB"), ("es-419", None, None), ("en-150", "en", "en-150"),
    ("fr-FR", None, None), ("sr-Latn-RS", None, None), ("", None, None), (None, None, None),
    (" de ", "de", "de"), ("svenska", None, None),
])
def test_a_locale_is_kept_only_in_a_language_the_cards_speak(
    locale: str | None, language: str | None, kept: str | None
) -> None:
    assert language_of(locale) == language
    assert supported_locale(locale) == kept


def test_the_languages_are_the_card_catalogs() -> None:
    assert set(LANGUAGES) == set(SUPPORTED_LOCALES)


def test_what_they_did_holds_and_a_mailbox_is_asked_again_after_a_while() -> None:
    spoke = PersonLanguage("p", "nl-NL", LanguageSource.ACTIVITY, AT)
    read = PersonLanguage("p", "sv-SE", LanguageSource.MAILBOX, AT)
    later = AT + MAILBOX_LANGUAGE_KEPT
    assert spoke.is_current(at=later + timedelta(days=365))
    assert read.is_current(at=later - timedelta(seconds=1))
    assert not read.is_current(at=later)
