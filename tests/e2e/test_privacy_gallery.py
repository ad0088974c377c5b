"""A person's own data as the Agents Playground renders it: `my data` with every kind of
holding, the erase confirmation, what an erase did, the export's link and the notices, in
Swedish, Dutch, German and English. Screenshots go to artifacts/e2e/gallery/privacy/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cards import (
    erase_confirm_card,
    erased_card,
    export_ready_card,
    my_data_card,
    privacy_notice_card,
    translator_for,
)
from teams_app.bot.privacy.presenters import (
    confirm_view,
    erased_view,
    export_view,
    my_data_view,
    notice_view,
)
from teams_app.domain.privacy import Erased, Holding, fingerprint, sharepoint
from teams_app.use_cases.privacy.holdings import PersonalDataReport
from tests.e2e.conftest import ARTIFACTS, World
from tests.e2e.gallery import show_gallery

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GALLERY = ARTIFACTS / "gallery" / "privacy"
PERSON = "5f0c2a4e-9b1d-4c7e-8f3a-2d6b9e1c4a70"
LINK = "https://learning-loop.example.org/privacy/export/eyJwIjoiNWYwYyJ9.c2lnbmVk"


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, 30, tzinfo=UTC)


def a_report() -> PersonalDataReport:
    plans = [Holding("plans", "membership", p, at(9, 1 + i)) for i, p in enumerate("ab")]
    plans += [Holding("plans", "owned_plan", "c", at(8, 20), significant=False)]
    plans += [Holding("plans", "slot", f"{p}/r1", at(9, 2), stored_in=("database", "calendar"))
              for p in "ab"]
    plans += [Holding("plans", "sessions", f"a/{o}", at(10, 6)) for o in ("kept", "lost")]
    answers = [Holding("campaigns", "response", f"r{n}", at(10, 3 + n),
                       stored_in=("database", sharepoint("Learning Loop check-ins")))
               for n in range(3)]
    answers += [Holding("campaigns", "prompt", f"p{n}", at(10, 1 + n)) for n in range(4)]
    reach = [Holding("languages", "language", PERSON, at(10, 7), significant=False),
             Holding("conversations", "chat", "a:personal", at(10, 7), significant=False)]
    held = tuple(plans + answers + reach)
    return PersonalDataReport(PERSON, held, fingerprint(held))


def gallery() -> dict[str, dict[str, Any]]:
    report = a_report()
    erased = Erased({"named_responses": 3, "prompts_kept_as_counts": 4, "memberships": 2,
                     "slots": 2, "sessions": 5, "languages": 1, "chats": 1})
    cards: dict[str, dict[str, Any]] = {}
    for language in ("sv", "nl", "de", "en"):
        t = translator_for(language)
        cards[f"{language}-my-data"] = my_data_card(my_data_view(report, t))
        cards[f"{language}-erase-confirm"] = erase_confirm_card(confirm_view(report, t))
        cards[f"{language}-erased"] = erased_card(erased_view(erased, t))
        cards[f"{language}-export-ready"] = export_ready_card(export_view(LINK, 15, t))
        cards[f"{language}-notice-old"] = privacy_notice_card(
            notice_view("privacy.notice.old", t))
    empty = PersonalDataReport(PERSON, (), fingerprint(()))
    cards["sv-my-data-empty"] = my_data_card(my_data_view(empty, translator_for("sv")))
    cards["de-notice-not-yours"] = privacy_notice_card(
        notice_view("privacy.notice.not_yours", translator_for("de")))
    cards["nl-notice-personal-only"] = privacy_notice_card(
        notice_view("privacy.notice.personal_only", translator_for("nl")))
    return cards


async def test_every_privacy_card_renders(world: World) -> None:
    await show_gallery(world, gallery(), GALLERY)
