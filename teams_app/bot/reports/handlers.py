"""`report` and `my learning`, typed or pressed. Only the owner sees a plan's report, or the
whole team's over their plans for it: anyone else, or a card with a tampered id, gets the same
notice as for a plan or team that does not exist.
Both are personal: in a group chat or channel the answer says to ask in the personal chat, so a
manager's figures never land in front of the team."""

from __future__ import annotations

import re
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    NoticeView,
    learning_report_card,
    my_learning_card,
    notice_card,
    report_choice_card,
    verbs,
)
from teams_app.bot.reports.presenters import (
    choice_view,
    my_learning_view,
    report_view,
)
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.ports.services import Services
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reports.learning_report import (
    NoReport,
    learning_report,
    report_choices,
    team_report,
)
from teams_app.use_cases.reports.my_learning import my_learning

log = structlog.get_logger()

# What people type, in the languages the cards speak (matched whole, any case).
REPORT_WORDS = re.compile(
    r"\s*(report|learning report|rapport|lärrapport|lärorapport|leerrapport|"
    r"bericht|lernbericht)\s*[.!]?\s*",
    re.IGNORECASE,
)
MY_LEARNING_WORDS = re.compile(
    r"\s*(my learning|mitt lärande|mijn leren|mein lernen)\s*[.!]?\s*",
    re.IGNORECASE,
)

_MAX_ID = 100


def plan_id_of(data: Any) -> str | None:
    """The report button's plan id; None for anything this service did not make."""
    return _id_of(data, "plan_id")


def team_of(data: Any) -> str | None:
    """The "Whole team" button's team key; None for anything this service did not make."""
    return _id_of(data, "team")


def _id_of(data: Any, name: str) -> str | None:
    if not isinstance(data, dict) or not set(data) <= {"verb", name, "msteams"}:
        return None
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
        return None
    return value.strip()


async def on_report(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    return await _pressed(context, services, plan_id_of(data), verbs.REPORT_SHOW)


async def on_team_report(context: TurnContext, services: Services, data: Any
                         ) -> dict[str, Any]:
    return await _pressed(context, services, team_of(data), verbs.REPORT_TEAM)


async def _pressed(context: TurnContext, services: Services, asked: str | None, verb: str
                   ) -> dict[str, Any]:
    if asked is None:
        log.info("learning_report_refused", problem="card_data")
        return _unknown(context, services, verb)
    if not is_personal(context):
        return _personal_only(context, services, verb)
    return await report_card(context, services, asked, verb)


async def on_report_typed(context: TurnContext, services: Services) -> None:
    t = translator_of(context, services)
    if not is_personal(context):
        await context.send_activity(t("learning.personal_only"))
        return
    plans = await report_choices(sender_of(context), uow=services.uow)
    if len(plans) == 1:
        card = await report_card(context, services, plans[0].id)
    else:
        card = report_choice_card(choice_view(t, plans))
    await context.send_activity(card_message(card))


async def report_card(context: TurnContext, services: Services, asked: str,
                      verb: str = verbs.REPORT_SHOW) -> dict[str, Any]:
    """A plan's report (`asked` a plan id) or, for `report.team`, the team's (a team key)."""
    read = team_report if verb == verbs.REPORT_TEAM else learning_report
    try:
        report = await read(asked, sender_of(context), uow=services.uow, forms=services.forms,
                            clock=services.clock)
    except NoReport:
        log.info("learning_report_refused", problem="not_owner_or_unknown")
        return _unknown(context, services, verb)
    # Ids of plans only: a team's key may hold a group's id or a digest of people.
    log.info("learning_report_shown", plans=[p.id for p in report.plans][:20],
             team=report.team_id is not None, people=len(report.people))
    names = await people_names([p.person_id for p in report.people],
                               directory=services.directory)
    return learning_report_card(report_view(translator_of(context, services), report, names))


async def on_my_learning(context: TurnContext, services: Services, _data: Any
                         ) -> dict[str, Any]:
    if not is_personal(context):
        return _personal_only(context, services, verbs.MY_LEARNING)
    return await my_learning_card_of(context, services)


async def on_my_learning_typed(context: TurnContext, services: Services) -> None:
    if not is_personal(context):
        await context.send_activity(
            translator_of(context, services)("learning.personal_only"))
        return
    await context.send_activity(card_message(await my_learning_card_of(context, services)))


async def my_learning_card_of(context: TurnContext, services: Services) -> dict[str, Any]:
    person = sender_of(context)
    mine = await my_learning(person, uow=services.uow, clock=services.clock)
    log.info("my_learning_shown", plans=len(mine.plans))
    return my_learning_card(my_learning_view(translator_of(context, services), mine, person))


def _unknown(context: TurnContext, services: Services, verb: str) -> dict[str, Any]:
    t = translator_of(context, services)
    message = ("learning.report.team.unknown" if verb == verbs.REPORT_TEAM
               else "learning.report.unknown")
    return notice_card(NoticeView(title=t("learning.report.title"),
                                  message=t(message),
                                  button=t("learning.report.plans"), verb=verbs.PLANS_LIST))


def _personal_only(context: TurnContext, services: Services, verb: str) -> dict[str, Any]:
    # An invoke's answer replaces the card in the conversation it was pressed in: in a group
    # chat or channel that would put one person's figures in front of everyone there.
    t = translator_of(context, services)
    return notice_card(NoticeView(title=t("learning.report.title"),
                                  message=t("learning.personal_only"),
                                  button=t("welcome.help_button"), verb=verbs.HELP_SHOW))
