"""Translations for card text (en, sv, nl, de), chosen by the Teams locale of the activity."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Formatter

LOCALES_DIR = Path(__file__).with_name("locales")
SUPPORTED_LOCALES = ("en", "sv", "nl", "de")
DEFAULT_LOCALE = "en"


@cache
def catalog(language: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{language}.json").open(encoding="utf-8") as file:
        data: dict[str, str] = json.load(file)
    return data


def _subtags(locale: str | None) -> list[str]:
    return [part.strip() for part in (locale or "").replace("_", "-").split("-")]


def language_of(locale: str | None, default: str = DEFAULT_LOCALE) -> str:
    """'sv-SE' -> 'sv'; anything unsupported falls back to the default language."""
    primary = _subtags(locale)[0].lower()
    if primary in SUPPORTED_LOCALES:
        return primary
    return default if default in SUPPORTED_LOCALES else DEFAULT_LOCALE


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def region_of(locale: str | None) -> str | None:
    """'sv-SE' -> 'SE', 'sr-Latn-RS' -> 'RS'; None when the locale names no region."""
    for part in _subtags(locale)[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return part.upper()
    return None


@dataclass(frozen=True)
class Translator:
    """Card texts in one language. The region travels along (en-US and en-GB share texts but
    not clocks), for the presenters that format dates and numbers."""

    language: str
    region: str | None = None

    def __call__(self, key: str, **values: object) -> str:
        template = catalog(self.language).get(key) or catalog(DEFAULT_LOCALE)[key]
        return template.format(**values)


def translator_for(locale: str | None, default: str = DEFAULT_LOCALE) -> Translator:
    language = language_of(locale, default)
    # A region only belongs to its own language: "fr-FR" falls back to English, not to en-FR.
    own = _subtags(locale)[0].lower() == language
    return Translator(language, region_of(locale) if own else None)
