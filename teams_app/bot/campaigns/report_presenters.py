"""Presenters for the owner's campaign cards: the list and the report. Choice ids become the
owner's words here; the k rule is already applied by the use case (a summary not `shown` holds
no tallies and no rate), and a view made from it holds nothing but counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from cards import (
    MAX_CAMPAIGNS,
    CampaignItem,
    CampaignReportView,
    CampaignsListView,
    Distribution,
    Fact,
    HoursChart,
    RateChart,
    SaidDidForm,
    SaidDidView,
    Translator,
)
from teams_app.bot.formatting import day_and_month, decimal, hours_of, percent
from teams_app.bot.reach import reach_notice
from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.responses import Tally
from teams_app.domain.campaigns.said_did import MAX_TEXT, SaidDid
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.questions import CHOICE_KINDS, NUMBER_KINDS, OTHER, QuestionKind
from teams_app.domain.reach import Unreachable, UnreachablePerson
from teams_app.use_cases.campaigns.reports import CampaignListing, CampaignReport


def campaigns_view(t: Translator, listings: Sequence[CampaignListing], *, now: datetime
                   ) -> CampaignsListView:
    items = tuple(
        CampaignItem(
            campaign_id=item.campaign.id,
            title=_title(t, item.form),
            details=_details(t, item.campaign, now),
            counts=t("campaigns.counts", answered=item.counts.answered, asked=item.counts.asked),
        )
        for item in listings[:MAX_CAMPAIGNS]
    )
    more = len(listings) - MAX_CAMPAIGNS
    return CampaignsListView(
        title=t("campaigns.title"), items=items, empty=t("campaigns.empty"),
        report_button=t("campaigns.report"),
        more=t("campaigns.more", count=more) if more > 0 else None,
        new_buttons=tuple((kind, t(f"newcampaign.title.{kind}"))
                          for kind in ("checkin", "feedback", "pulse")),
    )


def report_view(
    t: Translator, report: CampaignReport, *, now: datetime, names: Mapping[str, str],
    said_did: str = "", said_did_error: str | None = None, notice: str | None = None,
) -> CampaignReportView:
    """`said_did` (what the owner typed), `said_did_error` and `notice` (catalog keys) answer
    their Send: the words kept with the problem under them, or what happened."""
    summary, campaign = report.summary, report.campaign
    counts = [
        Fact(t("report.asked"), str(summary.asked)),
        Fact(t("report.sent"), str(report.sent)),
        Fact(t("report.answered"), str(summary.answered)),
    ]
    if summary.postponed:
        counts.append(Fact(t("report.postponed"), str(summary.postponed)))
    if summary.unreachable:
        counts.append(Fact(t("report.unreachable"), str(summary.unreachable)))
    view = CampaignReportView(
        campaign_id=campaign.id,
        title=_title(t, report.form),
        details=_details(t, campaign, now),
        counts=tuple(counts),
        refresh_button=t("report.refresh"),
        list_button=t("report.list"),
        reach=reach_notice(t, _unreachable(report, now), names, heading_key="reach.campaign"),
        said_did=SaidDidForm(
            label=t("saiddid.label"), input_label=t("saiddid.input"),
            placeholder=t("saiddid.placeholder"),
            button=t("saiddid.button"), seen=len(report.said_dids),
            sent=tuple(t("saiddid.sent_line", date=day_and_month(t, s.at.astimezone(UTC).date()),
                         sent=s.sent, unreachable=s.unreachable) for s in report.said_dids),
            value=said_did,
            error=t(said_did_error, limit=MAX_TEXT) if said_did_error else None,
            notice=t(notice) if notice else None, max_length=MAX_TEXT,
        ),
    )
    if not summary.shown:
        return replace(view, below_k=t("report.below_k", k=campaign.spec.k))
    return replace(
        view,
        rate=RateChart(t("report.rate.title"), t("report.rate.legend"), tuple(
            (day_and_month(t, p.day), round(p.rate * 100),
             t("report.rate.point", percent=percent(t, p.rate), answered=p.answered,
               asked=p.asked))
            for p in report.rate
        )),
        distributions_title=t("report.answers.title"),
        distributions=_distributions(t, report.form, summary.tallies),
        hours=_hours(t, report),
    )


def _distributions(t: Translator, form: Form | None, tallies: Sequence[Tally]
                   ) -> tuple[Distribution, ...]:
    """One per tallied question, in the form's order; every offered answer shows, also those
    nobody chose (a zero says as much as a count)."""
    if form is None:
        return ()
    by_question = {tally.question: tally.counts for tally in tallies}
    language = t.language
    shown: list[Distribution] = []
    for question in form.questions:
        counts = by_question.get(question.id)
        if counts is None:
            continue
        if question.kind in CHOICE_KINDS:
            bars = [(c.label.in_(language), counts.get(c.id, 0)) for c in question.choices]
            if question.other is not None:
                bars.append((question.other.in_(language), counts.get(OTHER, 0)))
        elif question.kind in NUMBER_KINDS:
            low, high = question.range
            bars = [(str(v), counts.get(str(v), 0)) for v in range(low, high + 1)]
        elif question.kind is QuestionKind.YES_NO:
            bars = [(t("form.yes"), counts.get("yes", 0)), (t("form.no"), counts.get("no", 0))]
        else:
            continue
        shown.append(Distribution(question.label.in_(language), tuple(bars)))
    return tuple(shown)


def _hours(t: Translator, report: CampaignReport) -> HoursChart | None:
    if report.hours is None:
        return None
    kept, due = hours_of(report.hours.kept), hours_of(report.hours.due)
    return HoursChart(
        title=t("report.hours.title"), kept=kept, lost=max(due - kept, 0.0),
        kept_legend=t("plans.chart.kept"), lost_legend=t("plans.chart.lost"),
        words=(t("plans.hours", kept=decimal(t, kept), booked=decimal(t, due)) if due
               else t("plans.hours.none")),
    )


def _unreachable(report: CampaignReport, now: datetime) -> list[UnreachablePerson]:
    found: list[UnreachablePerson] = []
    for person_id, reason in report.unreachable:
        try:
            found.append(UnreachablePerson(person_id, Unreachable(reason), now))
        except ValueError:
            continue  # a reason this version does not know: counted above, not explained
    return found


def _title(t: Translator, form: Form | None) -> str:
    return form.title.in_(t.language) if form is not None else t("campaigns.form_gone")


def _details(t: Translator, campaign: Campaign, now: datetime) -> str:
    state = (t("campaigns.open_until",
               date=day_and_month(t, campaign.spec.closes_at.astimezone(UTC).date()))
             if campaign.is_open(now) else t("campaigns.closed"))
    privacy = t("campaigns.anonymous" if campaign.spec.anonymous else "campaigns.named")
    # Two campaigns of one form differ by when they began: the list must tell them apart.
    started = t("campaigns.started",
                date=day_and_month(t, campaign.created_at.astimezone(UTC).date()))
    return f"{started} · {state} · {privacy}"


def said_did_view(t: Translator, form: Form | None, said_did: SaidDid) -> SaidDidView:
    return SaidDidView(title=t("saiddid.title"), about=t("saiddid.about", form=_title(t, form)),
                       text=said_did.text, thanks=t("saiddid.thanks"))
