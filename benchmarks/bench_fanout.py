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

The connector stand-in (benchmarks/sending.py, this process, 127.0.0.1) enforces what Teams
documents for a bot: about `--tenant-rate` messages per second per app and tenant, and
`--conversation-rate` per second per conversation (token buckets, one second of burst); beyond
them it answers 429 with Retry-After 1, as the service does. It records every card it accepted.
The figures come from that record, the store of record for what reached people: the sustained
send rate from the first accepted card to the last, as a share of the tenant limit (goal: at
least 90 %), and every person's count of check-in cards (zero lost, zero duplicate). Bounded:
one run of `--people` cards.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

from benchmarks.processes import emulator_and_database  # noqa: E402
from benchmarks.sending import (  # noqa: E402
    ALL_DAY,
    LANGUAGES,
    TOKEN,
    ZONES,
    LimitedConnector,
    add_sending_options,
    control,
    deliveries,
    save_personal_chats,
    service_settings,
)
from cards import verbs  # noqa: E402
from teams_app.bootstrap import bootstrap  # noqa: E402
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign  # noqa: E402


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
    connector = LimitedConnector(args.tenant_rate, args.conversation_rate, verbs.FORM_SUBMIT)
    runner, service_url = await connector.start()
    runtime = await bootstrap(service_settings(args, graph_url, database_url))
    services = runtime.services
    try:
        await save_personal_chats(services, service_url, people)
        now = services.clock.now()
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
        await connector.wait_for_cards(
            len(people), args.idle_seconds, every=1,
            on_change=lambda cards: print(
                f"  {time.perf_counter() - created_at:6.1f} s  {cards} check-ins sent, "
                f"{connector.refused} answered 429", file=sys.stderr, flush=True))
        stop.set()
        await worker
    finally:
        await runtime.close()
        await runner.cleanup()
    report(args, connector, people, created_at)


def report(args: argparse.Namespace, connector: LimitedConnector, people: list[str],
           created_at: float) -> None:
    sent = connector.cards_sent()
    delivered = deliveries(sent, people)
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
          f"| {rate / args.tenant_rate:.0%} | {connector.refused} | {delivered.missing} "
          f"| {delivered.duplicates} |")
    if delivered.missing or delivered.duplicates:
        raise SystemExit("fan-out check failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sending_options(parser, people=10_000)
    args = parser.parse_args()
    configure_logging(json=True, level=logging.CRITICAL)  # the run prints its own lines
    logging.getLogger("microsoft_agents").setLevel(logging.ERROR)
    with emulator_and_database(TOKEN, args.database) as (_emulator, graph_url, url):
        asyncio.run(run(args, graph_url, url))


if __name__ == "__main__":
    main()
