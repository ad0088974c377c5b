"""The owner's side of campaigns in Teams: `campaigns` (and the sv/nl/de words) lists their
campaigns, each with Report; Report shows the counts and, from k answers, the charts; the
report's Send tells everyone asked what changed ("you said, we did"). Only the owner sees a
report or sends: anyone else (or a card with tampered ids) gets the same notice as for a
campaign that does not exist, and learns nothing about it."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    SAID_DID_INPUT,
    NoticeView,
    Translator,
    campaign_report_card,
    campaigns_list_card,
    notice_card,
    verbs,
)
from teams_app.bot.campaigns.report_presenters import campaigns_view, report_view
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.domain.campaigns.said_did import SaidDidChanged, SaidDidEmpty, SaidDidTooLong
from teams_app.ports.services import Services
from teams_app.use_cases.campaigns.errors import UnknownCampaign
from teams_app.use_cases.campaigns.reports import campaign_listings, show_campaign
from teams_app.use_cases.campaigns.said_did import SendSaidDid, send_said_did
from teams_app.use_cases.people_names import people_names

log = structlog.get_logger()

# What an owner types, in the languages the cards speak (matched whole, any case).
CAMPAIGNS_WORDS = re.compile(
    r"\s*(campaigns|my campaigns|utskick|mina utskick|kampanjer|vragenrondes|"
    r"mijn vragenrondes|campagnes|umfragen|meine umfragen|kampagnen)\s*[.!]?\s*",
    re.IGNORECASE,
)

_MAX_ID = 100
_MAX_SEEN = 10_000
_ALLOWED = frozenset({"verb", "campaign_id", "msteams"})
_SEND_ALLOWED = _ALLOWED | {"seen", SAID_DID_INPUT}


def campaign_id_of(data: Any, allowed: frozenset[str] = _ALLOWED) -> str | None:
    """The report button's one id; anything else on it (another field, a wrong type, an id of
    the wrong shape) means it is not a card this service made."""
    if not isinstance(data, dict) or not set(data) <= allowed:  # type: ignore[arg-type]
        return None
    value = data.get("campaign_id")  # type: ignore[union-attr]
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
        return None
    return value.strip()


def said_did_of(data: Any) -> tuple[str, int, str] | None:
    """Send's campaign id, how many messages the card showed as sent, and the words typed."""
    campaign_id = campaign_id_of(data, _SEND_ALLOWED)
    if campaign_id is None:
        return None
    seen, words = data.get("seen"), data.get(SAID_DID_INPUT, "")
    if isinstance(seen, str) and seen.isdigit() and len(seen) < 6:
        seen = int(seen)
    if isinstance(seen, bool) or not isinstance(seen, int) or not 0 <= seen < _MAX_SEEN:
        return None
    if not isinstance(words, str):
        return None
    return campaign_id, seen, words


async def on_campaigns_list(context: TurnContext, services: Services, _data: Any
                            ) -> dict[str, Any]:
    return await campaigns_card(context, services)


async def on_campaign_report(context: TurnContext, services: Services, data: Any
                             ) -> dict[str, Any]:
    t = translator_of(context, services)
    campaign_id = campaign_id_of(data)
    if campaign_id is None:
        log.info("campaign_report_refused", problem="card_data")
        return unknown_card(t)
    return await _report(context, services, campaign_id)


async def on_said_did(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    parsed = said_did_of(data)
    if parsed is None:
        log.info("campaign_said_did_refused", problem="card_data")
        return unknown_card(t)
    campaign_id, seen, words = parsed
    try:
        sent = await send_said_did(SendSaidDid(campaign_id, sender_of(context), words, seen),
                                   uow=services.uow, clock=services.clock,
                                   new_id=lambda: str(uuid.uuid4()))
    except UnknownCampaign:
        log.info("campaign_said_did_refused", problem="not_owner_or_unknown")
        return unknown_card(t)
    except (SaidDidEmpty, SaidDidTooLong) as error:
        key = "saiddid.error.empty" if isinstance(error, SaidDidEmpty) else (
            "saiddid.error.too_long")
        return await _report(context, services, campaign_id, said_did=words,
                             said_did_error=key)
    except SaidDidChanged:
        log.info("campaign_said_did_refused", campaign_id=campaign_id, problem="stale")
        return await _report(context, services, campaign_id, notice="saiddid.changed")
    log.info("campaign_said_did_written", campaign_id=campaign_id, said_did_id=sent.id)
    return await _report(context, services, campaign_id, notice="saiddid.sent")


async def _report(context: TurnContext, services: Services, campaign_id: str, **answer: Any
                  ) -> dict[str, Any]:
    try:
        return await report_card(context, services, campaign_id, **answer)
    except UnknownCampaign:
        log.info("campaign_report_refused", problem="not_owner_or_unknown")
        return unknown_card(translator_of(context, services))


async def report_card(context: TurnContext, services: Services, campaign_id: str, *,
                      top: str | None = None, count: int = 0, **answer: Any) -> dict[str, Any]:
    """The sender's campaign's report (UnknownCampaign: not theirs, or none); `top` is a
    message key shown above it (with `count`)."""
    t = translator_of(context, services)
    report = await show_campaign(campaign_id, sender_of(context), uow=services.uow,
                                 forms=services.forms, clock=services.clock)
    names = await people_names([p for p, _ in report.unreachable], directory=services.directory)
    log.info("campaign_report_shown", campaign_id=campaign_id, shown=report.summary.shown)
    view = report_view(t, report, now=services.clock.now(), names=names, **answer)
    if top is not None:
        view = replace(view, notice=t(top, count=count))
    return campaign_report_card(view)


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


def unknown_card(t: Translator) -> dict[str, Any]:
    return notice_card(NoticeView(title=t("report.notice.title"), message=t("report.unknown"),
                                  button=t("report.list"), verb=verbs.CAMPAIGNS_LIST))
