"""The services every entry point receives from bootstrap: ports, not technologies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.planners import PlanningRights
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    FormCatalog,
    Lists,
    Messenger,
    Subscriptions,
    TeamsAppInstaller,
    UnitOfWorkFactory,
)
from teams_app.settings import Settings


class CardRenderer(Protocol):
    """Cards in a person's language: a translator for a locale (falling back to the default
    language), and the notification templates rendered for a conversation in a locale."""

    def translator(self, locale: str | None) -> Callable[..., str]: ...
    def render(
        self, template: str, ref: ConversationRef, locale: str | None
    ) -> OutboundMessage: ...


@dataclass(frozen=True)
class Services:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    messenger: Messenger
    renderer: CardRenderer
    # The forms campaigns send (built-in and the admin's files), loaded at start.
    forms: FormCatalog
    # Microsoft Graph, when configured (LEARNING_LOOP_GRAPH_*); None otherwise.
    calendar: Calendar | None = None
    directory: Directory | None = None
    lists: Lists | None = None
    # Calendar change notifications, when configured (LEARNING_LOOP_GRAPH_NOTIFICATION_*).
    subscriptions: Subscriptions | None = None
    # Installs the app for a person so the bot may open their chat (GRAPH_TEAMS_APP_ID set).
    installer: TeamsAppInstaller | None = None
    # Who may plan for whom beyond a manager's own people (the admin's settings).
    rights: PlanningRights = PlanningRights()
