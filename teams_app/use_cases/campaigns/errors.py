"""Refusals of the campaign use cases (the domain's are in domain/campaigns/)."""

from __future__ import annotations

from teams_app.domain.errors import DomainError


class UnknownCampaign(DomainError):
    code = "campaign_unknown"  # no such campaign, or not the caller's


class UnknownForm(DomainError):
    code = "campaign_unknown_form"


class NoAudience(DomainError):
    code = "campaign_no_audience"  # the audience resolves to nobody


class AudienceNotAllowed(DomainError):
    code = "campaign_audience_not_allowed"  # the owner may not ask these people

    def __init__(self, person_ids: tuple[str, ...]) -> None:
        super().__init__(len(person_ids))  # ids only, never names
        self.person_ids = person_ids


class CampaignExists(DomainError):
    code = "campaign_exists"  # the id is taken: a card's Create pressed again
