"""A check-in campaign's report for the card tests and the gallery: k answers or fewer, with the
plan's hours and who could not be reached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from teams_app.domain.campaigns.campaigns import Audience, Campaign, CampaignSpec, Timing
from teams_app.domain.campaigns.report_series import response_rate
from teams_app.domain.campaigns.responses import summarise
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.occurrences import Tally
from teams_app.use_cases.campaigns.reports import CampaignReport
from tests.unit.forms.support import builtin_forms

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
CHECKIN = {f.key: f for f in builtin_forms()}["learning_checkin"]
ANSWER = {"used_time": "partly", "worked_on": "Secret words", "obstacles": "meeting,other",
          "obstacles.other": "Private reason", "will_apply": "Also secret"}


def varied(i: int) -> dict[str, str]:
    """The i-th person's answer: the choices differ from person to person, "other" always."""
    used = CHECKIN.question("used_time").choices  # type: ignore[union-attr]
    obstacles = CHECKIN.question("obstacles").choices  # type: ignore[union-attr]
    return {**ANSWER, "used_time": used[i % len(used)].id,
            "obstacles": f"{obstacles[i % len(obstacles)].id},other"}


def a_campaign(k: int = 5, anonymous: bool = False) -> Campaign:
    return Campaign.start(id="c-1", owner_id="o", at=NOW, spec=CampaignSpec(
        form_key=CHECKIN.key, form_version=CHECKIN.version, audience=Audience.of_plan("p-1"),
        timing=Timing.once(NOW), closes_at=NOW + timedelta(days=3), k=k, anonymous=anonymous))


def a_report(answers: int, *, k: int = 5, unreachable: tuple[tuple[str, str], ...] = ()
             ) -> CampaignReport:
    campaign = a_campaign(k)
    sets = [validate_answers(CHECKIN, varied(i)) for i in range(answers)]
    summary = summarise(campaign, sets, asked=8, answered=answers, postponed=1,
                        unreachable=len(unreachable))
    rate = response_rate([NOW] * 8, [NOW + timedelta(days=i % 3) for i in range(answers)])
    hours = Tally(booked=timedelta(hours=8), due=timedelta(hours=4), kept=timedelta(hours=3))
    shown = summary.shown
    return CampaignReport(campaign, 8, summary, unreachable, CHECKIN,
                          rate if shown else (), hours if shown else None)
