"""A text people see on a form, in every language the product speaks."""

from __future__ import annotations

from dataclasses import dataclass, fields

# The cards' languages (cards/i18n.py speaks the same four). A form text lacking one of them
# is refused when the form is loaded, so no card ever shows a blank.
LANGUAGES = ("en", "sv", "nl", "de")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Texts:
    en: str
    sv: str
    nl: str
    de: str

    def in_(self, language: str) -> str:
        """The text in `language`; a language the forms do not speak gets the default one."""
        if language in LANGUAGES:
            return str(getattr(self, language))
        return self.en

    def blank_languages(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if not getattr(self, f.name).strip())
