"""Requests as the emulator sees them, and the table that maps a path to a handler.

The same `Call` comes from a real HTTP request or from one entry of a `$batch`, so every
inner batch request goes through the same handlers, limits and faults as a direct call.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict

from graph.emulator.errors import method_not_allowed, unknown_segment


@dataclass
class Call:
    method: str
    path: str  # decoded, after /v1.0, e.g. "/users/{id}/events"
    query: dict[str, str]
    headers: CIMultiDict[str]
    body: Any
    base_url: str  # absolute, ends in /v1.0
    request_id: str
    client_request_id: str
    params: dict[str, str] = field(default_factory=dict)
    inner: bool = False  # an entry of a $batch

    def option(self, name: str) -> str | None:
        """A query option, with or without the `$` (SharePoint accepts both)."""
        wanted = {name.lower(), f"${name.lower()}"}
        for key, value in self.query.items():
            if key.lower() in wanted:
                return value
        return None


@dataclass
class Reply:
    status: int
    body: Any = None  # dict or list -> JSON, str -> text/plain, None -> no body
    headers: dict[str, str] = field(default_factory=dict)


# (call, emulator) -> reply; the emulator is graph.emulator.core.Emulator (typed Any here
# because core imports this module)
Handler = Callable[[Call, Any], Awaitable[Reply]]

# Path parameters that may span segments: a site addressed by path, "host:/sites/x:".
_PARAMS = {"site": r"(?:[^/:]+:/[^:]*:|[^/]+)"}


def _param(found: re.Match[str]) -> str:
    name = found.group(1)
    return f"(?P<{name}>{_PARAMS.get(name, '[^/]+')})"


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # the endpoint pattern used in stats, e.g. "/users/{user}/events"
    regex: re.Pattern[str]
    handler: Handler
    mailbox_param: str | None  # the path parameter naming the mailbox this call touches
    guarded: bool = True  # limits and faults apply ($batch applies them per inner request)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler, *, mailbox: str | None = None,
            regex: str | None = None, guarded: bool = True) -> None:
        pattern = regex or "^" + re.sub(r"\{(\w+)\}", _param, template) + "/?$"
        self.routes.append(Route(method, template, re.compile(pattern, re.IGNORECASE), handler,
                                 mailbox, guarded))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        path_matched = False
        for route in self.routes:
            found = route.regex.match(path)
            if found is None:
                continue
            path_matched = True
            if route.method in {method, "*"}:
                return route, found.groupdict()
        if path_matched:
            raise method_not_allowed()
        segments = [s for s in path.split("/") if s]
        raise unknown_segment(segments[-1] if segments else path)
