"""What a campaign's owner sees: counts always, aggregates only from k answers (DESIGN.md 8)."""

from __future__ import annotations

from dataclasses import dataclass

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.responses import CampaignSummary, summarise
from teams_app.domain.forms.answers import AnswerSet, validate_answers
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.ports import FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.campaigns.errors import UnknownCampaign


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    sent: int
    summary: CampaignSummary
    # Who could not be reached and why (an Unreachable reason): the owner asked them, so they
    # may know; it says nothing about answers.
    unreachable: tuple[tuple[str, str], ...] = ()


async def show_campaign(
    campaign_id: str, by: str, *, uow: UnitOfWorkFactory, forms: FormCatalog
) -> CampaignReport:
    """Only the owner sees their campaign (others: UnknownCampaign, as if it did not exist)."""
    async with uow(read_only=True) as tx:
        campaign = await tx.campaigns.get(campaign_id)
        if campaign is None or campaign.owner_id != by:
            raise UnknownCampaign(campaign_id)
        counts = await tx.campaigns.counts(campaign_id)
        responses = await tx.campaigns.responses(campaign_id)
        prompts = await tx.campaigns.prompts_of(campaign_id)
    form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
    sets: list[AnswerSet] = []
    if form is not None:
        for response in responses:
            try:
                sets.append(validate_answers(form, response.answers))
            except InvalidAnswers:
                continue  # stored from a valid card; a form file edited in place is skipped
    summary = summarise(campaign, sets, asked=counts.asked, answered=len(responses),
                        postponed=counts.postponed, unreachable=counts.unreachable)
    unreachable = tuple(sorted({(p.person_id, p.unreachable) for p in prompts if p.unreachable}))
    return CampaignReport(campaign, counts.sent, summary, unreachable)
