"""The welcome card, sent when the app is installed or added to a chat or team."""

from __future__ import annotations

from typing import Any

from cards import verbs
from cards.elements import bullets, card, execute, heading, text
from cards.views import WelcomeView


def welcome_card(view: WelcomeView) -> dict[str, Any]:
    return card(
        [heading(view.title), text(view.greeting), bullets(view.points)],
        [execute(view.help_button, verbs.HELP_SHOW)],
    )
