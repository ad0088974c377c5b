"""The manager's side of protected learning time, in Teams: `plan` opens the plan card,
Preview checks it and shows the proposed times, Book starts booking and leaves a card that
follows the jobs, `plans` lists the manager's plans to edit or cancel them.

Every answer is a card. The plan card comes back with the manager's answers and the problems
under their inputs; a plan that is gone or not theirs, or a service that did not answer, gets
a notice saying so. Nothing here logs what people typed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import structlog
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
)
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import (
    Translator,
    booking_progress_card,
    booking_summary_card,
    notice_card,
    plan_form_card,
    plan_preview_card,
    plans_list_card,
    verbs,
)
from cards.elements import CONTENT_TYPE as ADAPTIVE_CARD
from teams_app.bot.plans import presenters as present
from teams_app.bot.plans.card_data import (
    CardProblem,
    PlanCardData,
    has_form,
    parse_plan_card,
    plan_id_of,
    problems_of,
)
from teams_app.bot.plans.failures import GraphNotConfigured, failure_key, notice_key
from teams_app.domain.conversations import ConversationKind
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import (
    CancelPlan,
    CreatePlan,
    EditPlan,
    PlanAlreadyCancelled,
    PlanError,
)
from teams_app.ports import (
    Calendar,
    Directory,
    GraphError,
)
from teams_app.ports.services import Services
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.drafts import draft_plan, plan_to_edit, redraft_plan
from teams_app.use_cases.plans.planning import PlanPreview, UnknownPlan, cancel_plan
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

# What a manager types, in the languages the cards speak (matched whole, any case).
PLAN_WORDS = re.compile(
    r"\s*(plan|new plan|planera|ny plan|plannen|nieuw plan|planen|neuer plan)\s*[.!]?\s*",
    re.IGNORECASE,
)
PLANS_WORDS = re.compile(
    r"\s*(plans|my plans|planer|mina planer|mijn plannen|pläne|plaene|meine pläne)\s*[.!]?\s*",
    re.IGNORECASE,
)

Handler = Callable[[TurnContext, Any], Awaitable[dict[str, Any]]]


def register(app: AgentApplication[TurnState], services: Services) -> None:
    def t(context: TurnContext) -> Translator:
        return services.renderer.translator(context.activity.locale)

    def graph() -> tuple[Calendar, Directory]:
        if services.calendar is None or services.directory is None:
            raise GraphNotConfigured()
        return services.calendar, services.directory

    async def people_of(person_id: str) -> PlanPeople:
        return await plan_people(person_id, directory=graph()[1])

    # --- cards ---------------------------------------------------------------------------

    async def new_plan_card(context: TurnContext) -> dict[str, Any]:
        translate = t(context)
        today = services.clock.now().date()
        try:
            people = await people_of(sender_of(context))
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
        data: PlanCardData,
        people: PlanPeople,
        *,
        problems: Sequence[CardProblem] = (),
        notice: str | None = None,
    ) -> dict[str, Any]:
        """The plan card as the manager sent it, with what is wrong."""
        translate = t(context)
        selected = data.answers.members
        names = await people_names(_ids_of(selected, people), directory=services.directory)
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
        data: Any,
        then: Callable[[PlanCardData, str, PlanPeople], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any]:
        """Parses the plan card, stores the plan (new or edited) and runs `then`; any problem
        comes back on the plan card with the manager's answers kept."""
        sender = sender_of(context)
        editing = plan_id_of(data) is not None
        today = (services.clock.now() - timedelta(days=1)).date()
        try:
            people = await people_of(sender)
        except (GraphNotConfigured, GraphError) as error:
            parsed = parse_plan_card(data, today=None if editing else today)
            return await form_again(context, parsed, PlanPeople(()),
                                    notice=failure_key(error))
        parsed = parse_plan_card(
            data, reports=[p.object_id for p in people.reports], today=None if editing else today
        )
        if not parsed.ok:
            return await form_again(context, parsed, people)
        try:
            return await then(parsed, sender, people)
        except PlanError as error:
            key = notice_key(error)
            if key is not None:
                return await form_again(context, parsed, people, notice=key)
            return await form_again(context, parsed, people,
                                    problems=problems_of([error], parsed.spec))
        except (UnknownPlan, DomainError, GraphNotConfigured, GraphError) as error:
            return await form_again(context, parsed, people, notice=failure_key(error))

    async def store(parsed: PlanCardData, sender: str) -> PlanPreview:
        calendar, directory = graph()
        if parsed.plan_id is not None:
            return await redraft_plan(
                EditPlan(parsed.plan_id, sender, parsed.spec),
                uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            )
        return await draft_plan(
            CreatePlan(sender, parsed.spec),
            uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            new_id=lambda: str(uuid.uuid4()),
        )

    async def preview_card(
        context: TurnContext, preview: PlanPreview, parsed: PlanCardData, people: PlanPeople
    ) -> dict[str, Any]:
        names = {p.object_id: p.display_name for p in people.everyone}
        missing = [m.member_id for m in preview.members if m.member_id not in names]
        names |= await people_names(missing, directory=services.directory)
        return plan_preview_card(present.preview_view(t(context), preview, parsed.spec, names))

    async def booking_card(context: TurnContext, plan_id: str) -> dict[str, Any]:
        """Starts booking and answers with the progress card, which a job keeps up to date."""
        calendar, directory = graph()
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
            return booking_progress_card(present.preparing_view(t(context), plan_id))
        if running is not None:
            # Jobs of this revision are at work (a Book pressed twice, or an edit that
            # rebooks): follow them; starting again would only recount what they count.
            revision, already, queued = running.plan.revision, 0, 0
        else:  # no card to update later (an old client's Action.Submit): book while answering
            started = await book_plan(
                BookPlan(plan_id, sender),
                uow=services.uow, calendar=calendar, directory=directory, clock=services.clock,
            )
            revision, already, queued = started.revision, started.progress.done, started.queued
        status = await booking_status(plan_id, revision, uow=services.uow())
        translate = t(context)
        if present.is_finished(status):
            names = await people_names([m.member_id for m in status.failures],
                                       directory=services.directory)
            return booking_summary_card(present.summary_view(translate, status, already, names))
        if conversation is not None and card_id:
            await watch_booking(
                WatchBooking(plan_id, revision, conversation.id, card_id, already),
                uow=services.uow, clock=services.clock,
            )
        log.info("plan_booking_started", plan_id=plan_id, queued=queued,
                 follows_card=bool(card_id))
        return booking_progress_card(present.progress_view(translate, status))

    async def plans_card(context: TurnContext) -> dict[str, Any]:
        reports = await list_plans(sender_of(context), uow=services.uow(), clock=services.clock)
        return plans_list_card(present.plans_view(t(context), reports))

    async def by_plan_id(
        context: TurnContext,
        data: Any,
        action: Callable[[str], Awaitable[dict[str, Any]]],
        retry_verb: str,
    ) -> dict[str, Any]:
        """Runs `action` for the card's plan id; problems come back as a notice card."""
        plan_id = plan_id_of(data)
        translate = t(context)
        if plan_id is None:
            return notice_card(present.notice_view(translate, "plan.error.unknown_plan"))
        try:
            return await action(plan_id)
        except (GraphNotConfigured, GraphError) as error:
            return notice_card(present.notice_view(translate, failure_key(error),
                                                   retry_verb=retry_verb, plan_id=plan_id))
        except (DomainError, UnknownPlan) as error:
            return notice_card(present.notice_view(translate, failure_key(error)))

    # --- actions -------------------------------------------------------------------------

    async def on_new(context: TurnContext, _data: Any) -> dict[str, Any]:
        return await new_plan_card(context)

    async def on_preview(context: TurnContext, data: Any) -> dict[str, Any]:
        async def preview(
            parsed: PlanCardData, sender: str, people: PlanPeople
        ) -> dict[str, Any]:
            return await preview_card(context, await store(parsed, sender), parsed, people)

        return await with_form(context, data, preview)

    async def on_book(context: TurnContext, data: Any) -> dict[str, Any]:
        if has_form(data):  # Book straight from the plan card: store it, then book it
            async def book(parsed: PlanCardData, sender: str, _: PlanPeople) -> dict[str, Any]:
                plan_id = (await store(parsed, sender)).plan_id
                # Stored now: a failure from here on offers Book again for this plan, so
                # trying again does not make a second plan.
                return await by_plan_id(context, {"plan_id": plan_id},
                                        lambda plan_id: booking_card(context, plan_id),
                                        verbs.PLAN_BOOK)

            return await with_form(context, data, book)
        return await by_plan_id(context, data, lambda plan_id: booking_card(context, plan_id),
                                verbs.PLAN_BOOK)

    async def on_edit(context: TurnContext, data: Any) -> dict[str, Any]:
        async def edit(plan_id: str) -> dict[str, Any]:
            sender = sender_of(context)
            plan = await plan_to_edit(plan_id, sender, uow=services.uow())
            values = present.form_values(plan.spec)
            people = await people_of(sender)
            names = await people_names(_ids_of(values.members, people),
                                       directory=services.directory)
            translate = t(context)
            choices = present.people_choices(translate, people, selected=values.members,
                                             names=names)
            return plan_form_card(
                present.plan_form_view(translate, choices, values=values, plan_id=plan_id))

        return await by_plan_id(context, data, edit, verbs.PLAN_EDIT)

    async def on_cancel(context: TurnContext, data: Any) -> dict[str, Any]:
        async def cancel(plan_id: str) -> dict[str, Any]:
            try:
                receipt = await cancel_plan(CancelPlan(plan_id, sender_of(context)),
                                            uow=services.uow(), clock=services.clock)
                log.info("plan_cancelled", plan_id=plan_id, series=receipt.series_to_cancel)
            except PlanAlreadyCancelled:
                pass  # a second press of the same button: the list shows it gone already
            return await plans_card(context)

        return await by_plan_id(context, data, cancel, verbs.PLAN_CANCEL)

    async def on_list(context: TurnContext, _data: Any) -> dict[str, Any]:
        return await plans_card(context)

    # --- routes --------------------------------------------------------------------------

    actions: Mapping[str, Handler] = {
        verbs.PLAN_NEW: on_new,
        verbs.PLAN_PREVIEW: on_preview,
        verbs.PLAN_BOOK: on_book,
        verbs.PLAN_EDIT: on_edit,
        verbs.PLAN_CANCEL: on_cancel,
        verbs.PLANS_LIST: on_list,
    }
    for verb, handler in actions.items():
        _route(app, verb, handler)

    async def answer_typed(context: TurnContext, build: Callable[[], Awaitable[dict[str, Any]]]
                           ) -> None:
        if not _is_personal(context):
            # Plans name people and their calendars: they are shown in the personal chat only.
            await context.send_activity(t(context)("plan.error.personal_only"))
            return
        card = await build()
        await context.send_activity(card_message(card))

    @app.message(PLAN_WORDS)
    async def on_plan_typed(context: TurnContext, _state: TurnState) -> None:
        await answer_typed(context, lambda: new_plan_card(context))

    @app.message(PLANS_WORDS)
    async def on_plans_typed(context: TurnContext, _state: TurnState) -> None:
        await answer_typed(context, lambda: plans_card(context))


def _route(app: AgentApplication[TurnState], verb: str, handler: Handler) -> None:
    @app.adaptive_card.action_execute(verb)
    async def on_execute(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        card = await handler(context, data)
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=card
        )

    # Clients without Universal Actions send the fallback Action.Submit as a message.
    @app.adaptive_card.action_submit(verb)
    async def on_submit(context: TurnContext, _state: TurnState, data: Any) -> None:
        await context.send_activity(card_message(await handler(context, data)))


def card_message(card: dict[str, Any]) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)],
    )


def sender_of(context: TurnContext) -> str:
    sender = context.activity.from_property
    if sender is None:
        return ""
    return sender.aad_object_id or sender.id or ""


def _is_personal(context: TurnContext) -> bool:
    conversation = context.activity.conversation
    kind = conversation.conversation_type if conversation is not None else None
    return ConversationKind.parse(kind) is ConversationKind.PERSONAL


def _ids_of(values: Collection[str], people: PlanPeople) -> list[str]:
    known = {p.object_id for p in people.everyone}
    ids = [v.split(":", 1)[1] for v in values if ":" in v]
    return [i for i in ids if i not in known]
