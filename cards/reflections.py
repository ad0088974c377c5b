"""The reflection round cards (docs/reflections.md): the summary posted where the meeting
happened, and a follow-up's answer with "ask me again". The reflection and follow-up cards
themselves are form cards (cards/forms.py) with their own verbs."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, more_line, section, small
from cards.elements import card, execute, heading, text
from cards.reflection_views import FollowUpAnswerView, ReflectionSummaryView, SharedLine


def reflection_summary_card(view: ReflectionSummaryView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.reflected, weight="Bolder")]
    body += [small(note) for note in view.notes]
    if view.takeaways:
        body += [section(view.takeaways_heading), *_lines(view.takeaways)]
    if view.hindrances:
        body += [section(view.hindrances_heading), facts(view.hindrances)]
    if view.actions:
        body += [section(view.actions_heading), *_lines(view.actions)]
    if view.nothing_shared:
        body.append(text(view.nothing_shared, subtle=True, spacing="Medium"))
    body += more_line(view.more)
    if view.pair_button is None:
        return card(body)
    # Everyone in the chat sees the button; the server lets only the organiser pair.
    return card(body, [execute(view.pair_button, verbs.PARTNERS_PAIR, round_id=view.round_id)])


def follow_up_answer_card(view: FollowUpAnswerView) -> dict[str, Any]:
    body: list[ac.Element] = [
        heading(view.title),
        ac.Container(style="emphasis", items=[text(view.message)]),
    ]
    if view.again_label is None:
        return card(body)
    return card(body, [execute(view.again_label, verbs.FOLLOW_UP_AGAIN,
                               follow_up_id=view.follow_up_id)])


def _lines(lines: tuple[SharedLine, ...]) -> list[ac.Element]:
    items: list[ac.Element] = []
    for line in lines:
        who = f"{line.who} · {line.by}" if line.by else line.who
        items += [text(line.text, spacing="Medium"), small(who, spacing="None")]
    return items
