"""The words of a learning-time event in the member's language (en, sv, nl, de).

The domain's `SlotTexts` carries them and stays free of languages; the use cases pick the
texts here from the mailbox's `language.locale` (what Outlook shows the person in). These are
event texts for Outlook, not card strings, so they live beside the use cases rather than in
`cards/locales`, which use cases may not import.
"""

from __future__ import annotations

from teams_app.domain.slot_events import SlotTexts

_TEXTS: dict[str, SlotTexts] = {
    "en": SlotTexts(),
    "sv": SlotTexts(
        subject="Lärtid",
        goal_label="Mål",
        material_label="Läs före passet",
        protected=(
            "Den här tiden är skyddad för lärande. Håll den fri; om arbete krockar erbjuder "
            "Learning Loop att flytta den."
        ),
    ),
    "nl": SlotTexts(
        subject="Leertijd",
        goal_label="Doel",
        material_label="Bestudeer vóór de sessie",
        protected=(
            "Deze tijd is beschermd om te leren. Houd hem vrij; als werk botst, biedt "
            "Learning Loop aan hem te verplaatsen."
        ),
    ),
    "de": SlotTexts(
        subject="Lernzeit",
        goal_label="Ziel",
        material_label="Vor der Sitzung lesen",
        protected=(
            "Diese Zeit ist zum Lernen geschützt. Bitte halte sie frei; wenn Arbeit "
            "dazwischenkommt, bietet Learning Loop an, sie zu verschieben."
        ),
    ),
}
LANGUAGES = tuple(_TEXTS)


def slot_texts(language: str | None) -> SlotTexts:
    """Texts for a locale such as "sv-SE" or "de"; English for anything else or unknown."""
    base = (language or "").replace("_", "-").split("-", 1)[0].lower()
    return _TEXTS.get(base, _TEXTS["en"])
