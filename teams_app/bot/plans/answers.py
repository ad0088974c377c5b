"""The manager's plan cards as answers: the plan card (new, or back with what is wrong),
the preview, the booking card that a job keeps up to date, the plans list, and notices when
a plan is gone or a service did not answer. The handlers in handlers.py choose among them.
Nothing here logs what people typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import timedelta
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    booking_progress_card,
    booking_summary_card,
    notice_card,
    plan_form_card,
    plan_preview_card,
    plans_list_card,
    verbs,
)
from teams_app.bot.plans import presenters as present
from teams_app.bot.plans.card_data import (
    CardProblem,
    PlanCardData,
    not_allowed_problem,
    parse_plan_card,
    plan_id_of,
    problems_of,
)
from teams_app.bot.plans.failures import GraphNotConfigured, failure_key, notice_key
from teams_app.bot.plans.progress import (
    is_finished,
    preparing_view,
    progress_view,
    summary_view,
)
from teams_app.bot.routing import sender_of, translator_of
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import (
    CreatePlan,
    EditPlan,
    PlanError,
)
from teams_app.domain.planners import MembersNotAllowed
from teams_app.ports import (
    Calendar,
    Directory,
    GraphError,
)
from teams_app.ports.services import Services
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.drafts import draft_plan, redraft_plan
from teams_app.use_cases.plans.planning import PlanPreview, UnknownPlan
from teams_app.use_cases.plans.progress import (
    StartBooking,
    WatchBooking,
    queue_booking,
    watch_booking,
)
from teams_app.use_cases.plans.reports import (
    PlanPeople,
    booking_status,
    list_plans,
    people_names,
    plan_people,
    running_booking,
)

log = structlog.get_logger()


def graph_of(services: Services) -> tuple[Calendar, Directory]:
    if services.calendar is None or services.directory is None:
        raise GraphNotConfigured()
    return services.calendar, services.directory


async def people_of(services: Services, person_id: str) -> PlanPeople:
    return await plan_people(person_id, directory=graph_of(services)[1])


async def new_plan_card(context: TurnContext, services: Services) -> dict[str, Any]:
    translate = translator_of(context, services)
    today = services.clock.now().date()
    try:
        people = await people_of(services, sender_of(context))
    except (GraphNotConfigured, GraphError) as error:
        return notice_card(present.notice_view(translate, failure_key(error),
                                               retry_verb=verbs.PLAN_NEW))
    view = present.plan_form_view(
        translate, present.people_choices(translate, people),
        values=present.new_plan_values(today),
    )
    return plan_form_card(view)


async def form_again(
    context: TurnContext,
    services: Services,
    data: PlanCardData,
    people: PlanPeople,
    *,
    problems: Sequence[CardProblem] = (),
    notice: str | None = None,
) -> dict[str, Any]:
    """The plan card as the manager sent it, with what is wrong."""
    translate = translator_of(context, services)
    selected = data.answers.members
    names = await people_names(ids_of(selected, people), directory=services.directory)
    view = present.plan_form_view(
        translate,
        present.people_choices(translate, people, selected=selected, names=names),
        values=data.answers,
        problems=problems or data.problems,
        notice=translate(notice) if notice else None,
        plan_id=data.plan_id,
    )
    return plan_form_card(view)


async def with_form(
    context: TurnContext,
    services: Services,
    data: Any,
    then: Callable[[PlanCardData, str, PlanPeople], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Parses the plan card, stores the plan (new or edited) and runs `then`; any problem
    comes back on the plan card with the manager's answers kept."""
    sender = sender_of(context)
    editing = plan_id_of(data) is not None
    today = (services.clock.now() - timedelta(days=1)).date()
    try:
        people = await people_of(services, sender)
    except (GraphNotConfigured, GraphError) as error:
        parsed = parse_plan_card(data, today=None if editing else today)
        return await form_again(context, services, parsed, PlanPeople(()),
                                notice=failure_key(error))
    parsed = parse_plan_card(
        data, reports=[p.object_id for p in people.reports], today=None if editing else today
    )
    if not parsed.ok:
        return await form_again(context, services, parsed, people)
    try:
        return await then(parsed, sender, people)
    except MembersNotAllowed as error:
        names = await people_names(error.member_ids, directory=services.directory)
        return await form_again(context, services, parsed, people,
                                problems=[not_allowed_problem(error.member_ids, names)])
    except PlanError as error:
        key = notice_key(error)
        if key is not None:
            return await form_again(context, services, parsed, people, notice=key)
        return await form_again(context, services, parsed, people,
                                problems=problems_of([error], parsed.spec))
    except (UnknownPlan, DomainError, GraphNotConfigured, GraphError) as error:
        return await form_again(context, services, parsed, people, notice=failure_key(error))


async def store(services: Services, parsed: PlanCardData, sender: str) -> PlanPreview:
    calendar, directory = graph_of(services)
    if parsed.plan_id is not None:
        return await redraft_plan(
            EditPlan(parsed.plan_id, sender, parsed.spec),
            uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            rights=services.rights,
        )
    return await draft_plan(
        CreatePlan(sender, parsed.spec),
        uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
        new_id=lambda: str(uuid.uuid4()), rights=services.rights,
    )


async def preview_card(
    context: TurnContext,
    services: Services,
    preview: PlanPreview,
    parsed: PlanCardData,
    people: PlanPeople,
) -> dict[str, Any]:
    names = {p.object_id: p.display_name for p in people.everyone}
    missing = [m.member_id for m in preview.members if m.member_id not in names]
    names |= await people_names(missing, directory=services.directory)
    translate = translator_of(context, services)
    return plan_preview_card(present.preview_view(translate, preview, parsed.spec, names))


async def booking_card(context: TurnContext, services: Services, plan_id: str) -> dict[str, Any]:
    """Starts booking and answers with the progress card, which a job keeps up to date."""
    calendar, directory = graph_of(services)
    sender = sender_of(context)
    running = await running_booking(plan_id, sender, uow=services.uow())
    conversation = context.activity.conversation
    card_id = context.activity.reply_to_id
    if running is None and conversation is not None and card_id:
        # Reading every member's calendar can take longer than Teams waits for this
        # answer: a job books, and the card follows it from "finding times" on.
        await queue_booking(
            StartBooking(plan_id, sender, conversation.id, card_id), uow=services.uow
        )
        log.info("plan_booking_queued", plan_id=plan_id)
        translate = translator_of(context, services)
        return booking_progress_card(preparing_view(translate, plan_id))
    if running is not None:
        # Jobs of this revision are at work (a Book pressed twice, or an edit that
        # rebooks): follow them; starting again would only recount what they count.
        revision, already, queued = running.plan.revision, 0, 0
    else:  # no card to update later (an old client's Action.Submit): book while answering
        started = await book_plan(
            BookPlan(plan_id, sender),
            uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            rights=services.rights,
        )
        revision, already, queued = started.revision, started.progress.done, started.queued
    status = await booking_status(plan_id, revision, uow=services.uow())
    translate = translator_of(context, services)
    if is_finished(status):
        names = await people_names([m.member_id for m in status.failures],
                                   directory=services.directory)
        return booking_summary_card(summary_view(translate, status, already, names))
    if conversation is not None and card_id:
        await watch_booking(
            WatchBooking(plan_id, revision, conversation.id, card_id, already),
            uow=services.uow, clock=services.clock,
        )
    log.info("plan_booking_started", plan_id=plan_id, queued=queued,
             follows_card=bool(card_id))
    return booking_progress_card(progress_view(translate, status))


async def plans_card(context: TurnContext, services: Services) -> dict[str, Any]:
    reports = await list_plans(sender_of(context), uow=services.uow(), clock=services.clock)
    return plans_list_card(present.plans_view(translator_of(context, services), reports))


async def by_plan_id(
    context: TurnContext,
    services: Services,
    data: Any,
    action: Callable[[str], Awaitable[dict[str, Any]]],
    retry_verb: str,
) -> dict[str, Any]:
    """Runs `action` for the card's plan id; problems come back as a notice card."""
    plan_id = plan_id_of(data)
    translate = translator_of(context, services)
    if plan_id is None:
        return notice_card(present.notice_view(translate, "plan.error.unknown_plan"))
    try:
        return await action(plan_id)
    except (GraphNotConfigured, GraphError) as error:
        return notice_card(present.notice_view(translate, failure_key(error),
                                               retry_verb=retry_verb, plan_id=plan_id))
    except (DomainError, UnknownPlan) as error:
        return notice_card(present.notice_view(translate, failure_key(error)))


def ids_of(values: Collection[str], people: PlanPeople) -> list[str]:
    known = {p.object_id for p in people.everyone}
    ids = [v.split(":", 1)[1] for v in values if ":" in v]
    return [i for i in ids if i not in known]
