"""The owner's report card and campaigns list: counts only below k (no chart, no tally, not even
the rate over time), charts with a valid 1.5 fallback from k, every offered answer in the
form's order in the owner's words, the check-in's kept hours, who could not be reached; in
en, sv, nl and de, valid Adaptive Cards 1.5."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from cards import (
    SUPPORTED_LOCALES,
    campaign_report_card,
    campaigns_list_card,
    said_did_card,
    translator_for,
    verbs,
)
from teams_app.bot.campaigns.report_presenters import campaigns_view, report_view, said_did_view
from teams_app.domain.campaigns.report_series import RatePoint, response_rate
from teams_app.domain.campaigns.responses import BelowThreshold, require_k
from teams_app.domain.campaigns.said_did import MAX_TEXT, SaidDid, SaidDidEmpty, SaidDidTooLong
from teams_app.ports.campaigns import PromptCounts
from teams_app.use_cases.campaigns.reports import CampaignListing
from tests.card_schema import assert_valid_card
from tests.unit.campaigns.report_support import CHECKIN, NOW, a_campaign, a_report


def everything(card: Any) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_the_rate_is_a_running_total_per_day() -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=UTC) for d in (10, 10, 10, 11)]
    answered = [datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC)]
    assert response_rate(days, answered) == (
        RatePoint(date(2026, 3, 10), 3, 1), RatePoint(date(2026, 3, 11), 4, 1),
        RatePoint(date(2026, 3, 12), 4, 2))
    assert response_rate(days, answered, max_points=1)[0].rate == 0.5
    assert RatePoint(date(2026, 3, 10), 0, 0).rate == 0.0


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_below_k_the_owner_sees_only_counts(locale: str) -> None:
    t = translator_for(locale)
    view = report_view(t, a_report(4), now=NOW, names={})
    assert view.rate is None and view.distributions == () and view.hours is None
    card = campaign_report_card(view)
    assert_valid_card(card)
    shown = everything(card)
    assert "Chart." not in shown
    assert t("report.below_k", k=5) in shown
    assert CHECKIN.questions[0].choices[0].label.in_(t.language) not in shown


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_from_k_charts_with_fallbacks_and_the_owners_words(locale: str) -> None:
    t = translator_for(locale)
    card = campaign_report_card(report_view(t, a_report(5), now=NOW, names={}))
    assert_valid_card(card)
    shown = everything(card)
    for kind in ("Chart.Line", "Chart.HorizontalBar", "Chart.HorizontalBar.Stacked"):
        assert f'"{kind}"' in shown
    for choice in CHECKIN.question("used_time").choices:  # type: ignore[union-attr]
        assert choice.label.in_(t.language) in shown  # every offered answer, zero or not
    assert "Secret words" not in shown and "Private reason" not in shown
    assert t("report.below_k", k=5) not in shown
    assert [a["verb"] for a in card["actions"]] == [verbs.CAMPAIGN_REPORT, verbs.CAMPAIGNS_LIST]
    assert card["actions"][0]["data"] == {"verb": verbs.CAMPAIGN_REPORT, "campaign_id": "c-1"}


def test_a_distribution_counts_each_choice_in_the_forms_order() -> None:
    t = translator_for("en")
    view = report_view(t, a_report(6), now=NOW, names={})
    obstacles = next(d for d in view.distributions
                     if d.question == CHECKIN.question("obstacles").label.in_("en"))  # type: ignore[union-attr]
    counts = dict(obstacles.bars)
    assert counts[CHECKIN.question("obstacles").other.in_("en")] == 6  # type: ignore[union-attr]
    assert sum(counts.values()) == 12
    assert view.hours is not None and view.hours.words == "3 of 4 hours kept"
    assert view.rate is not None and view.rate.points[-1][1] == 75  # 6 of 8


def test_the_owner_is_told_who_could_not_be_reached() -> None:
    t = translator_for("sv")
    report = a_report(2, unreachable=(("u-1", "not_installed"), ("u-2", "no_such_reason")))
    card = campaign_report_card(report_view(t, report, now=NOW, names={"u-1": "Astrid"}))
    assert_valid_card(card)
    shown = everything(card)
    assert "Astrid" in shown and t("reach.reason.not_installed") in shown
    assert t("reach.campaign.one") in shown


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_campaigns_list_has_a_report_button_each(locale: str) -> None:
    t = translator_for(locale)
    listings = [CampaignListing(a_campaign(), PromptCounts(8, 8, 3, 0, 0), CHECKIN),
                CampaignListing(a_campaign(anonymous=True), PromptCounts(2, 1, 0, 0, 1), None)]
    card = campaigns_list_card(campaigns_view(t, listings, now=NOW))
    assert_valid_card(card)
    buttons = [b for item in card["body"][1:] for b in item["items"][-1]["actions"]]
    assert [b["data"]["campaign_id"] for b in buttons] == ["c-1", "c-1"]
    assert t("campaigns.form_gone") in everything(card)
    empty = campaigns_list_card(campaigns_view(t, [], now=NOW))
    assert_valid_card(empty) and t("campaigns.empty") in everything(empty)  # type: ignore[func-returns-value]


def test_the_k_rule_refuses_an_export_below_k_and_says_by_how_much() -> None:
    campaign = a_campaign(k=4)
    with pytest.raises(BelowThreshold) as refused:
        require_k(campaign, 3)
    assert (refused.value.answered, refused.value.k) == (3, 4)
    require_k(campaign, 4)


def test_you_said_we_did_keeps_the_words_trimmed_and_refuses_empty_or_too_long() -> None:
    written = SaidDid.write(id="s", campaign_id="c-1", text="  Fridays now \n", at=NOW)
    assert written.text == "Fridays now" and "Fridays" not in repr(written)
    with pytest.raises(SaidDidEmpty):
        SaidDid.write(id="s", campaign_id="c-1", text=" \n ", at=NOW)
    with pytest.raises(SaidDidTooLong):
        SaidDid.write(id="s", campaign_id="c-1", text="x" * (MAX_TEXT + 1), at=NOW)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_report_holds_the_send_with_what_was_typed_and_the_card_people_get(
    locale: str,
) -> None:
    t = translator_for(locale)
    report = replace(a_report(2), said_dids=(
        SaidDid("s-1", "c-1", "Fridays now", NOW, sent=7, unreachable=1),))
    card = campaign_report_card(report_view(t, report, now=NOW, names={}, said_did="Half",
                                            said_did_error="saiddid.error.empty"))
    assert_valid_card(card)
    shown = everything(card)
    assert t("saiddid.error.empty") in shown and '"value": "Half"' in shown
    assert '"seen": 1' in shown and t("saiddid.button") in shown
    people_get = said_did_card(said_did_view(t, CHECKIN, report.said_dids[0]))
    assert_valid_card(people_get)
    assert "Fridays now" in everything(people_get)
