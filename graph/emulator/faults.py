"""Graph's limits and injected faults, deterministic for a given rng_seed.

Off by default; `PUT /_emulator/limits` turns them on. Graph's documented Outlook values are
the `graph` preset: 4 concurrent requests per app per mailbox (the 5th gets 429
`ApplicationThrottled`, "Application is over its MailboxConcurrency limit.") and 10,000
requests per 10 minutes per app per mailbox
(https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).

SharePoint throttles each app in a tenant by resource units per minute (about 1,200 for the
smallest tenants, more with more licences; "Avoid getting throttled or blocked in SharePoint
Online"). Graph calls have fixed
costs: 1 unit for a single item (a site, a list, a column, an item by id), 2 for a multi-item
query (a collection, a filter) and for a create, update or delete. Throttled requests count
towards the limit too. `resource_units_per_minute` turns it on; `resource_unit_window_s` (60 by
default) shortens the minute for benchmarks that cannot wait minutes. Over the limit: 429
`activityLimitReached` with Retry-After, the seconds until enough units have aged out. From 80 %
of the limit on, answers carry SharePoint's RateLimit headers (IETF draft 03, app-only calls):
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, the seconds until units free up
("Prevent throttling in your application by using RateLimit headers in SharePoint Online").
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from graph.emulator.errors import GraphError
from graph.emulator.routing import Call, Reply

DROP = Reply(status=0)  # close the connection without answering


@dataclass
class Limits:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    mailbox_concurrency: int | None = None
    budget_requests: int | None = None
    budget_window_s: float = 600.0
    budget_scope: str = "app"  # app | mailbox
    throttle_probability: float = 0.0
    unavailable_probability: float = 0.0
    retry_after_s: float = 1.0
    slow_probability: float = 0.0
    slow_s: float = 0.0
    drop_probability: float = 0.0
    fault_paths: str | None = None  # regex on "METHOD /template" or "METHOD /path"
    fail_next: list[dict[str, Any]] = field(default_factory=list)
    resource_units_per_minute: int | None = None  # SharePoint, per app
    resource_unit_window_s: float = 60.0

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Limits:
        body = dict(body)
        preset = body.pop("preset", "off")
        if preset == "graph":
            base = cls(mailbox_concurrency=4, budget_requests=10_000, budget_window_s=600.0,
                       budget_scope="mailbox")
        elif preset == "off":
            base = cls()
        else:
            raise ValueError(f"unknown preset {preset!r} (use 'off' or 'graph')")
        known = {f.name for f in fields(cls)}
        unknown = set(body) - known
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(sorted(unknown))}")
        values = asdict(base) | body
        limits = cls(**values)
        if limits.budget_scope not in {"app", "mailbox"}:
            raise ValueError("budget_scope must be 'app' or 'mailbox'")
        if limits.fault_paths:
            re.compile(limits.fault_paths)
        if limits.resource_unit_window_s <= 0:
            raise ValueError("resource_unit_window_s must be positive")
        return limits

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _centiseconds_up(seconds: float) -> float:
    """Rounded up, never down: a caller waiting exactly this long finds the units free."""
    return max(0.01, math.ceil(seconds * 100) / 100)


def retry_after_value(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def throttled(code: str, message: str, seconds: float) -> GraphError:
    return GraphError(429, code, message, {"Retry-After": retry_after_value(seconds)})


class Stats:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.total = 0
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.by_endpoint: dict[str, Counter[str]] = {}
        self.max_concurrency: dict[str, int] = {}
        self.max_attempted_concurrency: dict[str, int] = {}
        self.throttled = 0
        self.unavailable = 0
        self.dropped = 0
        self.slowed = 0
        self.batches = 0
        self.resource_units = 0

    def request(self, endpoint: str) -> None:
        self.total += 1
        self.requests[endpoint] += 1

    def status(self, endpoint: str, status: int) -> None:
        label = "dropped" if status == 0 else str(status)
        self.statuses[label] += 1
        self.by_endpoint.setdefault(endpoint, Counter())[label] += 1
        if status == 429:
            self.throttled += 1
        elif status == 503:
            self.unavailable += 1
        elif status == 0:
            self.dropped += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "requests": dict(self.requests),
            "statuses": dict(self.statuses),
            "by_endpoint": {k: dict(v) for k, v in self.by_endpoint.items()},
            "max_concurrency": dict(self.max_concurrency),
            "max_attempted_concurrency": dict(self.max_attempted_concurrency),
            "throttled": self.throttled,
            "unavailable": self.unavailable,
            "dropped": self.dropped,
            "slowed": self.slowed,
            "batches": self.batches,
            "resource_units": self.resource_units,
        }


class Faults:
    """Applies the current limits around one handler call."""

    def __init__(self, stats: Stats, *, rng_seed: int = 0) -> None:
        self.stats = stats
        self.reset(rng_seed)

    def reset(self, rng_seed: int = 0, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.rng = random.Random(rng_seed)
        self.in_flight: Counter[str] = Counter()
        self.arriving: Counter[str] = Counter()
        self.windows: dict[str, tuple[float, int]] = {}
        self.spent: deque[tuple[float, int]] = deque()  # SharePoint units: (when, how many)

    def _matches(self, pattern: str | None, call: Call, endpoint: str) -> bool:
        if not pattern:
            return True
        return bool(re.search(pattern, endpoint)
                    or re.search(pattern, f"{call.method} {call.path}"))

    def _scripted(self, call: Call, endpoint: str) -> dict[str, Any] | None:
        for rule in self.limits.fail_next:
            if rule.get("count", 1) > 0 and self._matches(rule.get("match"), call, endpoint):
                rule["count"] = rule.get("count", 1) - 1
                return rule
        return None

    def _scripted_error(self, rule: dict[str, Any]) -> GraphError | None:
        status = rule.get("status", 429)
        if status == "drop":
            return None
        defaults = {429: ("TooManyRequests", "Please retry again later."),
                    503: ("serviceNotAvailable", "The service is temporarily unavailable."),
                    504: ("GatewayTimeout", "The gateway did not receive a timely response."),
                    500: ("generalException", "An unspecified error has occurred.")}
        code, message = defaults.get(int(status), ("generalException", "Injected failure."))
        headers = {}
        if int(status) in {429, 503}:
            headers["Retry-After"] = retry_after_value(
                rule.get("retry_after", self.limits.retry_after_s))
        return GraphError(int(status), rule.get("code", code), rule.get("message", message),
                          headers)

    def _budget(self, mailbox: str | None) -> None:
        limits = self.limits
        if not limits.budget_requests:
            return
        key = mailbox if limits.budget_scope == "mailbox" and mailbox else "app"
        now = time.monotonic()
        started, count = self.windows.get(key, (now, 0))
        if now - started >= limits.budget_window_s:
            started, count = now, 0
        if count >= limits.budget_requests:
            wait = max(1, math.ceil(limits.budget_window_s - (now - started)))
            if limits.budget_scope == "mailbox":
                raise throttled("ApplicationThrottled", "Application is over its request limit.",
                                wait)
            raise throttled("TooManyRequests", "Please retry again later.", wait)
        self.windows[key] = (started, count + 1)

    def _resource_units(self, call: Call, endpoint: str) -> dict[str, str]:
        """Charge a SharePoint call its resource units; 429 when the app is over its minute.
        Returns the RateLimit headers for the answer (none below 80 % of the limit)."""
        if not call.path.lower().startswith("/sites"):
            return {}
        template = endpoint.partition(" ")[2]
        cost = 1 if call.method == "GET" and template.endswith("}") else 2
        self.stats.resource_units += cost
        limit = self.limits.resource_units_per_minute
        if not limit:
            return {}
        window, now = self.limits.resource_unit_window_s, time.monotonic()
        while self.spent and now - self.spent[0][0] >= window:
            self.spent.popleft()
        used = sum(units for _, units in self.spent)
        self.spent.append((now, cost))  # throttled requests count as well
        if used + cost <= limit:
            if used + cost < 0.8 * limit:
                return {}
            reset = self.spent[0][0] + window - now
            return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(limit - used - cost),
                    "RateLimit-Reset": retry_after_value(_centiseconds_up(reset))}
        # The wait until enough units have aged out of the window for this charge and a retry.
        excess, freed, wait = used + 2 * cost - limit, 0, window
        for at, units in self.spent:
            freed += units
            if freed >= excess:
                wait = at + window - now
                break
        raise throttled("activityLimitReached", "The request has been throttled.",
                        _centiseconds_up(wait))

    async def run_scripted(self, call: Call, endpoint: str,
                           handler: Callable[[], Awaitable[Reply]]) -> Reply:
        """For routes the limits do not apply to as a whole (`$batch`, whose inner requests
        are limited one by one): only a scripted fault, as Graph can fail a batch itself with
        503 or 504 from its gateway."""
        rule = self._scripted(call, endpoint)
        if rule is not None:
            error = self._scripted_error(rule)
            if error is None:
                return DROP
            raise error
        return await handler()

    async def run(self, call: Call, endpoint: str, mailbox: str | None,
                  handler: Callable[[], Awaitable[Reply]]) -> Reply:
        """The handler's reply, a Graph error, or DROP; raises GraphError for faults."""
        limits = self.limits
        rule = self._scripted(call, endpoint)
        if rule is not None and rule.get("status") == "lost":
            # The request is carried out but its answer never arrives (a connection or gateway
            # timeout after the backend acted): the caller cannot know it succeeded.
            await handler()
            return DROP
        if rule is not None:
            error = self._scripted_error(rule)
            if error is None:
                return DROP
            raise error
        probabilistic = any((limits.drop_probability, limits.slow_probability,
                             limits.throttle_probability, limits.unavailable_probability))
        draws = [1.0] * 4
        if probabilistic and self._matches(limits.fault_paths, call, endpoint):
            draws = [self.rng.random() for _ in range(4)]
        if draws[0] < limits.drop_probability:
            return DROP
        if mailbox is not None:
            self.arriving[mailbox] += 1
            seen = self.stats.max_attempted_concurrency
            seen[mailbox] = max(seen.get(mailbox, 0), self.arriving[mailbox])
        try:
            limit = limits.mailbox_concurrency
            if mailbox is not None and limit is not None and self.in_flight[mailbox] >= limit:
                raise throttled("ApplicationThrottled",
                                "Application is over its MailboxConcurrency limit.",
                                limits.retry_after_s)
            return await self._admitted(call, endpoint, mailbox, draws, handler)
        finally:
            if mailbox is not None:
                self.arriving[mailbox] -= 1

    async def _admitted(self, call: Call, endpoint: str, mailbox: str | None,
                        draws: list[float],
                        handler: Callable[[], Awaitable[Reply]]) -> Reply:
        limits = self.limits
        if mailbox is not None:
            self.in_flight[mailbox] += 1
            seen = self.stats.max_concurrency
            seen[mailbox] = max(seen.get(mailbox, 0), self.in_flight[mailbox])
        try:
            self._budget(mailbox)
            rate_headers = self._resource_units(call, endpoint)
            if draws[2] < limits.throttle_probability:
                raise throttled("TooManyRequests", "Please retry again later.",
                                limits.retry_after_s)
            if draws[3] < limits.unavailable_probability:
                raise GraphError(503, "serviceNotAvailable",
                                 "The service is temporarily unavailable.",
                                 {"Retry-After": retry_after_value(limits.retry_after_s)})
            delay = limits.latency_ms
            if limits.jitter_ms:
                delay += self.rng.uniform(0, limits.jitter_ms)
            if delay > 0:
                await asyncio.sleep(delay / 1000)
            reply = await handler()
            if rate_headers and reply is not DROP:
                reply.headers.update(rate_headers)
            if draws[1] < limits.slow_probability:
                self.stats.slowed += 1
                await asyncio.sleep(limits.slow_s)
            return reply
        finally:
            if mailbox is not None:
                self.in_flight[mailbox] -= 1
