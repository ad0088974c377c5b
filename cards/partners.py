"""Learning partners' cards: who your partners are, the coaching check-in and its answer, and
the owner's pairing of a plan or the organiser's pairing of a reflection round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, section, small
from cards.elements import card, execute, heading, text
from cards.views import Fact

PARTNER_WENT = "went"  # the check-in's inputs
PARTNER_HELP = "would_help"


@dataclass(frozen=True)
class PartnersView:
    title: str
    lines: tuple[str, ...]  # "In <plan>: you and Bram de Vries"
    about: str  # what happens next: the check-ins every N weeks
    empty: str
    shared_title: str = ""
    shared: tuple[Fact, ...] = ()  # a partner's name -> what they shared with their name


@dataclass(frozen=True)
class PartnerCheckInView:
    pairing_id: str
    number: int
    title: str  # "How is Bram's learning going?"
    intro: str
    went_label: str
    help_label: str
    max_length: int
    button: str
    privacy: str
    went: str = ""  # kept when the card comes back with a problem
    would_help: str = ""
    error: str | None = None


@dataclass(frozen=True)
class PartnerAnsweredView:
    title: str
    notice: str  # saved, or answered already
    answers: tuple[tuple[str, str], ...]  # (question, their words)
    privacy: str


@dataclass(frozen=True)
class PairingView:
    again_ids: tuple[tuple[str, str], ...]  # what Pair again sends: the plan, or the round and
    # the pairing shown (so an old card never re-pairs what it did not show)
    title: str
    groups: tuple[str, ...]  # "Astrid Lindqvist · Bram de Vries"
    about: str
    again_button: str
    notice: str | None = None
    notice_style: ac.ContainerStyle = "good"  # "warning": nothing changed, the card was old
    unreached: str | None = None  # "Could not be sent their card: 1"


def partners_card(view: PartnersView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if not view.lines:
        body.append(text(view.empty))
    body += [text(line, spacing="Small") for line in view.lines]
    if view.shared:
        body += [section(view.shared_title), facts(view.shared)]
    if view.lines:
        body.append(small(view.about, spacing="Medium"))
    return card(body)


def partner_check_in_card(view: PartnerCheckInView) -> dict[str, Any]:
    body: list[ac.Element] = [
        heading(view.title),
        text(view.intro, subtle=True, spacing="Small"),
        ac.TextInput(id=PARTNER_WENT, label=view.went_label, is_multiline=True,
                     max_length=view.max_length, value=view.went or None),
        ac.TextInput(id=PARTNER_HELP, label=view.help_label, is_multiline=True,
                     max_length=view.max_length, value=view.would_help or None),
    ]
    if view.error:
        body.append(text(view.error, color="attention", spacing="Small"))
    body.append(small(view.privacy, spacing="Medium"))
    return card(body, [execute(view.button, verbs.PARTNER_CHECK_IN, style="positive",
                               pairing_id=view.pairing_id, number=view.number)])


def partner_answered_card(view: PartnerAnsweredView) -> dict[str, Any]:
    body: list[ac.Element] = [
        heading(view.title),
        ac.Container(style="good", items=[text(view.notice, weight="Bolder")]),
    ]
    for question, words in view.answers:
        body += [text(question, weight="Bolder", spacing="Medium"), text(words, spacing="Small")]
    body.append(small(view.privacy, spacing="Medium"))
    return card(body)


def pairing_card(view: PairingView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if view.notice:
        body.append(ac.Container(style=view.notice_style,
                                 items=[text(view.notice, weight="Bolder")]))
    body += [text(group, spacing="Small") for group in view.groups]
    if view.unreached:
        body.append(small(view.unreached, spacing="Medium"))
    body.append(small(view.about, spacing="Medium"))
    return card(body, [execute(view.again_button, verbs.PARTNERS_PAIR, **dict(view.again_ids))])
