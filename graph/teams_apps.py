"""GraphTeamsAppInstaller: install the bot for a person so it may message them first.

A bot can only start a personal chat with someone who has the app installed. Graph installs it
for them (application permission TeamsAppInstallation.ReadWriteSelfForUser.All) and then
names the chat between the person and the bot, which is what proactive messages need.
"""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.user_scope_teams_app_installation import (
    UserScopeTeamsAppInstallation,
)
from msgraph.generated.users.item.teamwork.installed_apps.installed_apps_request_builder import (
    InstalledAppsRequestBuilder,
)

from graph.client import GraphConnection
from graph.errors import Operation
from graph.lists import odata_string
from teams_app.domain.directory import AppInstallation
from teams_app.ports import GraphConflict


class GraphTeamsAppInstaller:
    def __init__(self, graph: GraphConnection, *, teams_app_id: str) -> None:
        if not teams_app_id:
            raise ValueError("the app's id in the Teams app catalog is needed to install it")
        self._graph = graph
        self._app_id = teams_app_id

    async def install_for_user(self, user_id: str) -> AppInstallation:
        """Install (or find installed) and return the chat id. Already installed is success:
        Graph answers 409, and a retried install must not fail the job that asked for it."""
        installed = self._graph.client.users.by_user_id(user_id).teamwork.installed_apps
        catalog_app = f"{self._graph.base_url}/appCatalogs/teamsApps/{self._app_id}"
        body = UserScopeTeamsAppInstallation(additional_data={"teamsApp@odata.bind": catalog_app})
        newly = True
        try:
            await self._graph.call(Operation.INSTALL_APP, lambda: installed.post(body))
        except GraphConflict:
            newly = False
        installation_id = await self._installation_id(user_id)
        chat_id = await self._chat_of(user_id, installation_id) if installation_id else None
        return AppInstallation(
            user_id=user_id,
            installation_id=installation_id,
            chat_id=chat_id,
            newly_installed=newly,
        )

    async def chat_id(self, user_id: str) -> str | None:
        """The personal chat with the bot, or None when the app is not installed for them."""
        installation_id = await self._installation_id(user_id)
        return await self._chat_of(user_id, installation_id) if installation_id else None

    async def _installation_id(self, user_id: str) -> str | None:
        installed = self._graph.client.users.by_user_id(user_id).teamwork.installed_apps
        query = InstalledAppsRequestBuilder.InstalledAppsRequestBuilderGetQueryParameters(
            filter=f"teamsApp/id eq {odata_string(self._app_id)}", expand=["teamsApp"]
        )
        config = RequestConfiguration(query_parameters=query)
        answer = await self._graph.call(Operation.READ_APP_CHAT, lambda: installed.get(config))
        for installation in answer.value if answer and answer.value else []:
            app = installation.teams_app
            # Re-checked here: the filter is the server's, the app id is what we trust.
            if installation.id and (app is None or app.id in (None, self._app_id)):
                return installation.id
        return None

    async def _chat_of(self, user_id: str, installation_id: str) -> str | None:
        chat = (
            self._graph.client.users.by_user_id(user_id)
            .teamwork.installed_apps.by_user_scope_teams_app_installation_id(installation_id)
            .chat
        )
        found = await self._graph.call(Operation.READ_APP_CHAT, chat.get)
        return found.id if found else None
