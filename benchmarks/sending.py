"""What the benchmarks that send a card to many people share (bench_fanout.py,
bench_reflection_round.py): the people they seed into the Graph emulator, a Bot Connector
stand-in that enforces Teams' limits and records what it accepted, the service's settings,
everyone's personal chat as a first turn stores it, and the count of cards each person got.

The connector (this process, 127.0.0.1) enforces what Teams documents for a bot: about
`tenant_rate` messages per second per app and tenant, and `conversation_rate` per second per
conversation (token buckets, one second of burst); beyond them it answers 429 with
Retry-After 1, as the service does."""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity

from teams_app.bot.turns import conversation_ref_of
from teams_app.settings import Settings
from tests.builders import an_install

TOKEN = "bench-token"
ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
ALL_DAY = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday"], "startTime": "00:00:00", "endTime": "23:59:00"}
LANGUAGES = ("sv-SE", "nl-NL", "de-DE", "en-GB")


async def control(session: aiohttp.ClientSession, root: str, method: str, path: str,
                  body: Any = None) -> Any:
    async with session.request(method, f"{root}/_emulator{path}", json=body) as response:
        response.raise_for_status()
        return await response.json()


class Bucket:
    """A token bucket: `rate` per second, one second of burst."""

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.at = rate, rate, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class LimitedConnector:
    """Accepts activities within Teams' per-tenant and per-conversation rates, 429 beyond, and
    records each accepted one with whether it is a card with an action of `verb`; lists
    `members` as every conversation's members (GET .../members)."""

    def __init__(self, tenant_rate: float, conversation_rate: float, verb: str,
                 members: list[dict[str, Any]] | None = None) -> None:
        self.tenant = Bucket(tenant_rate)
        self.conversation_rate = conversation_rate
        self.verb = verb
        self.members = members or []
        self.conversations: dict[str, Bucket] = {}
        self.accepted: list[tuple[str, float, bool]] = []  # conversation, when, the verb's card?
        self.refused = 0

    def app(self) -> web.Application:
        async def receive(request: web.Request) -> web.Response:
            conversation = request.match_info["conversation_id"]
            body = await request.json()
            bucket = self.conversations.setdefault(conversation,
                                                   Bucket(self.conversation_rate))
            # Teams counts the conversation's own limit first; a refused send spends nothing.
            if not bucket.take() or not self.tenant.take():
                self.refused += 1
                return web.json_response({"error": {"code": "Throttled"}}, status=429,
                                         headers={"Retry-After": "1"})
            self.accepted.append((conversation, time.monotonic(), carries(body, self.verb)))
            return web.json_response({"id": uuid.uuid4().hex})

        async def members(_request: web.Request) -> web.Response:
            return web.json_response(self.members)

        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation_id}/activities", receive)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to}", receive)
        app.router.add_get("/v3/conversations/{conversation_id}/members", members)
        return app

    async def start(self) -> tuple[web.AppRunner, str]:
        """Serves the connector on a free local port: its runner and its service URL."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        return runner, f"http://{host}:{port}/"

    def cards_sent(self) -> list[tuple[str, float]]:
        """Each accepted card with the verb: its conversation and when."""
        return [(conversation, at) for conversation, at, card in self.accepted if card]

    async def wait_for_cards(self, expected: int, idle_seconds: float, *, every: float,
                             on_change: Callable[[int], None] | None = None) -> None:
        """Until `expected` cards arrived, or none for `idle_seconds`; then a little longer,
        as a duplicate would come after the last one."""
        cards, last_change, last_count = 0, time.monotonic(), -1
        while cards < expected and time.monotonic() - last_change < idle_seconds:
            await asyncio.sleep(every)
            cards = len(self.cards_sent())
            if cards != last_count:
                last_change, last_count = time.monotonic(), cards
                if on_change is not None:
                    on_change(cards)
        await asyncio.sleep(2)


def carries(activity: dict[str, Any], verb: str) -> bool:
    """Whether the activity carries a card with an action of `verb`."""
    for attachment in activity.get("attachments") or []:
        card = attachment.get("content") or {}
        if any(a.get("verb") == verb for a in card.get("actions") or []):
            return True
    return False


@dataclass(frozen=True)
class Deliveries:
    missing: int  # people who got no card
    duplicates: int  # cards beyond each person's first


def deliveries(sent: list[tuple[str, float]], people: list[str]) -> Deliveries:
    per_person = Counter(conversation.removeprefix("a:personal-") for conversation, _ in sent)
    return Deliveries(
        missing=sum(1 for person in people if per_person[person] == 0),
        duplicates=sum(count - 1 for count in per_person.values() if count > 1))


def service_settings(args: argparse.Namespace, graph_url: str, database_url: str) -> Settings:
    """The service on the emulator, sending within the connector's limits."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, anonymous=True, database_url=database_url, graph_base_url=graph_url,
        graph_auth="static", graph_static_token=TOKEN, workers=args.workers,
        job_poll_seconds=0.1, log_json=True, per_tenant_rate=args.tenant_rate,
        per_conversation_rate=args.conversation_rate,
    )


async def save_personal_chats(services: Any, service_url: str, people: list[str]) -> None:
    """Everyone's personal chat (`a:personal-<person>`), as their first turn stores it."""
    now = services.clock.now()
    for start in range(0, len(people), 500):
        async with services.uow() as tx:
            for person in people[start:start + 500]:
                ref = conversation_ref_of(Activity.model_validate(an_install(
                    service_url, user_aad=person, conversation_id=f"a:personal-{person}")))
                assert ref is not None
                await tx.conversations.save(ref, at=now)
            await tx.commit()


def add_sending_options(parser: argparse.ArgumentParser, *, people: int) -> None:
    parser.add_argument("--people", type=int, default=people)
    parser.add_argument("--tenant-rate", type=float, default=30.0)
    parser.add_argument("--conversation-rate", type=float, default=7.0)
    parser.add_argument("--workers", type=int, default=32, help="jobs at once")
    parser.add_argument("--idle-seconds", type=float, default=60.0,
                        help="stop when no card arrived for this long")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
