"""Learning partners in Teams: `partners` (and sv/nl/de) shows a person their partners; a
plan's owner pairs its members (Pair learning partners on the report card, or Pair again); a
round's organiser pairs its participants (Pair as learning partners on the summary, wherever it
was posted, or Pair again); a person answers their coaching check-in. Each action is checked on
the server: only the plan's owner or the round's organiser pairs, only the person a check-in is
for answers it, and a card from before a newer pairing or check-in changes nothing."""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    PARTNER_HELP,
    PARTNER_WENT,
    NoticeView,
    notice_card,
    pairing_card,
    partner_answered_card,
    partner_check_in_card,
    partners_card,
    verbs,
)
from teams_app.bot.partners.presenters import (
    answered_view,
    check_in_view,
    pairing_view,
    partners_view,
)
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.domain.partners import TooFewToPair
from teams_app.ports.services import Services
from teams_app.use_cases.partners.check_ins import (
    AnswerCheckIn,
    CheckInEmpty,
    CheckInRefused,
    CheckInStale,
    CheckInTooLong,
    answer_check_in,
)
from teams_app.use_cases.partners.pairing import (
    NoPartnersPlan,
    PairedOf,
    PairPlan,
    pair_plan,
    partners_of,
)
from teams_app.use_cases.partners.rounds import NoPartnersRound, PairRound, pair_round
from teams_app.use_cases.people_names import people_names

log = structlog.get_logger()

PARTNERS_WORDS = re.compile(
    r"\s*(partners|my partners|learning partners|lärpartner|mina lärpartner|leerpartners|"
    r"mijn leerpartners|lernpartner|meine lernpartner)\s*[.!]?\s*",
    re.IGNORECASE,
)
_MAX_ID = 100
_SYSTEM = random.SystemRandom()  # who is paired with whom must not be predictable


def _ids(data: Any, allowed: set[str]) -> dict[str, Any] | None:
    if not isinstance(data, dict) or not set(data) <= allowed | {"verb", "msteams"}:
        return None
    return data


async def on_partners_typed(context: TurnContext, services: Services) -> None:
    t = translator_of(context, services)
    if not is_personal(context):
        await context.send_activity(t("partners.personal_only"))
        return
    mine = await partners_of(sender_of(context), uow=services.uow)
    names = await people_names({p for m in mine for p in m.partners},
                               directory=services.directory)
    await context.send_activity(card_message(partners_card(partners_view(t, mine, names))))


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= _MAX_ID


async def on_pair(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    fields = _ids(data, {"plan_id", "round_id", "seen"})
    if isinstance(data, dict) and "round_id" in data:  # a round's card, whatever else it says
        return await _pair_round(context, services, fields)
    plan_id = fields.get("plan_id") if fields else None
    if not _an_id(plan_id) or (fields and "seen" in fields):
        log.info("partners_pair_refused", problem="card_data")
        return _notice(t, "partners.unknown_plan")
    if not is_personal(context):
        return _notice(t, "partners.personal_only")
    try:
        pairing = await pair_plan(PairPlan(plan_id, sender_of(context)), uow=services.uow,
                                  clock=services.clock, new_id=lambda: str(uuid.uuid4()),
                                  rng=_SYSTEM)
    except NoPartnersPlan:
        log.info("partners_pair_refused", problem="not_owner_or_unknown")
        return _notice(t, "partners.unknown_plan")
    except TooFewToPair:
        return _notice(t, "partners.too_few")
    async with services.uow(read_only=True) as tx:
        plan = await tx.plans.get(plan_id)
    names = await people_names({p for g in pairing.groups for p in g},
                               directory=services.directory)
    log.info("partners_paired", plan_id=plan_id, groups=len(pairing.groups))
    return pairing_card(pairing_view(t, pairing, PairedOf(plan.spec.goal if plan else ""), names,
                                     notice=t("partners.pairing.done")))


async def _pair_round(context: TurnContext, services: Services, fields: dict[str, Any] | None
                      ) -> dict[str, Any]:
    """From the summary (in the meeting chat, the channel or the organiser's chat) or a round's
    pairing card; anyone may press, only the organiser pairs."""
    t = translator_of(context, services)
    round_id, seen = (fields.get("round_id"), fields.get("seen")) if fields else (None, None)
    if (fields is None or "plan_id" in fields or not _an_id(round_id)
            or (seen is not None and not _an_id(seen))):
        log.info("partners_pair_refused", problem="card_data")
        return _notice(t, "partners.unknown_round")
    try:
        paired = await pair_round(
            PairRound(round_id, sender_of(context), from_card=True, seen=seen),
            uow=services.uow, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
            rng=_SYSTEM)
    except NoPartnersRound:
        log.info("partners_pair_refused", problem="not_organiser_or_unknown")
        return _notice(t, "partners.unknown_round")
    except TooFewToPair:
        return _notice(t, "partners.too_few_round")
    pairing = paired.pairing
    names = await people_names({p for g in pairing.groups for p in g},
                               directory=services.directory)
    log.info("partners_paired", round_id=round_id, groups=len(pairing.groups),
             changed=paired.changed)
    notice = ("partners.pairing.done_round" if paired.changed
              else "partners.pairing.already" if seen is None else "partners.pairing.changed")
    return pairing_card(pairing_view(t, pairing, paired.of, names, notice=t(notice),
                                     changed=paired.changed, unreached=paired.unreached))


async def on_check_in(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    fields = _ids(data, {"pairing_id", "number", PARTNER_WENT, PARTNER_HELP})
    pairing_id = fields.get("pairing_id") if fields else None
    number = fields.get("number") if fields else None
    went = fields.get(PARTNER_WENT, "") if fields else None
    would_help = fields.get(PARTNER_HELP, "") if fields else None
    if isinstance(number, str) and number.isdigit() and len(number) < 4:
        number = int(number)
    if (not isinstance(pairing_id, str) or not pairing_id or len(pairing_id) > _MAX_ID
            or isinstance(number, bool) or not isinstance(number, int) or number < 1
            or not isinstance(went, str) or not isinstance(would_help, str)):
        log.info("partner_check_in_refused", problem="card_data")
        return _notice(t, "partners.checkin.unknown")
    try:
        answered = await answer_check_in(
            AnswerCheckIn(pairing_id, number, sender_of(context), went, would_help),
            uow=services.uow, clock=services.clock)
    except CheckInRefused:
        log.info("partner_check_in_refused", problem="not_theirs_or_unknown")
        return _notice(t, "partners.checkin.unknown")
    except CheckInStale:
        log.info("partner_check_in_refused", problem="stale")
        return _notice(t, "partners.checkin.stale")
    except (CheckInEmpty, CheckInTooLong) as problem:
        return await _again(context, services, pairing_id, number, went, would_help,
                            "partners.checkin.empty" if isinstance(problem, CheckInEmpty)
                            else "partners.checkin.too_long")
    partners = answered.pairing.partners_of(sender_of(context))
    names = await people_names(partners, directory=services.directory)
    log.info("partner_check_in_answered", pairing_id=pairing_id, newly=answered.newly)
    return partner_answered_card(answered_view(t, answered.check_in, newly=answered.newly,
                                               partners=partners, names=names))


async def _again(context: TurnContext, services: Services, pairing_id: str, number: int,
                 went: str, would_help: str, error: str) -> dict[str, Any]:
    """The check-in again with what was typed and the problem under it."""
    t = translator_of(context, services)
    async with services.uow(read_only=True) as tx:
        pairing = await tx.partners.get(pairing_id)
    if pairing is None:
        return _notice(t, "partners.checkin.unknown")
    partners = pairing.partners_of(sender_of(context))
    names = await people_names(partners, directory=services.directory)
    return partner_check_in_card(check_in_view(
        t, pairing, number, partners, names, went=went, would_help=would_help,
        error=t(error, limit=1000)))


def _notice(t: Any, key: str) -> dict[str, Any]:
    return notice_card(NoticeView(title=t("partners.title"), message=t(key),
                                  button=t("welcome.help_button"), verb=verbs.HELP_SHOW))
