"""Fanning a learning check-in out to 10,000 people through a Bot Connector that enforces Teams'
limits.

    .venv/bin/python benchmarks/bench_fanout.py [--people 10000] [--tenant-rate 30]
        [--conversation-rate 7] [--workers 32] [--database sqlite|postgres]

The product path: a campaign of the built-in learning check-in for a group of `--people`
(Graph emulator, its own process; everyone's working hours span the whole day, so every prompt
is due at once), created with `create_campaign`; the job workers of this process then run the
fan-out (the group read from the directory, every mailbox's zone and working hours, the weekly
cap, one prompt job per person) and the prompt jobs, which send each card through the proactive
messenger. Everyone has a stored personal chat, saved from an installationUpdate as a first turn
would.

The connector stand-in (this process, 127.0.0.1) enforces what Teams documents for a bot: about
`--tenant-rate` messages per second per app and tenant, and `--conversation-rate` per second per
conversation (token buckets, one second of burst); beyond them it answers 429 with Retry-After 1,
as the service does. It records every card it accepted. The figures come from that record,
the store of record for what reached people: the sustained send rate from the first accepted
card to the last, as a share of the tenant limit (goal: at least 90 %), and every person's count
of check-in cards (zero lost, zero duplicate). Bounded: one run of `--people` cards.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

from benchmarks.processes import start_emulator  # noqa: E402
from cards import verbs  # noqa: E402
from teams_app.bootstrap import bootstrap  # noqa: E402
from teams_app.bot.turns import conversation_ref_of  # noqa: E402
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.settings import Settings  # noqa: E402
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign  # noqa: E402
from tests.builders import an_install  # noqa: E402

TOKEN = "bench-token"
ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
ALL_DAY = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday"], "startTime": "00:00:00", "endTime": "23:59:00"}
LANGUAGES = ("sv-SE", "nl-NL", "de-DE", "en-GB")


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
    """Accepts activities within Teams' per-tenant and per-conversation rates, 429 beyond."""

    def __init__(self, tenant_rate: float, conversation_rate: float) -> None:
        self.tenant = Bucket(tenant_rate)
        self.conversation_rate = conversation_rate
        self.conversations: dict[str, Bucket] = {}
        self.accepted: list[tuple[str, float, bool]] = []  # conversation, when, a check-in?
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
            self.accepted.append((conversation, time.monotonic(), is_check_in(body)))
            return web.json_response({"id": uuid.uuid4().hex})

        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation_id}/activities", receive)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to}", receive)
        return app


def is_check_in(activity: dict[str, Any]) -> bool:
    for attachment in activity.get("attachments") or []:
        card = attachment.get("content") or {}
        if any(a.get("verb") == verbs.FORM_SUBMIT for a in card.get("actions") or []):
            return True
    return False


async def control(session: aiohttp.ClientSession, root: str, method: str, path: str,
                  body: Any = None) -> Any:
    async with session.request(method, f"{root}/_emulator{path}", json=body) as response:
        response.raise_for_status()
        return await response.json()


async def seed(root: str, people: int) -> tuple[str, str, list[str]]:
    async with aiohttp.ClientSession() as session:
        await control(session, root, "POST", "/reset", {"seed": "empty"})
        owner = await control(session, root, "POST", "/users", {
            "displayName": "Learning Lead", "timeZone": "Europe/Stockholm",
            "workingHours": ALL_DAY})
        ids: list[str] = []
        for start in range(0, people, 200):
            made = await asyncio.gather(*(
                control(session, root, "POST", "/users", {
                    "displayName": f"Member {n}", "mailNickname": f"member{n}",
                    "timeZone": ZONES[n % len(ZONES)], "workingHours": ALL_DAY,
                    "mailboxLanguage": LANGUAGES[n % len(LANGUAGES)],
                    "managerId": owner["id"]})
                for n in range(start, min(start + 200, people))))
            ids += [p["id"] for p in made]
        group = await control(session, root, "POST", "/groups",
                              {"displayName": "Everyone learning", "memberIds": ids})
    return owner["id"], group["id"], ids


async def run(args: argparse.Namespace, graph_url: str, database_url: str) -> None:
    root = graph_url.removesuffix("/v1.0")
    started = time.perf_counter()
    owner, group, people = await seed(root, args.people)
    print(f"seeded {len(people)} people in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    connector = LimitedConnector(args.tenant_rate, args.conversation_rate)
    runner = web.AppRunner(connector.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    service_url = f"http://{host}:{port}/"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, anonymous=True, database_url=database_url, graph_base_url=graph_url,
        graph_auth="static", graph_static_token=TOKEN, workers=args.workers,
        job_poll_seconds=0.1, log_json=True, per_tenant_rate=args.tenant_rate,
        per_conversation_rate=args.conversation_rate,
    )
    runtime = await bootstrap(settings)
    services = runtime.services
    try:
        # Everyone's personal chat, as their first turn stores it.
        now = services.clock.now()
        for start in range(0, len(people), 500):
            async with services.uow() as tx:
                for person in people[start:start + 500]:
                    ref = conversation_ref_of(Activity.model_validate(an_install(
                        service_url, user_aad=person, conversation_id=f"a:personal-{person}")))
                    assert ref is not None
                    await tx.conversations.save(ref, at=now)
                await tx.commit()
        created_at = time.perf_counter()
        await create_campaign(
            CreateCampaign(owner, CampaignSpec(
                form_key="learning_checkin", form_version=1, audience=Audience.of_group(group),
                timing=Timing.once(now), closes_at=now + timedelta(days=14))),
            uow=services.uow, forms=services.forms, directory=services.directory,
            rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(runtime.worker(concurrency=args.workers).run(stop))
        cards, last_change, last_count = 0, time.monotonic(), -1
        while cards < len(people) and time.monotonic() - last_change < args.idle_seconds:
            await asyncio.sleep(1)
            cards = sum(1 for _, _, check_in in connector.accepted if check_in)
            if cards != last_count:
                last_change, last_count = time.monotonic(), cards
                print(f"  {time.perf_counter() - created_at:6.1f} s  {cards} check-ins sent, "
                      f"{connector.refused} answered 429", file=sys.stderr, flush=True)
        await asyncio.sleep(2)  # a duplicate would come after the last one
        stop.set()
        await worker
    finally:
        await runtime.close()
        await runner.cleanup()
    report(args, connector, people, created_at)


def report(args: argparse.Namespace, connector: LimitedConnector, people: list[str],
           created_at: float) -> None:
    sent = [(conversation, at) for conversation, at, check_in in connector.accepted if check_in]
    per_person = Counter(conversation.removeprefix("a:personal-") for conversation, _ in sent)
    missing = sum(1 for person in people if per_person[person] == 0)
    duplicates = sum(count - 1 for count in per_person.values() if count > 1)
    first, last = min(at for _, at in sent), max(at for _, at in sent)
    window = last - first
    rate = (len(sent) - 1) / window if window > 0 else float("nan")
    print(f"\n{len(people)} people; connector limits {args.tenant_rate:g}/s per tenant, "
          f"{args.conversation_rate:g}/s per conversation; {args.workers} jobs at once; "
          f"{args.database}; machine: {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}\n")
    print("| people | to first card s | sending s | cards/s | share of the tenant limit "
          "| 429 answered | lost | duplicates |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(people)} | {first - created_at:.1f} | {window:.1f} | {rate:.1f} "
          f"| {rate / args.tenant_rate:.0%} | {connector.refused} | {missing} | {duplicates} |")
    if missing or duplicates:
        raise SystemExit("fan-out check failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--tenant-rate", type=float, default=30.0)
    parser.add_argument("--conversation-rate", type=float, default=7.0)
    parser.add_argument("--workers", type=int, default=32, help="jobs at once")
    parser.add_argument("--idle-seconds", type=float, default=60.0,
                        help="stop when no card arrived for this long")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    configure_logging(json=True, level=logging.CRITICAL)  # the run prints its own lines
    logging.getLogger("microsoft_agents").setLevel(logging.ERROR)
    emulator, graph_url = start_emulator(TOKEN)
    server = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            if args.database == "postgres":
                from tests.pg import PostgresServer

                server = PostgresServer().start()
                url = server.create_database()
            else:
                url = f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
            asyncio.run(run(args, graph_url, url))
    finally:
        if server is not None:
            server.stop()
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    main()
