"""The owner starts a campaign from a card: `checkin`, `feedback` or `pulse` (and the sv/nl/de
words) opens the card of that kind; Create checks it on the server and answers with the new
campaign's report, or with the card again, everything kept and each problem under its input.

The card carries the id the campaign will get (made with the card), so a second Create of the
same card (a double click, a retry, an old card) creates nothing and shows the campaign as it
is now. Nothing here logs what was typed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    CampaignFormView,
    Choice,
    FieldError,
    NoticeView,
    Translator,
    campaign_form_card,
    notice_card,
    verbs,
)
from cards.campaign_form import AUDIENCE, CLOSES, EVERY_WEEKS, PRIVACY, TIMING, K
from teams_app.bot.campaigns.create_data import CreateCard, parse_create, spec_of
from teams_app.bot.campaigns.reports import report_card, unknown_card
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.domain.campaigns.campaigns import (
    BadAudience,
    BadTiming,
    ClosesTooEarly,
    ThresholdOutOfRange,
    TimingKind,
)
from teams_app.domain.forms.definitions import FormKind
from teams_app.ports import GraphError
from teams_app.ports.services import Services
from teams_app.use_cases.campaigns.choices import CampaignChoices, campaign_choices
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from teams_app.use_cases.campaigns.errors import (
    AudienceNotAllowed,
    CampaignExists,
    NoAudience,
    UnknownCampaign,
    UnknownForm,
)

log = structlog.get_logger()

# What an owner types, in the languages the cards speak (matched whole, any case).
KIND_WORDS: Mapping[FormKind, re.Pattern[str]] = {
    FormKind.CHECKIN: re.compile(r"\s*(checkin|check-in|avstämning|avstamning)\s*[.!]?\s*",
                                 re.IGNORECASE),
    FormKind.FEEDBACK: re.compile(r"\s*(feedback|återkoppling|aterkoppling)\s*[.!]?\s*",
                                  re.IGNORECASE),
    FormKind.PULSE: re.compile(r"\s*(pulse|puls|peiling|umfrage)\s*[.!]?\s*", re.IGNORECASE),
}

# A refusal of the domain or use case, as (input, message key).
_REFUSALS: dict[type[Exception], tuple[str, str]] = {
    ThresholdOutOfRange: (K, "newcampaign.error.k"),
    ClosesTooEarly: (CLOSES, "newcampaign.error.closes"),
    BadAudience: (AUDIENCE, "newcampaign.error.audience"),
    NoAudience: (AUDIENCE, "newcampaign.error.nobody"),
    AudienceNotAllowed: (AUDIENCE, "newcampaign.error.not_allowed"),
}


async def on_kind_typed(context: TurnContext, services: Services, kind: FormKind) -> None:
    t = translator_of(context, services)
    if not is_personal(context):
        await context.send_activity(t("newcampaign.personal_only"))
        return
    card = await _card(context, services, CreateCard(str(uuid.uuid4()), kind, {}))
    await context.send_activity(card_message(card))


async def on_new(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    """The list's New buttons: data is the kind alone."""
    kind = data.get("kind") if isinstance(data, dict) else None  # type: ignore[union-attr]
    if (not isinstance(data, dict) or not set(data) <= {"verb", "kind", "msteams"}  # type: ignore[arg-type]
            or kind not in {k.value for k in KIND_WORDS}):
        return unknown_card(translator_of(context, services))
    return await _card(context, services, CreateCard(str(uuid.uuid4()), FormKind(kind), {}))


async def on_create(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    card = parse_create(data)
    if card is None:
        log.info("campaign_create_refused", problem="card_data")
        return unknown_card(t)
    owner = sender_of(context)
    try:
        return await report_card(context, services, card.token, top="newcampaign.exists")
    except UnknownCampaign:
        pass  # not made yet (or not theirs: create_campaign refuses a taken id)
    try:
        choices = await _choices(services, owner, card.kind)
    except GraphError:
        return _notice(t, "newcampaign.graph")
    if choices.form is None:
        return _notice(t, "newcampaign.no_form")
    spec = spec_of(card, choices.form, t, now=services.clock.now())
    if isinstance(spec, tuple):
        if not spec:
            return unknown_card(t)
        return campaign_form(t, card, choices, errors=spec)
    try:
        created = await create_campaign(
            CreateCampaign(owner, spec), uow=services.uow, forms=services.forms,
            directory=services.directory, rights=services.rights, clock=services.clock,
            new_id=lambda: card.token)
    except CampaignExists:
        return await _current(context, services, card.token)
    except BadTiming:
        # The only timing the card can get wrong past its own checks: after each session
        # without a plan to follow.
        after = spec.timing.kind is TimingKind.AFTER_OCCURRENCE
        field, key = ((TIMING, "newcampaign.error.after_needs_plan") if after
                      else (EVERY_WEEKS, "newcampaign.error.every_weeks"))
        return campaign_form(t, card, choices, errors=(FieldError(field, t(key)),))
    except tuple(_REFUSALS) as error:
        field, key = _REFUSALS[type(error)]
        return campaign_form(t, card, choices, errors=(FieldError(field, t(key)),))
    except UnknownForm:
        return _notice(t, "newcampaign.no_form")
    except GraphError:
        return _notice(t, "newcampaign.graph")
    log.info("campaign_created", campaign_id=created.campaign_id, people=created.people)
    return await report_card(context, services, created.campaign_id, top="newcampaign.created",
                             count=created.people)


async def _current(context: TurnContext, services: Services, campaign_id: str
                   ) -> dict[str, Any]:
    try:
        return await report_card(context, services, campaign_id, top="newcampaign.exists")
    except UnknownCampaign:
        log.info("campaign_create_refused", problem="taken_id")
        return unknown_card(translator_of(context, services))


async def _card(context: TurnContext, services: Services, card: CreateCard) -> dict[str, Any]:
    t = translator_of(context, services)
    try:
        choices = await _choices(services, sender_of(context), card.kind)
    except GraphError:
        return _notice(t, "newcampaign.graph")
    if choices.form is None:
        return _notice(t, "newcampaign.no_form")
    return campaign_form(t, card, choices)


async def _choices(services: Services, owner: str, kind: FormKind) -> CampaignChoices:
    return await campaign_choices(owner, kind, uow=services.uow, directory=services.directory,
                                  forms=services.forms)


def campaign_form(t: Translator, card: CreateCard, choices: CampaignChoices, *,
          errors: tuple[FieldError, ...] = ()) -> dict[str, Any]:
    form = choices.form
    title = form.title.in_(t.language) if form is not None else ""
    return campaign_form_card(CampaignFormView(
        token=card.token, kind=card.kind.value,
        title=t(f"newcampaign.title.{card.kind.value}"),
        intro=t("newcampaign.intro", form=title),
        labels={AUDIENCE: t("newcampaign.audience"), TIMING: t("newcampaign.timing"),
                EVERY_WEEKS: t("newcampaign.every_weeks"), PRIVACY: t("newcampaign.privacy"),
                CLOSES: t("newcampaign.closes"), K: t("newcampaign.k")},
        audience=_audience(t, choices),
        timings=(Choice("once", t("newcampaign.timing.once")),
                 Choice("recurring", t("newcampaign.timing.recurring")),
                 Choice("after_occurrence", t("newcampaign.timing.after"))),
        privacy=(Choice("named", t("newcampaign.named")),
                 Choice("anonymous", t("newcampaign.anonymous"))),
        create_button=t("newcampaign.create"),
        values=card.values, errors=errors,
        audience_hint=t("newcampaign.audience.hint"), k_hint=t("newcampaign.k.hint"),
    ))


def _audience(t: Translator, choices: CampaignChoices) -> tuple[Choice, ...]:
    """The owner's plans, the groups they are in, themself, their reports, then colleagues."""
    people = choices.people
    found = [Choice(f"plan:{p.id}", t("newcampaign.plan", title=_short(p.spec.goal)
                                      or t("newcampaign.untitled"))) for p in choices.plans]
    found += [Choice(f"group:{g.id}", t("newcampaign.group", name=g.display_name))
              for g in people.groups]
    if people.owner is not None:
        found.append(Choice(f"person:{people.owner.object_id}", t("newcampaign.me")))
    found += [Choice(f"person:{p.object_id}", p.display_name)
              for p in people.reports + people.colleagues]
    return tuple(found)


def _short(goal: str, limit: int = 60) -> str:
    line = " ".join(goal.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _notice(t: Translator, key: str) -> dict[str, Any]:
    return notice_card(NoticeView(title=t("report.notice.title"), message=t(key),
                                  button=t("report.list"), verb=verbs.CAMPAIGNS_LIST))
