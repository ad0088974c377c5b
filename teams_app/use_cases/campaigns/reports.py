"""What a campaign's owner sees: counts always, aggregates only from k answers (DESIGN.md 8)."""

from __future__ import annotations

from dataclasses import dataclass

from teams_app.domain.campaigns.campaigns import AudienceKind, Campaign
from teams_app.domain.campaigns.report_series import RatePoint, response_rate
from teams_app.domain.campaigns.responses import CampaignSummary, StoredResponse, summarise
from teams_app.domain.campaigns.said_did import SaidDid
from teams_app.domain.forms.answers import AnswerSet, validate_answers
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.occurrences import Tally
from teams_app.ports import Clock, FormCatalog, UnitOfWorkFactory
from teams_app.ports.campaigns import PromptCounts
from teams_app.use_cases.campaigns.errors import UnknownCampaign
from teams_app.use_cases.learning_hours import plan_hours


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    sent: int
    summary: CampaignSummary
    # Who could not be reached and why (an Unreachable reason): the owner asked them, so they
    # may know; it says nothing about answers.
    unreachable: tuple[tuple[str, str], ...] = ()
    form: Form | None = None  # None: its file was removed; the counts still stand
    # From k answers only, like every aggregate: how the answers came in, day by day.
    rate: tuple[RatePoint, ...] = ()
    # A check-in of a plan's members: the plan's kept vs booked time beside the answers.
    hours: Tally | None = None
    said_dids: tuple[SaidDid, ...] = ()  # "you said, we did" sent so far, oldest first


@dataclass(frozen=True)
class CampaignListing:
    campaign: Campaign
    counts: PromptCounts
    form: Form | None


async def show_campaign(
    campaign_id: str, by: str, *, uow: UnitOfWorkFactory, forms: FormCatalog,
    clock: Clock | None = None,
) -> CampaignReport:
    """Only the owner sees their campaign (others: UnknownCampaign, as if it did not exist).
    With a clock, a check-in of a plan also gets the plan's hours (as of now)."""
    async with uow(read_only=True) as tx:
        campaign = await tx.campaigns.get(campaign_id)
        if campaign is None or campaign.owner_id != by:
            raise UnknownCampaign(campaign_id)
        counts = await tx.campaigns.counts(campaign_id)
        responses = await tx.campaigns.responses(campaign_id)
        prompts = await tx.campaigns.prompts_of(campaign_id)
        said_dids = tuple(await tx.campaigns.said_dids(campaign_id))
        form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
        audience = campaign.spec.audience
        hours = (
            await plan_hours(tx, audience.plan_id, at=clock.now())
            if clock is not None and form is not None and form.kind is FormKind.CHECKIN
            and audience.kind is AudienceKind.PLAN and audience.plan_id else None
        )
    sets = _answer_sets(form, responses)
    summary = summarise(campaign, sets, asked=counts.asked, answered=len(responses),
                        postponed=counts.postponed, unreachable=counts.unreachable)
    unreachable = tuple(sorted({(p.person_id, p.unreachable) for p in prompts if p.unreachable}))
    if not summary.shown:
        return CampaignReport(campaign, counts.sent, summary, unreachable, form,
                              said_dids=said_dids)
    rate = response_rate([p.sent_at for p in prompts if p.sent_at is not None],
                         [r.submitted_at for r in responses])
    return CampaignReport(campaign, counts.sent, summary, unreachable, form, rate, hours,
                          said_dids)


async def campaign_listings(
    owner_id: str, *, uow: UnitOfWorkFactory, forms: FormCatalog
) -> list[CampaignListing]:
    """The owner's campaigns, newest first, with their counts (never answers)."""
    async with uow(read_only=True) as tx:
        campaigns = await tx.campaigns.of_owner(owner_id)
        counts = [await tx.campaigns.counts(c.id) for c in campaigns]
    listings = [
        CampaignListing(c, n, await forms.get(c.spec.form_key, c.spec.form_version))
        for c, n in zip(campaigns, counts, strict=True)
    ]
    return sorted(listings, key=lambda item: item.campaign.created_at, reverse=True)


def _answer_sets(form: Form | None, responses: list[StoredResponse]) -> list[AnswerSet]:
    sets: list[AnswerSet] = []
    if form is not None:
        for response in responses:
            try:
                sets.append(validate_answers(form, response.answers))
            except InvalidAnswers:
                continue  # stored from a valid card; a form file edited in place is skipped
    return sets
