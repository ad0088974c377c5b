"""The help card: what Learning Loop does and which commands it understands."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards.elements import bullets, card, heading, text
from cards.views import HelpView


def help_card(view: HelpView) -> dict[str, Any]:
    body: list[ac.Element] = []
    if view.notice:
        body.append(ac.Container(style="warning", items=[text(view.notice, weight="Bolder")]))
    body += [
        heading(view.title),
        text(view.intro),
        text(view.cycle_heading, weight="Bolder"),
        bullets(view.cycle),
        text(view.commands_heading, weight="Bolder"),
        ac.FactSet(facts=[ac.Fact(title=c.command, value=c.description)
                          for c in view.commands]),
        text(view.privacy_note, subtle=True),
    ]
    return card(body)
