"""The owner's side of campaigns in Teams: `campaigns` (and the sv/nl/de words) lists their
campaigns, each with Report; Report shows the counts and, from k answers, the charts. Only the
owner sees a report: anyone else (or a card with tampered ids) gets the same notice as for a
campaign that does not exist, and learns nothing about it."""

from __future__ import annotations

import re
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    NoticeView,
    Translator,
    campaign_report_card,
    campaigns_list_card,
    notice_card,
    verbs,
)
from teams_app.bot.campaigns.report_presenters import campaigns_view, report_view
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.ports.services import Services
from teams_app.use_cases.campaigns.errors import UnknownCampaign
from teams_app.use_cases.campaigns.reports import campaign_listings, show_campaign
from teams_app.use_cases.people_names import people_names

log = structlog.get_logger()

# What an owner types, in the languages the cards speak (matched whole, any case).
CAMPAIGNS_WORDS = re.compile(
    r"\s*(campaigns|my campaigns|utskick|mina utskick|kampanjer|vragenrondes|"
    r"mijn vragenrondes|campagnes|umfragen|meine umfragen|kampagnen)\s*[.!]?\s*",
    re.IGNORECASE,
)

_MAX_ID = 100
_ALLOWED = frozenset({"verb", "campaign_id", "msteams"})


def campaign_id_of(data: Any) -> str | None:
    """The report button's one id; anything else on it (another field, a wrong type, an id of
    the wrong shape) means it is not a card this service made."""
    if not isinstance(data, dict) or not set(data) <= _ALLOWED:  # type: ignore[arg-type]
        return None
    value = data.get("campaign_id")  # type: ignore[union-attr]
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
        return None
    return value.strip()


async def on_campaigns_list(context: TurnContext, services: Services, _data: Any
                            ) -> dict[str, Any]:
    return await campaigns_card(context, services)


async def on_campaign_report(context: TurnContext, services: Services, data: Any
                             ) -> dict[str, Any]:
    t = translator_of(context, services)
    campaign_id = campaign_id_of(data)
    if campaign_id is None:
        log.info("campaign_report_refused", problem="card_data")
        return _unknown(t)
    try:
        report = await show_campaign(campaign_id, sender_of(context), uow=services.uow,
                                     forms=services.forms, clock=services.clock)
    except UnknownCampaign:
        log.info("campaign_report_refused", problem="not_owner_or_unknown")
        return _unknown(t)
    names = await people_names([p for p, _ in report.unreachable], directory=services.directory)
    log.info("campaign_report_shown", campaign_id=campaign_id, shown=report.summary.shown)
    return campaign_report_card(report_view(t, report, now=services.clock.now(), names=names))


async def on_campaigns_typed(context: TurnContext, services: Services) -> None:
    if not is_personal(context):
        await context.send_activity(
            translator_of(context, services)("campaigns.personal_only"))
        return
    await context.send_activity(card_message(await campaigns_card(context, services)))


async def campaigns_card(context: TurnContext, services: Services) -> dict[str, Any]:
    listings = await campaign_listings(sender_of(context), uow=services.uow, forms=services.forms)
    return campaigns_list_card(campaigns_view(translator_of(context, services), listings,
                                              now=services.clock.now()))


def _unknown(t: Translator) -> dict[str, Any]:
    return notice_card(NoticeView(title=t("report.notice.title"), message=t("report.unknown"),
                                  button=t("report.list"), verb=verbs.CAMPAIGNS_LIST))
