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


def language_of(locale: str | None, default: str = DEFAULT_LOCALE) -> str:
    """'sv-SE' -> 'sv'; anything unsupported falls back to the default language."""
    if locale:
        primary = locale.replace("_", "-").split("-")[0].strip().lower()
        if primary in SUPPORTED_LOCALES:
            return primary
    return default if default in SUPPORTED_LOCALES else DEFAULT_LOCALE


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@dataclass(frozen=True)
class Translator:
    language: str

    def __call__(self, key: str, **values: object) -> str:
        template = catalog(self.language).get(key) or catalog(DEFAULT_LOCALE)[key]
        return template.format(**values)


def translator_for(locale: str | None, default: str = DEFAULT_LOCALE) -> Translator:
    return Translator(language_of(locale, default))
