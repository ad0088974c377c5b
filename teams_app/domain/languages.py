"""A person's language for cards that no turn of theirs asked for (proactive cards).

It comes from the locale of the last thing they did in Teams, else from their mailbox's
`language.locale` (what Outlook shows them in), else the service's default. Only the languages
the cards speak are kept; the region stays beside the language because it decides how times
read (en-US 2:30 PM, en-GB 14:30), as it does for replies within a turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

LANGUAGES = ("en", "sv", "nl", "de")  # the card catalogs' (cards/locales); a test keeps them equal

# A mailbox's language is read again after this long: people change Outlook's language rarely,
# and one Graph call a week per person is nothing, where one per card would be.
MAILBOX_LANGUAGE_KEPT = timedelta(days=7)


class LanguageSource(StrEnum):
    ACTIVITY = "activity"  # the locale of their last message or card action in Teams
    MAILBOX = "mailbox"  # mailboxSettings.language, read from Graph


@dataclass(frozen=True)
class PersonLanguage:
    user_id: str
    locale: str | None  # "sv-SE", "de"; None: their mailbox names no language the cards speak
    source: LanguageSource
    at: datetime  # when it was learnt

    def is_current(self, *, at: datetime) -> bool:
        """What they did in Teams holds until they do something else; a mailbox's answer is
        asked again after MAILBOX_LANGUAGE_KEPT."""
        return self.source is LanguageSource.ACTIVITY or at - self.at < MAILBOX_LANGUAGE_KEPT


@dataclass(frozen=True)
class SpokenLanguage:
    """The language a person used in a turn they made: their AAD object id and the turn's
    locale, already one the cards speak (`supported_locale`)."""

    user_id: str
    locale: str


def _subtags(locale: str | None) -> list[str]:
    return [part.strip() for part in (locale or "").replace("_", "-").split("-")]


def language_of(locale: str | None) -> str | None:
    """'sv-SE' -> 'sv'; None for a language the cards do not speak, or no locale."""
    primary = _subtags(locale)[0].lower()
    return primary if primary in LANGUAGES else None


def supported_locale(locale: str | None) -> str | None:
    """The locale in a canonical form when its language is one the cards speak: 'sv_se' ->
    'sv-SE', 'DE' -> 'de', 'sr-Latn-RS' -> None, 'en-Latn-GB' -> 'en-GB'; None otherwise."""
    language = language_of(locale)
    if language is None:
        return None
    for part in _subtags(locale)[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return f"{language}-{part.upper()}"
    return language
