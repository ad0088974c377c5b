"""The manager's plan cards as answers: the plan card (new, or back with what is wrong),
the preview, the booking card that a job keeps up to date, the plans list, and notices when
a plan is gone or a service did not answer. The handlers in handlers.py choose among them.
Nothing here logs what people typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import (
    MAX_PLANS,
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
    revision_of,
)
from teams_app.bot.plans.failures import GraphNotConfigured, failure_key, notice_key
from teams_app.bot.plans.memberships import memberships_view
from teams_app.bot.plans.progress import (
    edit_summary_view,
    is_finished,
    preparing_view,
    progress_view,
    summary_view,
)
from teams_app.bot.routing import sender_of, translator_of
from teams_app.domain.bookings import EditKind
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import CreatePlan, EditPlan
from teams_app.domain.plan_errors import PlanChanged, PlanError
from teams_app.domain.planners import MembersNotAllowed
from teams_app.ports import (
    Calendar,
    Directory,
    GraphError,
)
from teams_app.ports.services import Services
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.changes import EditReceipt
from teams_app.use_cases.plans.drafts import draft_plan, plan_to_edit, redraft_plan, save_edit
from teams_app.use_cases.plans.planning import PlanPreview, UnknownPlan, preview_plan
from teams_app.use_cases.plans.progress import (
    StartBooking,
    WatchBooking,
    queue_booking,
    watch_booking,
)
from teams_app.use_cases.plans.reports import (
    PlanPeople,
    booking_status,
    edit_report,
    list_plans,
    member_plans,
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
        revision=data.revision,
    )
    return plan_form_card(view)


async def with_form(
    context: TurnContext,
    services: Services,
    data: Any,
    then: Callable[[PlanCardData, str, PlanPeople], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Parses the plan card and runs `then` (which stores, previews or saves); any problem
    comes back on the plan card with the manager's answers kept. An edit made from an older
    revision of the plan (or from a card without one) changes nothing: the answer is the plan
    as it is now."""
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
    try:
        if editing and revision_of(data) is None:  # RevisionInvalid when unreadable
            raise PlanChanged()
        if not parsed.ok:
            return await form_again(context, services, parsed, people)
        return await then(parsed, sender, people)
    except PlanChanged:
        return await current_plan_card(context, services, parsed.plan_id or "",
                                       on_fail=lambda key: form_again(
                                           context, services, parsed, people, notice=key))
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


async def draft(services: Services, parsed: PlanCardData, sender: str) -> PlanPreview:
    """The preview: a new plan is stored (not booked); an edit is only previewed."""
    calendar, directory = graph_of(services)
    if parsed.plan_id is not None:
        return await redraft_plan(
            EditPlan(parsed.plan_id, sender, parsed.spec, parsed.revision),
            uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            rights=services.rights,
        )
    return await draft_plan(
        CreatePlan(sender, parsed.spec),
        uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
        new_id=lambda: str(uuid.uuid4()), rights=services.rights,
    )


async def save(services: Services, parsed: PlanCardData, sender: str) -> EditReceipt:
    """Applies an edit: the booked series follow it (jobs)."""
    calendar, directory = graph_of(services)
    if parsed.plan_id is None:
        raise UnknownPlan("")
    return await save_edit(
        EditPlan(parsed.plan_id, sender, parsed.spec, parsed.revision),
        uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
        rights=services.rights,
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
    editing = parsed.plan_id is not None
    return plan_preview_card(present.preview_view(
        translate, preview, parsed.spec, names,
        revision=parsed.revision if parsed.revision is not None else preview.revision,
        edit_answers=parsed.answers if editing else None,
        draft=not editing,  # just stored, not booked
    ))


async def booking_card(
    context: TurnContext, services: Services, plan_id: str, revision: int | None
) -> dict[str, Any]:
    """Starts booking `revision` and answers with the progress card, which a job keeps up to
    date (PlanChanged when the plan has a newer revision)."""
    calendar, directory = graph_of(services)
    sender = sender_of(context)
    running = await running_booking(plan_id, sender, uow=services.uow(read_only=True),
                                    revision=revision)
    conversation = context.activity.conversation
    card_id = context.activity.reply_to_id
    if running is None and conversation is not None and card_id:
        # Reading every member's calendar can take longer than Teams waits for this
        # answer: a job books, and the card follows it from "finding times" on.
        await queue_booking(
            StartBooking(plan_id, sender, conversation.id, card_id, revision), uow=services.uow
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
            BookPlan(plan_id, sender, revision),
            uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            rights=services.rights,
        )
        revision, already, queued = started.revision, started.progress.done, started.queued
    status = await booking_status(plan_id, revision, uow=services.uow(read_only=True))
    translate = translator_of(context, services)
    if is_finished(status):
        names = await people_names(
            [m.member_id for m in status.failures] + [u.user_id for u in status.unreachable],
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


async def edit_card(
    context: TurnContext, services: Services, receipt: EditReceipt
) -> dict[str, Any]:
    """The answer to Save: the card follows the jobs that carry the edit to the booked series
    and ends with what moved, was updated or stayed as it was. A plan never booked has nothing
    to follow: its preview comes back, to book it."""
    status = await booking_status(receipt.plan_id, receipt.revision,
                                  uow=services.uow(read_only=True))
    translate = translator_of(context, services)
    if status.progress is None:
        calendar, directory = graph_of(services)
        preview = await preview_plan(receipt.plan_id, uow=services.uow(), calendar=calendar,
                                     directory=directory, rights=services.rights)
        ids = [m.member_id for m in preview.members]
        names = await people_names(ids, directory=services.directory)
        return plan_preview_card(present.preview_view(
            translate, preview, status.plan.spec, names, revision=receipt.revision,
            draft=True))
    edit = EditKind.MOVE if receipt.rebook else EditKind.UPDATE
    if is_finished(status):
        report = await edit_report(receipt.plan_id, receipt.revision, edit,
                                   uow=services.uow(read_only=True))
        names = await people_names([m.member_id for m in report.failures],
                                   directory=services.directory)
        return booking_summary_card(edit_summary_view(translate, report, names))
    conversation = context.activity.conversation
    card_id = context.activity.reply_to_id
    if conversation is not None and card_id:
        await watch_booking(
            WatchBooking(receipt.plan_id, receipt.revision, conversation.id, card_id, 0,
                         edit=edit),
            uow=services.uow, clock=services.clock,
        )
    return booking_progress_card(progress_view(translate, status, edit))


async def plans_card(
    context: TurnContext, services: Services, *, notice: str | None = None
) -> dict[str, Any]:
    """The sender's own plans and, below them, the plans they are in; `notice` (a text) on
    top says why the list answers."""
    sender = sender_of(context)
    reports = await list_plans(sender, uow=services.uow(read_only=True), clock=services.clock)
    memberships = await member_plans(sender, uow=services.uow(read_only=True), clock=services.clock)
    translate = translator_of(context, services)
    names = await people_names([u.user_id for r in reports[:MAX_PLANS] for u in r.unreachable],
                               directory=services.directory)
    view = present.plans_view(translate, reports, names=names)
    return plans_list_card(replace(view, notice=notice,
                                   memberships=memberships_view(translate, memberships)))


async def current_plan_card(
    context: TurnContext,
    services: Services,
    plan_id: str,
    *,
    on_fail: Callable[[str], Awaitable[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The answer to a card made from an older revision: the plan as it is now (its entry of
    the plans list, with buttons of the current revision) under a notice that nothing was
    changed. A plan gone, cancelled or not the sender's gets that notice instead."""
    translate = translator_of(context, services)
    sender = sender_of(context)
    try:
        await plan_to_edit(plan_id, sender, uow=services.uow(read_only=True))
    except (DomainError, UnknownPlan) as error:
        key = failure_key(error)
        if on_fail is not None:
            return await on_fail(key)
        return notice_card(present.notice_view(translate, key))
    reports = await list_plans(sender, uow=services.uow(read_only=True), clock=services.clock)
    now = [r for r in reports if r.plan.id == plan_id]
    names = await people_names([u.user_id for r in now for u in r.unreachable],
                               directory=services.directory)
    return plans_list_card(
        present.plans_view(translate, now, notice="plan.error.stale", names=names))


async def by_plan_id(
    context: TurnContext,
    services: Services,
    data: Any,
    action: Callable[[str, int | None], Awaitable[dict[str, Any]]],
    retry_verb: str,
    *,
    changes: bool,
) -> dict[str, Any]:
    """Runs `action` for the card's plan id and revision; problems come back as a notice card.
    An action that `changes` the plan on a card without a revision, or one made from an
    older revision, changes nothing and answers with the plan as it is now."""
    plan_id = plan_id_of(data)
    translate = translator_of(context, services)
    if plan_id is None:
        return notice_card(present.notice_view(translate, "plan.error.unknown_plan"))
    revision: int | None = None
    try:
        revision = revision_of(data)  # RevisionInvalid
        if revision is None and changes:
            raise PlanChanged()
        return await action(plan_id, revision)
    except PlanChanged:
        return await current_plan_card(context, services, plan_id)
    except (GraphNotConfigured, GraphError) as error:
        return notice_card(present.notice_view(translate, failure_key(error),
                                               retry_verb=retry_verb, plan_id=plan_id,
                                               revision=revision))
    except (DomainError, UnknownPlan) as error:
        return notice_card(present.notice_view(translate, failure_key(error)))


def ids_of(values: Collection[str], people: PlanPeople) -> list[str]:
    known = {p.object_id for p in people.everyone}
    ids = [v.split(":", 1)[1] for v in values if ":" in v]
    return [i for i in ids if i not in known]
