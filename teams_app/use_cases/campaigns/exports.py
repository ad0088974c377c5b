"""The answers of a campaign for its owner to export: every response, typed by its form, only
from k answers (DESIGN.md 8). A named response keeps its person; an anonymous one has none to
give. The entry point writes them out (CSV) in the owner's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.responses import require_k
from teams_app.domain.forms.answers import AnswerSet, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.ports import FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.campaigns.errors import UnknownCampaign, UnknownForm


@dataclass(frozen=True)
class ExportedResponse:
    key: str
    day: date  # the day only: all an anonymous response keeps, and all an export needs
    answers: AnswerSet
    person_id: str | None = None  # named campaigns only
    round: str | None = None


@dataclass(frozen=True)
class ResponseExport:
    campaign: Campaign
    form: Form
    responses: tuple[ExportedResponse, ...]


async def export_responses(
    campaign_id: str, by: str, *, uow: UnitOfWorkFactory, forms: FormCatalog
) -> ResponseExport:
    """Only the owner (others: UnknownCampaign); below k answers: BelowThreshold, nothing."""
    async with uow(read_only=True) as tx:
        campaign = await tx.campaigns.get(campaign_id)
        if campaign is None or campaign.owner_id != by:
            raise UnknownCampaign(campaign_id)
        stored = await tx.campaigns.responses(campaign_id)
    form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
    if form is None:
        raise UnknownForm(campaign.spec.form_key)
    exported: list[ExportedResponse] = []
    for response in stored:
        try:
            answers = validate_answers(form, response.answers)
        except InvalidAnswers:
            continue  # stored from a valid card; a form file edited in place is skipped
        anonymous = campaign.spec.anonymous
        exported.append(ExportedResponse(
            response.key, response.submitted_at.date(), answers,
            None if anonymous else response.person_id, None if anonymous else response.round))
    require_k(campaign, len(exported))  # what would be written, not what is stored
    return ResponseExport(campaign, form, tuple(exported))
