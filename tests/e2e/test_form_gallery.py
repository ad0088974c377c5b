"""The form cards (each built-in form, and one form's every state) as the Agents Playground renders
them, sent through the product's proactive messenger like the plan gallery, in Swedish, Dutch and
German (the Playground itself only speaks en-US). Screenshots go to artifacts/e2e/gallery/forms/
for a person to look at."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cards import (
    FieldError,
    campaign_report_card,
    campaigns_list_card,
    form_card,
    form_closed_card,
    form_summary_card,
    said_did_card,
    translator_for,
)
from teams_app.bot.campaigns.create import campaign_form
from teams_app.bot.campaigns.create_data import CreateCard
from teams_app.bot.campaigns.report_presenters import campaigns_view, report_view, said_did_view
from teams_app.bot.forms import closed_view, form_view, summary_view
from teams_app.domain.campaigns.said_did import SaidDid
from teams_app.domain.directory import Group, Person
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.forms.definitions import FormKind
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.ports.campaigns import PromptCounts
from teams_app.use_cases.campaigns.choices import CampaignChoices
from teams_app.use_cases.campaigns.reports import CampaignListing
from teams_app.use_cases.people_choices import PlanPeople
from tests.e2e.conftest import ARTIFACTS, World
from tests.e2e.gallery import show_gallery
from tests.unit.campaigns.report_support import CHECKIN, NOW, a_campaign, a_report
from tests.unit.forms.support import builtin_forms

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GALLERY = ARTIFACTS / "gallery" / "forms"
CAMPAIGN = "gallery"


def gallery() -> dict[str, dict[str, Any]]:
    forms = {form.key: form for form in builtin_forms()}
    cards: dict[str, dict[str, Any]] = {}
    for language, key in (("sv", "learning_checkin"), ("nl", "pre_session_survey"),
                          ("de", "learning_preferences"), ("sv", "session_feedback")):
        t = translator_for(language)
        cards[f"{language}-{key}"] = form_card(form_view(forms[key], t, campaign_id=CAMPAIGN))
    checkin, t = forms["learning_checkin"], translator_for("sv")
    try:
        validate_answers(checkin, {"worked_on": "Läste guiden"})
    except InvalidAnswers as refused:
        errors = refused.errors
    cards["sv-checkin-errors"] = form_card(form_view(
        checkin, t, campaign_id=CAMPAIGN, submitted={"worked_on": "Läste guiden"},
        errors=errors))
    answers = validate_answers(checkin, {
        "used_time": "partly", "worked_on": "Läste guiden om incidentgenomgångar",
        "obstacles": "meeting", "will_apply": "Använda mallen på fredagens genomgång"})
    cards["sv-checkin-summary"] = form_summary_card(
        summary_view(checkin, t, answers, campaign_id=CAMPAIGN, editable=True))
    cards["sv-checkin-closed"] = form_closed_card(closed_view(checkin, t, answers))
    return cards | owner_cards()


def owner_cards() -> dict[str, dict[str, Any]]:
    """The owner's campaigns list and report: below k (counts only), from k (the charts)."""
    unreachable = (("u-1", "not_installed"), ("u-2", "uninstalled"))
    names = {"u-1": "Sam Tyst", "u-2": "Olle Utanför"}
    listings = [CampaignListing(a_campaign(), PromptCounts(8, 8, 6, 1, 0), CHECKIN),
                CampaignListing(a_campaign(anonymous=True), PromptCounts(12, 11, 2, 0, 1),
                                CHECKIN)]
    cards: dict[str, dict[str, Any]] = {}
    for language in ("sv", "de"):
        t = translator_for(language)
        cards[f"{language}-campaigns"] = campaigns_list_card(campaigns_view(t, listings, now=NOW))
        cards[f"{language}-report-below-k"] = campaign_report_card(report_view(
            t, a_report(3, unreachable=unreachable), now=NOW, names=names))
        cards[f"{language}-report"] = campaign_report_card(report_view(
            t, a_report(6, unreachable=unreachable), now=NOW, names=names))
    said = SaidDid("s-1", "c-1", "Vi flyttar lärtiden till fredag förmiddag, som ni föreslog, "
                   "och bokar in en kort genomgång av verktygen innan nästa pass.", NOW, 7, 1)
    cards["sv-report-said-did-sent"] = campaign_report_card(report_view(
        translator_for("sv"), replace(a_report(6), said_dids=(said,)), now=NOW, names=names,
        notice="saiddid.sent"))
    for language in ("sv", "nl"):
        cards[f"{language}-said-did"] = said_did_card(
            said_did_view(translator_for(language), CHECKIN, said))
    return cards | create_cards()


def create_cards() -> dict[str, dict[str, Any]]:
    """The owner's card to start a campaign: blank (sv check-in, de pulse), refused (nl)."""
    people = PlanPeople(
        reports=(Person("p-1", "Astrid Lindqvist", "astrid@example.test"),
                 Person("p-2", "Bram de Vries", "bram@example.test")),
        owner=Person("p-0", "Anna Berg", "anna@example.test"),
        groups=(Group("g-1", "Supportteamet"),))
    forms = {form.kind: form for form in builtin_forms()}
    token = "0b7f6a34-5c1e-4d0a-9a57-3f2b9c1d2e4f"
    cards: dict[str, dict[str, Any]] = {}
    for language, kind in (("sv", FormKind.CHECKIN), ("de", FormKind.PULSE)):
        cards[f"{language}-new-{kind.value}"] = campaign_form(
            translator_for(language), CreateCard(token, kind, {}),
            CampaignChoices(people, (), forms[kind]))
    t = translator_for("nl")
    cards["nl-new-feedback-errors"] = campaign_form(
        t, CreateCard(token, FormKind.FEEDBACK, {"audience": "person:p-1,group:g-1", "k": "4",
                                                 "timing": "recurring", "every_weeks": "2"}),
        CampaignChoices(people, (), forms[FormKind.FEEDBACK]),
        errors=(FieldError("audience", t("newcampaign.error.audience_mix")),
                FieldError("closes", t("newcampaign.error.closes"))))
    return cards


async def test_every_form_card_renders(world: World) -> None:
    await show_gallery(world, gallery(), GALLERY,
                       whole=lambda name: "report" in name or "-new-" in name,
                       least_bytes=20_000)
