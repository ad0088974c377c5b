"""Bot handlers for a person's own data: `my data`, Download, Erase… and the confirmation's
Erase. Everything acts on the sender's own data only; the confirmation names its person and the
data it was made from, and the server checks both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import erase_confirm_card, erased_card, export_ready_card, my_data_card
from cards import privacy_notice_card as notice
from teams_app.bot.privacy import presenters as present
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.ports.services import Services
from teams_app.use_cases.privacy.erasing import (
    ConfirmationOld,
    ErasePerson,
    NotThePerson,
    erase_person,
)
from teams_app.use_cases.privacy.holdings import describe_person
from teams_app.use_cases.privacy.links import export_url, make_export_link

log = structlog.get_logger()

_MAX_ID = 128
_ERASE_FIELDS = frozenset({"verb", "person_id", "fingerprint", "msteams"})


async def on_my_data_typed(context: TurnContext, services: Services) -> None:
    await context.send_activity(card_message(await on_show(context, services, None)))


async def on_show(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person = sender_of(context)
    if not is_personal(context) or not person:
        return notice(present.notice_view("privacy.notice.personal_only", t))
    report = await describe_person(person, uow=services.uow)
    return my_data_card(present.my_data_view(report, t))


async def on_export(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person = sender_of(context)
    if not is_personal(context) or not person:
        return notice(present.notice_view("privacy.notice.personal_only", t))
    valid = services.settings.export_link_minutes
    token, _ = await make_export_link(person, uow=services.uow, clock=services.clock,
                                      valid_for=timedelta(minutes=valid))
    log.info("export_link_made")
    url = export_url(services.settings.public_base_url, token)
    return export_ready_card(present.export_view(url, valid, t))


async def on_erase_ask(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person = sender_of(context)
    if not is_personal(context) or not person:
        return notice(present.notice_view("privacy.notice.personal_only", t))
    report = await describe_person(person, uow=services.uow)
    if not report.erasable:
        return my_data_card(present.my_data_view(report, t))
    return erase_confirm_card(present.confirm_view(report, t))


async def on_erase(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    parsed = _erase_data(data)
    if parsed is None:
        return notice(present.notice_view("privacy.notice.old", t))
    person_id, confirmed = parsed
    try:
        erased = await erase_person(
            ErasePerson(person_id, by="self", sender=sender_of(context), confirmed=confirmed),
            uow=services.uow, clock=services.clock)
    except NotThePerson:
        log.info("erase_refused", reason="not_the_person")
        return notice(present.notice_view("privacy.notice.not_yours", t))
    except ConfirmationOld:
        log.info("erase_refused", reason="old_confirmation")
        return notice(present.notice_view("privacy.notice.old", t))
    return erased_card(present.erased_view(erased, t))


def _erase_data(data: Any) -> tuple[str, str] | None:
    """The confirmation's person and fingerprint; anything else on it means it is not a card
    this service made."""
    if not isinstance(data, dict) or not set(data) <= _ERASE_FIELDS:  # type: ignore[arg-type]
        return None
    person, mark = data.get("person_id"), data.get("fingerprint")  # type: ignore[union-attr]
    if not isinstance(person, str) or not person or len(person) > _MAX_ID:
        return None
    if not isinstance(mark, str) or len(mark) != 32 or not mark.isalnum():
        return None
    return person, mark
