"""Creating a campaign, listing and closing them: what the owner does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from teams_app.domain.campaigns.campaigns import Campaign, CampaignSpec, TimingKind
from teams_app.domain.directory import FieldValue
from teams_app.domain.planners import PlanningRights
from teams_app.domain.results.items import campaign_closed_fields, campaign_fields
from teams_app.domain.results.lists import ListKind
from teams_app.ports import Clock, Directory, FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.campaigns.audiences import audience_people
from teams_app.use_cases.campaigns.errors import (
    AudienceNotAllowed,
    CampaignExists,
    UnknownCampaign,
    UnknownForm,
)
from teams_app.use_cases.campaigns.sending import FAN_OUT, fan_out_payload
from teams_app.use_cases.planners import not_allowed


@dataclass(frozen=True)
class CreateCampaign:
    owner_id: str
    spec: CampaignSpec


@dataclass(frozen=True)
class CampaignCreated:
    campaign_id: str
    people: int


async def create_campaign(
    cmd: CreateCampaign,
    *,
    uow: UnitOfWorkFactory,
    forms: FormCatalog,
    directory: Directory | None,
    rights: PlanningRights,
    clock: Clock,
    new_id: Callable[[], str],
) -> CampaignCreated:
    """Checks the form, the spec and that the owner may ask every person (the rule that says
    who may plan for whom), stores the campaign and queues its first round."""
    spec = cmd.spec
    form = await forms.get(spec.form_key, spec.form_version)
    if form is None:
        raise UnknownForm(spec.form_key)
    campaign = Campaign.start(id=new_id(), owner_id=cmd.owner_id, spec=spec, at=clock.now())
    async with uow(read_only=True) as tx:
        if await tx.campaigns.get(campaign.id) is not None:
            raise CampaignExists(campaign.id)  # before anything else: nothing to check again
    people = await audience_people(spec.audience, uow=uow, directory=directory)
    if directory is None:
        refused = tuple(p for p in people if p != cmd.owner_id)
    else:
        refused = await not_allowed(cmd.owner_id, people, directory=directory, rights=rights,
                                    group_id=spec.audience.group_id)
    if refused:
        raise AudienceNotAllowed(refused)
    async with uow() as tx:
        if await tx.campaigns.get(campaign.id) is not None:
            # The card's id was used: its Create pressed twice, or an old card. One campaign.
            raise CampaignExists(campaign.id)
        await tx.campaigns.add(campaign)
        await tx.outbox.add(ListKind.CAMPAIGNS.value, campaign.id,
                            campaign_item(campaign, form.kind.value))
        if spec.timing.kind is not TimingKind.AFTER_OCCURRENCE:
            await tx.jobs.enqueue(FAN_OUT, fan_out_payload(campaign.id, 0),
                                  run_at=spec.timing.round_due(0),
                                  idempotency_key=f"{FAN_OUT}:{campaign.id}:0")
        await tx.commit()
    return CampaignCreated(campaign.id, len(people))


def campaign_item(campaign: Campaign, form_kind: str) -> dict[str, FieldValue]:
    """The campaign as its item in the campaigns list: ids, times and settings, no answers."""
    spec = campaign.spec
    return campaign_fields(
        campaign_id=campaign.id, form_key=spec.form_key, form_kind=form_kind,
        owner_id=campaign.owner_id, opens_at=spec.timing.first_at or campaign.created_at,
        closes_at=spec.closes_at, anonymous=spec.anonymous, minimum_answers=spec.k,
        state=campaign.state.value,
    )


async def list_campaigns(owner_id: str, *, uow: UnitOfWorkFactory) -> list[Campaign]:
    async with uow(read_only=True) as tx:
        return await tx.campaigns.of_owner(owner_id)


@dataclass(frozen=True)
class CloseCampaign:
    campaign_id: str
    by: str  # only the owner closes it


async def close_campaign(cmd: CloseCampaign, *, uow: UnitOfWorkFactory, clock: Clock) -> Campaign:
    """Closes it now: no more prompts, reminders or answers; idempotent."""
    async with uow() as tx:
        campaign = await tx.campaigns.get(cmd.campaign_id)
        if campaign is None or campaign.owner_id != cmd.by:
            raise UnknownCampaign(cmd.campaign_id)
        closed = campaign.close(clock.now())
        await tx.campaigns.close(closed)
        # The campaigns list shows it closed; the item's key is the campaign id, so this
        # updates the item the creation wrote.
        await tx.outbox.add(ListKind.CAMPAIGNS.value, closed.id, campaign_closed_fields(
            campaign_id=closed.id, closed_at=closed.closed_at or clock.now()))
        await tx.commit()
    return closed
