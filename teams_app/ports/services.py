"""The services every entry point receives from bootstrap: ports, not technologies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from teams_app.bot.presenters import CardRenderer
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    Lists,
    Messenger,
    Subscriptions,
    UnitOfWork,
)
from teams_app.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    uow: Callable[[], UnitOfWork]
    clock: Clock
    messenger: Messenger
    renderer: CardRenderer
    # Microsoft Graph, when configured (LEARNING_LOOP_GRAPH_*); None otherwise.
    calendar: Calendar | None = None
    directory: Directory | None = None
    lists: Lists | None = None
    # Calendar change notifications, when configured (LEARNING_LOOP_GRAPH_NOTIFICATION_*).
    subscriptions: Subscriptions | None = None
