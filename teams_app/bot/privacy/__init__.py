"""A person's own data in Teams (docs/privacy.md): `my data` (and the sv/nl/de words) shows
what is held, Download gives a short-lived link to the zip, Erase… asks, Erase erases."""

from __future__ import annotations

import re

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.privacy import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services

# What a person types, in the languages the cards speak (matched whole, any case).
MY_DATA_WORDS = re.compile(
    r"\s*(my data|my personal data|mina data|mina uppgifter|mijn gegevens|mijn data|"
    r"meine daten)\s*[.!?]?\s*",
    re.IGNORECASE,
)


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.PRIVACY_SHOW, handlers.on_show, services)
    route(app, verbs.PRIVACY_EXPORT, handlers.on_export, services)
    route(app, verbs.PRIVACY_ERASE_ASK, handlers.on_erase_ask, services)
    route(app, verbs.PRIVACY_ERASE, handlers.on_erase, services)

    @app.message(MY_DATA_WORDS)
    async def on_my_data_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_my_data_typed(context, services)
