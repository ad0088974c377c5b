"""The emulator object the handlers share, and the dispatch path every Graph call takes:
route -> stats -> limits and faults -> handler -> Graph error body."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from graph.emulator.access import Access
from graph.emulator.errors import GraphError, error_body, invalid_user, mailbox_not_enabled
from graph.emulator.faults import Faults, Stats
from graph.emulator.notify import Notifier
from graph.emulator.odata import Prefer, parse_prefer
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import EmulatorState, Mailbox, User
from graph.emulator.timezones import zone

JSON_TYPE = ("application/json;odata.metadata=minimal;odata.streaming=true;"
             "IEEE754Compatible=false;charset=utf-8")


@dataclass
class Emulator:
    state: EmulatorState
    stats: Stats
    faults: Faults
    router: Router
    notifier: Notifier
    tenant_id: str
    token: str | None  # the one bearer token accepted; None accepts any non-empty token
    seed: str
    access: Access = field(default_factory=Access)  # permissions denied, the RBAC scope

    # --- helpers for handlers ----------------------------------------------------------------
    def now(self) -> datetime:
        return self.state.clock.now()

    def user(self, key: str) -> User:
        found = self.state.find_user(key)
        if found is None:
            raise invalid_user(key)
        return found

    def mailbox(self, call: Call) -> tuple[User, Mailbox]:
        user = self.user(call.params["user"])
        if not user.has_mailbox:
            raise mailbox_not_enabled()
        return user, self.state.mailboxes.setdefault(user.id, Mailbox(user.id))

    @staticmethod
    def prefer(call: Call) -> Prefer:
        return parse_prefer(call.headers)

    @staticmethod
    def time_zone(call: Call) -> tuple[str | None, dict[str, str]]:
        """The Prefer: outlook.timezone zone (None = UTC) and the Preference-Applied header."""
        name = parse_prefer(call.headers).time_zone
        if name and zone(name) is not None:
            return name, {"Preference-Applied": f'outlook.timezone="{name}"'}
        return None, {}

    def context(self, call: Call, fragment: str) -> str:
        return f"{call.base_url}/$metadata#{fragment}"

    # --- dispatch ------------------------------------------------------------------------------
    def error_reply(self, call: Call, error: GraphError) -> Reply:
        body = error_body(error.code, error.message, request_id=call.request_id,
                          client_request_id=call.client_request_id, at=self.now())
        return Reply(error.status, body, dict(error.headers))

    def _mailbox_key(self, value: str | None) -> str | None:
        if value is None:
            return None
        user = self.state.find_user(value)
        return user.id if user else value.lower()

    def _scoped_mailbox(self, value: str | None) -> str | None:
        user = self.state.find_user(value) if value else None
        return user.id if user else None

    async def dispatch(self, call: Call) -> Reply:
        try:
            route, params = self.router.match(call.method, call.path)
        except GraphError as error:
            endpoint = f"{call.method} (unmatched)"
            self.stats.request(endpoint)
            reply = self.error_reply(call, error)
            self.stats.status(endpoint, reply.status)
            return reply
        endpoint = f"{call.method} {route.template}"
        call.params = params
        self.stats.request(endpoint)
        mailbox = self._mailbox_key(params.get(route.mailbox_param or ""))
        try:
            # Graph refuses before it counts the call against a mailbox's limits.
            self.access.check(endpoint, self._scoped_mailbox(params.get(route.mailbox_param or "")))
            if route.guarded:
                reply = await self.faults.run(call, endpoint, mailbox,
                                              lambda: route.handler(call, self))
            else:
                reply = await self.faults.run_scripted(call, endpoint,
                                                       lambda: route.handler(call, self))
        except GraphError as error:
            reply = self.error_reply(call, error)
        self.stats.status(endpoint, reply.status)
        return reply


EMULATOR: web.AppKey[Emulator] = web.AppKey("graph_emulator", Emulator)


def new_request_id() -> str:
    return str(uuid.uuid4())
