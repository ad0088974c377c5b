"""Reaching a person in Teams before any card meant for them: their stored personal chat, else
install the app for them through Graph and open the chat, else the reason they cannot be reached
(kept, so the plan's owner sees who misses their cards and what their admin can do).

A person who removed the app is not given it back behind their back: they are unreachable until
they add it again, which Teams tells the bot (an installationUpdate that saves their chat).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.directory import AppInstallation
from teams_app.domain.reach import Unreachable
from teams_app.ports import (
    Clock,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    Messenger,
    RecipientUnreachable,
    TeamsAppInstaller,
    UnitOfWork,
)
from teams_app.use_cases.languages import PersonLanguages

log = structlog.get_logger()


GLOBAL_SERVICE_URL = "https://smba.trafficmanager.net/teams/"  # Microsoft's, any region


@dataclass(frozen=True)
class TeamsEndpoint:
    """Where to open a chat: the connector's service URL the admin set (None: the one the
    tenant's latest conversation came from, else the global one) and the tenant."""

    service_url: str | None = None
    tenant_id: str | None = None


@dataclass(frozen=True)
class Reach:
    """Their chat, or why there is none; `installed_now` when this reach installed the app
    (not when they had the chat already, nor when Graph answered that they had the app)."""

    outcome: ConversationRef | Unreachable
    installed_now: bool = False


@dataclass(frozen=True)
class PersonalChats:
    uow: Callable[[], UnitOfWork]
    messenger: Messenger
    clock: Clock
    installer: TeamsAppInstaller | None  # None: no Teams app catalog id configured
    endpoint: TeamsEndpoint
    languages: PersonLanguages  # what language a card to them speaks

    async def reach(self, user_id: str) -> ConversationRef | Unreachable:
        return (await self.find(user_id)).outcome

    async def find(self, user_id: str) -> Reach:
        """As `reach`, telling also whether the app was installed for them just now."""
        async with self.uow() as tx:
            chat = await tx.conversations.personal_chat_of(user_id)
            marked = (await tx.conversations.unreachable_among([user_id])).get(user_id)
            latest = None if chat else await tx.conversations.latest_in_tenant(
                self.endpoint.tenant_id
            )
        if marked is not None and marked.reason is Unreachable.UNINSTALLED:
            return Reach(Unreachable.UNINSTALLED)
        if chat is not None:
            return Reach(chat)
        installed = await self._install(user_id)
        if isinstance(installed, Unreachable):
            return Reach(await self._unreachable(user_id, installed))
        tenant_id = (latest.tenant_id if latest else None) or self.endpoint.tenant_id
        bot = latest.reference.get("bot") if latest else None
        try:
            opened = await self.messenger.open_personal_chat(
                user_id,
                tenant_id=tenant_id,
                service_url=self.endpoint.service_url
                or (latest.service_url if latest else GLOBAL_SERVICE_URL),
                bot_id=bot.get("id") if isinstance(bot, dict) else None,
            )
        except RecipientUnreachable:
            return Reach(await self._unreachable(user_id, Unreachable.NO_CHAT))
        async with self.uow() as tx:
            await tx.conversations.save(opened, at=self.clock.now())
            await tx.commit()
        log.info("personal_chat_opened", user_id=user_id)
        return Reach(opened, installed_now=installed.newly_installed)

    async def gone(self, user_id: str) -> None:
        """Teams refused their stored chat for good (403/404): they removed the app."""
        await self._unreachable(user_id, Unreachable.UNINSTALLED)

    async def _install(self, user_id: str) -> AppInstallation | Unreachable:
        if self.installer is None:
            return Unreachable.NOT_INSTALLED
        try:
            return await self.installer.install_for_user(user_id)
        except GraphForbidden:
            return Unreachable.INSTALL_BLOCKED
        except GraphNotFound:
            return Unreachable.NOT_IN_DIRECTORY
        except GraphRejected:
            return Unreachable.NOT_INSTALLED  # the catalog id is not an app Graph knows
        # Other Graph errors are passing and raised: the job (or command) that asked retries.

    async def _unreachable(self, user_id: str, reason: Unreachable) -> Unreachable:
        async with self.uow() as tx:
            await tx.conversations.mark_unreachable(user_id, reason, at=self.clock.now())
            await tx.commit()
        log.info("person_unreachable", user_id=user_id, reason=reason.value)
        return reason
