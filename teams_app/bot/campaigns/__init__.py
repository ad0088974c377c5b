"""Campaigns in Teams (issue 12): answering a campaign's form card (Send, Edit, and the card's
refresh), the owner's list and report (`campaigns`), and the presenters that turn a form into
its cards in the person's language."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.campaigns import create, handlers, reports
from teams_app.bot.routing import route
from teams_app.domain.forms.definitions import FormKind
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.FORM_SUBMIT, handlers.on_form_submit, services)
    route(app, verbs.FORM_EDIT, handlers.on_form_edit, services)
    route(app, verbs.FORM_REFRESH, handlers.on_form_refresh, services)
    route(app, verbs.CAMPAIGNS_LIST, reports.on_campaigns_list, services)
    route(app, verbs.CAMPAIGN_REPORT, reports.on_campaign_report, services)
    route(app, verbs.CAMPAIGN_SAID_DID, reports.on_said_did, services)

    @app.message(reports.CAMPAIGNS_WORDS)
    async def on_campaigns_typed(context: TurnContext, _state: TurnState) -> None:
        await reports.on_campaigns_typed(context, services)
    route(app, verbs.CAMPAIGN_NEW, create.on_new, services)
    route(app, verbs.CAMPAIGN_CREATE, create.on_create, services)

    def on_kind(kind: FormKind) -> None:
        @app.message(create.KIND_WORDS[kind])
        async def on_kind_typed(context: TurnContext, _state: TurnState) -> None:
            await create.on_kind_typed(context, services, kind)

    for kind in create.KIND_WORDS:
        on_kind(kind)
