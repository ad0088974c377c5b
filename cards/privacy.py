"""A person's own data: what is held (my data), the export's download, the erase
confirmation and what an erase did. Views hold display-ready strings (bot/privacy/presenters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, section, small
from cards.elements import bullets, card, execute, heading, text
from cards.views import Fact


@dataclass(frozen=True)
class HeldGroup:
    title: str
    rows: tuple[Fact, ...]  # what · when recorded and where it is stored


@dataclass(frozen=True)
class MyDataView:
    title: str
    intro: str
    groups: tuple[HeldGroup, ...]
    empty: str | None  # said instead of the groups when nothing is held
    anonymous_note: str
    owned_note: str | None  # the plans they own stay after an erase
    export_button: str | None  # None: nothing to download
    erase_button: str | None  # None: nothing to erase


@dataclass(frozen=True)
class EraseConfirmView:
    title: str
    will_go: tuple[str, ...]
    owned_stay: str | None  # the plans they own, which an erase leaves to their teams
    will_stay: str
    warning: str
    confirm_button: str
    keep_button: str
    person_id: str
    fingerprint: str


@dataclass(frozen=True)
class ErasedView:
    title: str
    counts: tuple[Fact, ...]
    follow_up: str
    back_button: str


@dataclass(frozen=True)
class ExportReadyView:
    title: str
    message: str
    expires: str
    why_link: str
    download_button: str
    url: str


@dataclass(frozen=True)
class PrivacyNoticeView:
    title: str
    message: str
    button: str


def my_data_card(view: MyDataView) -> dict[str, Any]:
    # With nothing held, the intro's "download or erase it" would offer what is not there.
    body: list[ac.Element] = [heading(view.title)]
    body.append(text(view.empty, weight="Bolder") if view.empty else text(view.intro))
    for group in view.groups:
        body += [section(group.title), facts(group.rows)]
    notes = [view.owned_note] if view.owned_note else []
    body += [small(note, spacing="Medium" if i == 0 else "Small")
             for i, note in enumerate([*notes, view.anonymous_note])]
    actions: list[ac.Action] = []
    if view.export_button:
        actions.append(execute(view.export_button, verbs.PRIVACY_EXPORT))
    if view.erase_button:
        actions.append(execute(view.erase_button, verbs.PRIVACY_ERASE_ASK,
                               style="destructive"))
    return card(body, actions)


def erase_confirm_card(view: EraseConfirmView) -> dict[str, Any]:
    return card(
        [heading(view.title), bullets(view.will_go),
         *([text(view.owned_stay, weight="Bolder")] if view.owned_stay else []),
         text(view.will_stay, subtle=True),
         ac.Container(style="attention", items=[text(view.warning, weight="Bolder")])],
        [execute(view.confirm_button, verbs.PRIVACY_ERASE, style="destructive",
                 person_id=view.person_id, fingerprint=view.fingerprint),
         execute(view.keep_button, verbs.PRIVACY_SHOW)],
    )


def erased_card(view: ErasedView) -> dict[str, Any]:
    return card([heading(view.title), facts(view.counts), text(view.follow_up, subtle=True)],
                [execute(view.back_button, verbs.PRIVACY_SHOW)])


def export_ready_card(view: ExportReadyView) -> dict[str, Any]:
    return card(
        [heading(view.title), text(view.message), text(view.expires, weight="Bolder"),
         small(view.why_link)],
        [ac.OpenUrlAction(title=view.download_button, url=view.url)],
    )


def privacy_notice_card(view: PrivacyNoticeView) -> dict[str, Any]:
    return card(
        [heading(view.title),
         ac.Container(style="attention", items=[text(view.message, weight="Bolder")])],
        [execute(view.button, verbs.PRIVACY_SHOW)],
    )
