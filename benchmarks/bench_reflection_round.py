"""A reflection round for a 300-person meeting, through a Bot Connector that enforces Teams'
limits, and the summary's time for 300 answers.

    .venv/bin/python benchmarks/bench_reflection_round.py [--people 300] [--tenant-rate 30]
        [--conversation-rate 7] [--workers 32] [--database sqlite|postgres]

The product path from the meeting's end: `start_round_in_chat` (what the meeting end event's
handler calls, `bot/reflections/handlers.py::on_meeting_end`) reads the meeting chat's members
from the connector, stores the round and its participants and queues the fan-out; the job
workers of this process then run it (each card now, then everyone's working hours from the
Graph emulator for the reminders) and the card jobs, which send each reflection card through
the proactive messenger. Everyone has a stored personal chat, as a first turn would save it.

The connector stand-in (benchmarks/sending.py, listing the meeting chat's members) accepts
about `--tenant-rate` messages per second per tenant and `--conversation-rate` per conversation,
429 with Retry-After beyond. From its record: the time from the end event to the
last card, against the least Teams' tenant limit allows (people / tenant rate), the send rate
as a share of that limit, and every person's count of cards (zero lost, zero duplicate).

Then every participant answers (a third each named, anonymous and private, each with an action
and two hindrances) through `submit_reflection`, and the summary is timed: reading and
summarising the round (`round_report`) and building its card in English, `--repeat` times.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from microsoft_agents.activity import Activity

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

import aiohttp  # noqa: E402

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
from teams_app.bot.reflections.presenters import ReflectionCards  # noqa: E402
from teams_app.bot.turns import conversation_ref_of  # noqa: E402
from teams_app.domain.reflections.rounds import Source, meeting_key  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.use_cases.reflections.answering import (  # noqa: E402
    SubmitReflection,
    submit_reflection,
)
from teams_app.use_cases.reflections.starting import StartInChat, start_round_in_chat  # noqa: E402
from teams_app.use_cases.reflections.summaries import round_report  # noqa: E402
from tests.builders import an_activity  # noqa: E402

CHAT = "19:meeting_all-hands@thread.v2"
SHARING = ("named", "anonymous", "private")


async def seed(root: str, people: int) -> tuple[str, list[str]]:
    async with aiohttp.ClientSession() as session:
        await control(session, root, "POST", "/reset", {"seed": "empty"})
        organiser = await control(session, root, "POST", "/users", {
            "displayName": "Organiser", "timeZone": "Europe/Stockholm", "workingHours": ALL_DAY})
        ids: list[str] = [organiser["id"]]
        for start in range(1, people, 100):
            made = await asyncio.gather(*(
                control(session, root, "POST", "/users", {
                    "displayName": f"Participant {n}", "mailNickname": f"participant{n}",
                    "timeZone": ZONES[n % len(ZONES)], "workingHours": ALL_DAY,
                    "mailboxLanguage": LANGUAGES[n % len(LANGUAGES)]})
                for n in range(start, min(start + 100, people))))
            ids += [p["id"] for p in made]
    return organiser["id"], ids


async def run(args: argparse.Namespace, graph_url: str, database_url: str) -> None:
    root = graph_url.removesuffix("/v1.0")
    organiser, people = await seed(root, args.people)
    members = [{"id": f"29:{p}", "name": f"Participant {n}", "objectId": p, "userRole": "user"}
               for n, p in enumerate(people)]
    connector = LimitedConnector(args.tenant_rate, args.conversation_rate,
                                 verbs.REFLECTION_SUBMIT, members)
    runner, service_url = await connector.start()
    runtime = await bootstrap(service_settings(args, graph_url, database_url))
    services = runtime.services
    try:
        now = services.clock.now()
        async with services.uow() as tx:
            ref = conversation_ref_of(Activity.model_validate(an_activity(
                service_url, conversation_id=CHAT, conversation_type="groupChat",
                user_aad=organiser)))
            assert ref is not None
            await tx.conversations.save(ref, at=now)
            await tx.commit()
        await save_personal_chats(services, service_url, people)
        ended = time.perf_counter()
        started = await start_round_in_chat(
            StartInChat(CHAT, Source.MEETING, organiser,
                        source_key=meeting_key("all-hands", now.date())),
            uow=services.uow, messenger=services.messenger, forms=services.forms,
            clock=services.clock, new_id=lambda: str(uuid.uuid4()),
        )
        stored = time.perf_counter()
        stop = asyncio.Event()
        worker = asyncio.create_task(runtime.worker(concurrency=args.workers).run(stop))
        await connector.wait_for_cards(len(people), args.idle_seconds, every=0.5)
        stop.set()
        await worker
        timings = await answer_and_summarise(args, runtime, started.round.id, people)
    finally:
        await runtime.close()
        await runner.cleanup()
    report(args, connector, people, ended, stored, timings)


async def answer_and_summarise(args: argparse.Namespace, runtime: Any, round_id: str,
                               people: list[str]) -> list[float]:
    services = runtime.services
    form = await services.forms.get("reflection")
    for n, person in enumerate(people):
        await submit_reflection(
            SubmitReflection(round_id, person, form.key, form.version, {
                "takeaway": f"Take-away number {n}: what stayed with me from the meeting",
                "hindrances": "no_time,interruptions" if n % 2 else "pace,format",
                "action": f"Action {n}", "action_by": "2026-12-31",
                "sharing": SHARING[n % 3]}),
            uow=services.uow, forms=services.forms, clock=services.clock,
            new_key=lambda: str(uuid.uuid4()),
        )
    cards = ReflectionCards(services.renderer)
    timings: list[float] = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        report_ = await round_report(round_id, uow=services.uow, forms=services.forms)
        cards.summary(report_.form, report_.round, report_.summary, report_.counts,
                      names={}, locale="en-GB", redirected=False)
        timings.append((time.perf_counter() - began) * 1000)
    assert report_.summary.reflected == len(people)
    return timings


def report(args: argparse.Namespace, connector: LimitedConnector, people: list[str],
           ended: float, stored: float, timings: list[float]) -> None:
    sent = connector.cards_sent()
    delivered = deliveries(sent, people)
    last = max(at for _, at in sent) - ended
    first = min(at for _, at in sent)
    window = max(at for _, at in sent) - first
    rate = (len(sent) - 1) / window if window > 0 else float("nan")
    least = len(people) / args.tenant_rate  # what Teams' tenant limit allows at best
    print(f"\n{len(people)} people in the meeting; connector limits {args.tenant_rate:g}/s per "
          f"tenant, {args.conversation_rate:g}/s per conversation; {args.workers} jobs at once; "
          f"{args.database}; machine: {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}\n")
    print("| people | round stored s | end to last card s | least Teams allows s "
          "| share of the limit | cards/s | 429 answered | lost | duplicates |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(people)} | {stored - ended:.2f} | {last:.1f} | {least:.1f} "
          f"| {least / last:.0%} | {rate:.1f} | {connector.refused} | {delivered.missing} "
          f"| {delivered.duplicates} |")
    print(f"\nThe summary of {len(people)} reflections (read, summarise, build the card), "
          f"{len(timings)} runs: median {statistics.median(timings):.1f} ms, "
          f"max {max(timings):.1f} ms")
    if delivered.missing or delivered.duplicates:
        raise SystemExit("reflection round check failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sending_options(parser, people=300)
    parser.add_argument("--repeat", type=int, default=20, help="summary runs to time")
    args = parser.parse_args()
    configure_logging(json=True, level=logging.CRITICAL)  # the run prints its own lines
    logging.getLogger("microsoft_agents").setLevel(logging.ERROR)
    with emulator_and_database(TOKEN, args.database) as (_emulator, graph_url, url):
        asyncio.run(run(args, graph_url, url))

if __name__ == "__main__":
    main()
