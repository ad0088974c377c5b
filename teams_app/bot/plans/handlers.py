"""The manager's side of protected learning time, in Teams: `plan` opens the plan card,
Preview checks it and shows the proposed times, Book starts booking and leaves a card that
follows the jobs, `plans` lists the manager's plans to edit or cancel them.

Every answer is a card (answers.py). The plan card comes back with the manager's answers and
the problems under their inputs; a plan that is gone or not theirs, or a service that did not
answer, gets a notice saying so. Nothing here logs what people typed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    notice_card,
    plan_form_card,
    verbs,
)
from cards.plans_list import TITLE_MAX_CHARS, shorten
from teams_app.bot.plans import presenters as present
from teams_app.bot.plans.answers import (
    booking_card,
    by_plan_id,
    draft,
    edit_card,
    graph_of,
    ids_of,
    new_plan_card,
    people_of,
    plans_card,
    preview_card,
    save,
    with_form,
)
from teams_app.bot.plans.card_data import (
    PlanCardData,
    has_form,
    member_id_of,
    parse_plan_card,
    plan_id_of,
    revision_of,
)
from teams_app.bot.plans.failures import GraphNotConfigured, failure_key
from teams_app.bot.routing import card_message, is_personal, sender_of, translator_of
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import CancelPlan, DiscardPlan
from teams_app.domain.plan_errors import MemberAlreadyLeft, PlanAlreadyCancelled, PlanChanged
from teams_app.ports import GraphError
from teams_app.ports.services import Services
from teams_app.use_cases.plans.drafts import plan_to_edit
from teams_app.use_cases.plans.leaving import LeavePlan, leave_plan
from teams_app.use_cases.plans.planning import UnknownPlan, cancel_plan, discard_plan
from teams_app.use_cases.plans.reports import (
    PlanPeople,
    people_names,
)

log = structlog.get_logger()

# What a manager types, in the languages the cards speak (matched whole, any case).


PLAN_WORDS = re.compile(
    r"\s*(plan|new plan|planera|ny plan|plannen|nieuw plan|planen|neuer plan)\s*[.!]?\s*",
    re.IGNORECASE,
)


PLANS_WORDS = re.compile(
    r"\s*(plans|my plans|planer|mina planer|mijn plannen|pläne|plaene|meine pläne)\s*[.!]?\s*",
    re.IGNORECASE,
)

# What a member types to see the plans they are in: the same list, theirs below the owner's.
MY_TIME_WORDS = re.compile(
    r"\s*(my learning time|min lärtid|mijn leertijd|meine lernzeit)\s*[.!]?\s*",
    re.IGNORECASE,
)


async def on_new(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    return await new_plan_card(context, services)


async def on_preview(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    async def preview(
        parsed: PlanCardData, sender: str, people: PlanPeople
    ) -> dict[str, Any]:
        drafted = await draft(services, parsed, sender)
        return await preview_card(context, services, drafted, parsed, people)

    return await with_form(context, services, data, preview)


async def on_book(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    if has_form(data) and plan_id_of(data) is not None:
        # An edit card's inputs: an edit is saved, not booked anew (cards from before Save
        # carry no revision, so this answers with the plan as it is now).
        return await on_save(context, services, data)
    if has_form(data):  # Book straight from the plan card: store it, then book it
        async def book(parsed: PlanCardData, sender: str, _: PlanPeople) -> dict[str, Any]:
            stored = await draft(services, parsed, sender)
            # Stored now: a failure from here on offers Book again for this plan, so
            # trying again does not make a second plan.
            return await by_plan_id(
                context, services, {"plan_id": stored.plan_id, "revision": stored.revision},
                lambda plan_id, revision: booking_card(context, services, plan_id, revision),
                verbs.PLAN_BOOK, changes=True,
            )

        return await with_form(context, services, data, book)
    return await by_plan_id(context, services, data,
                            lambda plan_id, revision: booking_card(context, services, plan_id,
                                                                   revision),
                            verbs.PLAN_BOOK, changes=True)


async def on_save(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    async def apply(parsed: PlanCardData, sender: str, _: PlanPeople) -> dict[str, Any]:
        receipt = await save(services, parsed, sender)
        log.info("plan_edit_saved", plan_id=receipt.plan_id, revision=receipt.revision,
                 rebook=receipt.rebook, queued=receipt.queued)
        return await edit_card(context, services, receipt)

    if plan_id_of(data) is None:
        return notice_card(present.notice_view(translator_of(context, services),
                                               "plan.error.unknown_plan"))
    return await with_form(context, services, data, apply)


async def on_edit(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    async def edit(plan_id: str, revision: int | None) -> dict[str, Any]:
        sender = sender_of(context)
        plan = await plan_to_edit(plan_id, sender, uow=services.uow(read_only=True),
                                  revision=revision)
        # From the preview of an edit: the answers it carries, not yet stored.
        values = (parse_plan_card(data).answers if has_form(data)
                  else present.form_values(plan.spec))
        people = await people_of(services, sender)
        names = await people_names(ids_of(values.members, people),
                                   directory=services.directory)
        translate = translator_of(context, services)
        choices = present.people_choices(translate, people, selected=values.members,
                                         names=names)
        return plan_form_card(present.plan_form_view(
            translate, choices, values=values, plan_id=plan_id, revision=plan.revision))

    return await by_plan_id(context, services, data, edit, verbs.PLAN_EDIT, changes=False)


async def on_cancel(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    async def cancel(plan_id: str, revision: int | None) -> dict[str, Any]:
        try:
            receipt = await cancel_plan(CancelPlan(plan_id, sender_of(context), revision),
                                        uow=services.uow(), clock=services.clock)
            log.info("plan_cancelled", plan_id=plan_id, series=receipt.series_to_cancel)
        except PlanAlreadyCancelled:
            pass  # a second press of the same button: the list shows it gone already
        return await plans_card(context, services)

    return await by_plan_id(context, services, data, cancel, verbs.PLAN_CANCEL, changes=True)


async def on_discard(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    async def discard(plan_id: str, revision: int | None) -> dict[str, Any]:
        try:
            await discard_plan(DiscardPlan(plan_id, sender_of(context), revision),
                               uow=services.uow(), clock=services.clock)
            log.info("plan_discarded", plan_id=plan_id)
        except PlanAlreadyCancelled:
            pass  # a second press: the list shows it gone already
        return await plans_card(context, services)

    return await by_plan_id(context, services, data, discard, verbs.PLAN_DISCARD, changes=True)


async def on_leave(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    """A member leaves a plan (their booked card, or the plans they are in). Refusals change
    nothing: someone else's ids, the owner, a plan gone; an older card or a second press
    answers with the plans as they are now."""
    translate = translator_of(context, services)
    plan_id, member_id = plan_id_of(data), member_id_of(data)
    if plan_id is None or member_id is None:
        return notice_card(present.notice_view(translate, "plan.error.unknown_plan"))
    try:
        revision = revision_of(data)  # RevisionInvalid
        if revision is None:
            raise PlanChanged()  # a card without a revision is older than any
        calendar, directory = graph_of(services)
        left = await leave_plan(
            LeavePlan(plan_id, member_id, sender_of(context), revision),
            uow=services.uow, calendar=calendar, clock=services.clock, directory=directory,
        )
    except (PlanChanged, MemberAlreadyLeft) as error:
        return await plans_card(context, services, notice=translate(failure_key(error)))
    except (GraphNotConfigured, GraphError, DomainError, UnknownPlan) as error:
        return notice_card(present.notice_view(translate, failure_key(error)))
    log.info("plan_left", plan_id=plan_id, removed=left.removed)
    goal = shorten(left.plan.spec.goal, TITLE_MAX_CHARS) or translate("plans.untitled")
    return await plans_card(context, services, notice=translate("plans.left", goal=goal))


async def on_list(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    return await plans_card(context, services)


async def answer_typed(
    context: TurnContext, services: Services, build: Callable[[], Awaitable[dict[str, Any]]]
) -> None:
    if not is_personal(context):
        # Plans name people and their calendars: they are shown in the personal chat only.
        await context.send_activity(translator_of(context, services)("plan.error.personal_only"))
        return
    card = await build()
    await context.send_activity(card_message(card))


async def on_plan_typed(context: TurnContext, services: Services) -> None:
    await answer_typed(context, services, lambda: new_plan_card(context, services))


async def on_plans_typed(context: TurnContext, services: Services) -> None:
    await answer_typed(context, services, lambda: plans_card(context, services))
