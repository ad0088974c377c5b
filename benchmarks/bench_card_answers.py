"""Card answers under load: N people pressing Keep on their own collision card (or, with
`--card checkin`, submitting their learning check-in), against `learning-loop serve` running as
its own process(es).

    .venv/bin/python benchmarks/bench_card_answers.py [--database sqlite|postgres|both]
        [--card keep|checkin] [--people 200] [--interval 2.0] [--seconds 30] [--in-flight 200]
        [--closed-requests 2000] [--processes 1] [--workers 0]

`--card checkin`: a named learning check-in campaign for everyone, sent by its own fan-out and
prompt jobs; each submit is the form.submit data of the card the person received plus their
answers; an answer counts when the card turns into the summary (Edit, no Submit), and a lost
write is a person shown the summary whose response is not stored with those answers. The rest
of this text describes the Keep run.

The state is a real one, made with the product's own use cases and jobs before the measured
service starts (seeding time is printed, not measured): a Graph emulator (its own process) with
an owner and `--people` members in five time zones; every member installs the app (an
installationUpdate through /api/messages, so a personal chat is stored); a weekly plan of
individual slots is created and booked by the job workers; the defend scan reads every mailbox,
a busy meeting is added over each member's next session, the scan runs again and records the
collision, and the job workers send each member a collision card. Each Keep pressed below is the
`slot.keep` Action.Execute data of the card this script's connector actually received.

Then `learning-loop serve` (anonymous local mode, `--processes P`, and by default no job workers:
Keep queues no job, and the periodic defend scan would start at boot and read every mailbox
during the measurement; `--workers` switches them on) answers `adaptiveCard/action` invokes on
127.0.0.1:

- open loop: each person presses at Poisson times, mean `--interval` seconds apart, for
  `--seconds`; requests are sent at their scheduled time however slow the answers are, and
  latency runs from the scheduled time, so queueing shows;
- closed loop: `--in-flight` requests back to back until `--closed-requests` are answered.

Every person presses once before the runs (the first turns pay for imports, connections and the
first sight of each conversation), then the answers are undone in the database (the seeded rows
of `slot_occurrences` and `slot_collisions` restored), and again between the runs, so each run's
lost-write count is its own. An answer counts when it is HTTP 200 with an invoke body of
statusCode 200 and an Adaptive Card that is the "Kept" decision card (not the out-of-date or
problem card, not the collision card again). A lost write is a person who got that answer but
whose occurrence is not stored as KEPT with its collisions answered, read from the database after
the run; the check is first run on the seeded state, where it must count everyone. Peak RSS is
VmHWM of every process in the service's tree, reset before each run (`/proc/<pid>/clear_refs`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

from benchmarks.processes import (  # noqa: E402
    peak_rss,
    process_tree,
    reset_peaks,
    start_emulator,
)
from teams_app.adapters.sql.campaign_tables import (  # noqa: E402
    campaign_prompts,
    campaign_responses,
)
from teams_app.adapters.sql.engine import create_engine  # noqa: E402
from teams_app.adapters.sql.occurrence_tables import (  # noqa: E402
    slot_collisions,
    slot_occurrences,
)
from teams_app.bootstrap import Runtime, bootstrap  # noqa: E402
from teams_app.bot.turns import conversation_ref_of  # noqa: E402
from teams_app.domain.bookings import RunState  # noqa: E402
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow  # noqa: E402
from teams_app.domain.calendar import Weekday  # noqa: E402
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing  # noqa: E402
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanSpec  # noqa: E402
from teams_app.domain.occurrence_records import CollisionState, Decision, SlotRef  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.settings import Settings  # noqa: E402
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign  # noqa: E402
from teams_app.use_cases.defend.scan import DefendMailbox, defend_mailbox  # noqa: E402
from teams_app.use_cases.plans.booking import BookPlan, book_plan  # noqa: E402
from teams_app.use_cases.plans.planning import create_plan  # noqa: E402
from tests.builders import an_execute, an_install  # noqa: E402
from tests.card_texts import actions, texts  # noqa: E402
from tests.connector import FakeConnector  # noqa: E402
from tests.pg import PostgresServer, free_port  # noqa: E402

TOKEN = "bench-token"
CARD = "application/vnd.microsoft.card.adaptive"
KEPT = "Kept: "  # the English decision card's title (cards/locales/en.json slot.decision.kept)
LOCALE = "en-US"
ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
HOURS = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
         "startTime": "08:00:00", "endTime": "17:00:00"}
SEED_AT_ONCE = 20  # installs and mailbox scans in flight while seeding



def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- seeding -------------------------------------------------------------------------------


@dataclass
class Scenario:
    """What the load presses and how its results are checked: each person's card data, the
    verb, which answer counts, and the store of record read and reset between runs."""

    name: str
    verb: str
    data: dict[str, dict[str, Any]]  # person -> the data their card's button sends
    is_answer: Callable[[Any], bool]
    lost_writes: Callable[[AsyncEngine, set[str]], Awaitable[int]]
    undo: Callable[[AsyncEngine], Awaitable[None]]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def members(self) -> list[str]:
        return list(self.data)


@dataclass
class Seeded:
    plan_id: str
    revision: int
    keeps: dict[str, dict[str, Any]]  # member -> the slot.keep data of the card they received
    occurrences: list[dict[str, Any]]  # the plan's rows as seeded, to undo answers with
    collisions: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def members(self) -> list[str]:
        return list(self.keeps)


async def control(http: aiohttp.ClientSession, root: str, method: str, path: str,
                  body: Any = None) -> Any:
    async with http.request(method, f"{root}/_emulator{path}", json=body) as response:
        response.raise_for_status()
        return await response.json()


async def bounded(calls: list[Callable[[], Awaitable[Any]]], at_once: int) -> list[Any]:
    gate = asyncio.Semaphore(at_once)

    async def one(call: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await call()

    return await asyncio.gather(*(one(call) for call in calls))


def a_spec(members: list[str]) -> PlanSpec:
    today = datetime.now(UTC).date()
    return PlanSpec(
        members=MemberSource.of_people(*members),  # individual slots, one series each
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow(
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY),
            clock_time(9, 0), clock_time(16, 0),
        ),
        horizon=Horizon(today + timedelta(days=7 - today.weekday()), occurrences=4),
        goal="Finish the data literacy course",
    )


async def run_jobs_until(runtime: Runtime, done: Callable[[], Awaitable[bool]], what: str,
                         within_seconds: float) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(runtime.worker(concurrency=16).run(stop))
    deadline = time.monotonic() + within_seconds
    try:
        while not await done():
            if worker.done() or time.monotonic() > deadline:
                raise SystemExit(f"seeding: {what} did not finish")
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await worker


def keep_cards(connector: FakeConnector) -> dict[str, dict[str, Any]]:
    """The slot.keep data of every collision card the connector received, by member."""
    found: dict[str, dict[str, Any]] = {}
    for conversation, activity in connector.activities:
        for attachment in activity.get("attachments") or []:
            keep = actions(attachment.get("content") or {}).get("slot.keep")
            if keep is not None:
                found[conversation.removeprefix("a:personal-")] = keep["data"]
    return found


def seeding_settings(database_url: str, graph_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, anonymous=True, database_url=database_url, graph_base_url=graph_url,
        graph_auth="static", graph_static_token=TOKEN, graph_max_retries=1, log_json=True,
        job_poll_seconds=0.05, job_backoff_base=0.05, job_backoff_max=0.5,
        # Seeding is not measured: the cards may go out faster than Teams would take them.
        per_tenant_rate=10_000, send_base_delay=0.01, send_max_delay=0.2,
    )


async def seed(database_url: str, graph_url: str, connector: FakeConnector,
               people: int) -> Scenario:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    root = graph_url.removesuffix("/v1.0")
    async with aiohttp.ClientSession() as http:
        await control(http, root, "POST", "/reset", {"seed": "empty"})
        owner = (await control(http, root, "POST", "/users", {
            "displayName": "Learning Lead", "timeZone": ZONES[0], "workingHours": HOURS}))["id"]
        made = await bounded([
            lambda n=n: control(http, root, "POST", "/users", {
                "displayName": f"Member {n}", "mailNickname": f"member{n}",
                "timeZone": ZONES[n % len(ZONES)], "workingHours": HOURS, "managerId": owner})
            for n in range(people)
        ], SEED_AT_ONCE)
    members = [m["id"] for m in made]
    timings["people"] = time.perf_counter() - started

    settings = seeding_settings(database_url, graph_url)
    runtime = await bootstrap(settings)
    services = runtime.services
    assert services.calendar is not None and services.directory is not None
    runner = web.AppRunner(runtime.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        step = time.perf_counter()
        async with aiohttp.ClientSession() as http:

            async def install(member: str) -> None:
                activity = an_install(connector.service_url, user_aad=member, locale=LOCALE,
                                      conversation_id=f"a:personal-{member}")
                async with http.post(f"http://{host}:{port}/api/messages",
                                     json=activity) as response:
                    await response.read()
                    if response.status >= 300:
                        raise SystemExit(f"seeding: install answered {response.status}")

            await bounded([lambda m=m: install(m) for m in members], SEED_AT_ONCE)
        timings["installs"] = time.perf_counter() - step

        step = time.perf_counter()
        receipt = await create_plan(CreatePlan(owner, a_spec(members)), uow=services.uow(),
                                    clock=services.clock, new_id=lambda: str(uuid.uuid4()))
        plan_id, revision = receipt.plan_id, receipt.revision
        await book_plan(BookPlan(plan_id, owner), uow=services.uow, calendar=services.calendar,
                        directory=services.directory, clock=services.clock,
                        rights=services.rights)

        async def booked() -> bool:
            async with services.uow() as tx:
                progress = await tx.plans.progress(plan_id, revision)
            return progress is not None and progress.state is RunState.FINISHED

        await run_jobs_until(runtime, booked, "booking", 60 + people)
        async with services.uow() as tx:
            slots = [await tx.plans.slot(plan_id, m, revision) for m in members]
        unbooked = sum(s is None or not s.event_id for s in slots)
        if unbooked:
            raise SystemExit(f"seeding: {unbooked} of {people} slots were not booked")
        timings["booking"] = time.perf_counter() - step

        step = time.perf_counter()
        lookahead = timedelta(days=settings.defend_lookahead_days)

        async def scan(member: str) -> int:
            defended = await defend_mailbox(DefendMailbox(member, lookahead), uow=services.uow,
                                            calendar=services.calendar, clock=services.clock)
            return defended.carded

        await bounded([lambda m=m: scan(m) for m in members], SEED_AT_ONCE)
        now = services.clock.now()
        async with services.uow() as tx:
            upcoming = {m: [o for o in await tx.occurrences.occurrences(SlotRef(plan_id, m,
                                                                                revision))
                            if o.span.start > now]
                        for m in members}
        async with aiohttp.ClientSession() as http:
            await bounded([
                lambda m=m: control(http, root, "POST", f"/users/{m}/events", {
                    "subject": "Sprint review", "showAs": "busy",
                    "start": upcoming[m][0].span.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "end": (upcoming[m][0].span.start + timedelta(minutes=30))
                    .strftime("%Y-%m-%dT%H:%M:%SZ")})
                for m in members
            ], SEED_AT_ONCE)
        carded = sum(await bounded([lambda m=m: scan(m) for m in members], SEED_AT_ONCE))
        if carded != people:
            raise SystemExit(f"seeding: the scan carded {carded} collisions for {people} people")

        async def all_carded() -> bool:
            return len(keep_cards(connector)) >= people

        await run_jobs_until(runtime, all_carded, "collision cards", 60 + people)
        timings["collisions"] = time.perf_counter() - step
    finally:
        await runner.cleanup()
        await runtime.close()

    keeps = keep_cards(connector)
    if set(keeps) != set(members):
        raise SystemExit("seeding: the collision cards went to other people than the members")
    for member, data in keeps.items():  # the card must be the one for this member's slot
        if data.get("plan_id") != plan_id or data.get("slot_id") != f"{revision}:{member}":
            raise SystemExit(f"seeding: a card for another slot reached {member}")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = [dict(r) for r in (await connection.execute(
                select(slot_occurrences).where(slot_occurrences.c.plan_id == plan_id)
            )).mappings()]
            carded_rows = [dict(r) for r in (await connection.execute(
                select(slot_collisions).where(slot_collisions.c.plan_id == plan_id)
            )).mappings()]
    finally:
        await engine.dispose()
    timings["all"] = time.perf_counter() - started
    seeded = Seeded(plan_id, revision, {m: keeps[m] for m in members}, rows, carded_rows, timings)
    return Scenario("Keep on a collision card", "slot.keep", seeded.keeps, is_kept_card,
                    partial(lost_writes, seeded=seeded), partial(undo_answers, seeded=seeded),
                    timings)


ALL_DAY = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday"], "startTime": "00:00:00", "endTime": "23:59:00"}
CHECK_IN = {"used_time": "partly", "worked_on": "Read two chapters", "obstacles": "meeting",
            "will_apply": "Pair on the next review"}


async def seed_checkins(database_url: str, graph_url: str, connector: FakeConnector,
                        people: int) -> Scenario:
    """A named learning check-in sent to everyone through the campaign's own fan-out and prompt
    jobs; each person's submit is the form.submit data of the card they received, answered."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    root = graph_url.removesuffix("/v1.0")
    async with aiohttp.ClientSession() as http:
        await control(http, root, "POST", "/reset", {"seed": "empty"})
        owner = (await control(http, root, "POST", "/users", {
            "displayName": "Learning Lead", "timeZone": ZONES[0],
            "workingHours": ALL_DAY}))["id"]
        made = await bounded([
            lambda n=n: control(http, root, "POST", "/users", {
                "displayName": f"Member {n}", "mailNickname": f"member{n}",
                "timeZone": ZONES[n % len(ZONES)], "workingHours": ALL_DAY,
                "managerId": owner})
            for n in range(people)
        ], SEED_AT_ONCE)
    members = [m["id"] for m in made]
    timings["people"] = time.perf_counter() - started
    settings = seeding_settings(database_url, graph_url)
    runtime = await bootstrap(settings)
    services = runtime.services
    try:
        step = time.perf_counter()
        now = services.clock.now()
        async with services.uow() as tx:  # everyone's chat, as their first turn stores it
            for member in members:
                ref = conversation_ref_of(Activity.model_validate(an_install(
                    connector.service_url, user_aad=member,
                    conversation_id=f"a:personal-{member}")))
                assert ref is not None
                await tx.conversations.save(ref, at=now)
            await tx.commit()
        created = await create_campaign(
            CreateCampaign(owner, CampaignSpec(
                form_key="learning_checkin", form_version=1,
                audience=Audience.of_people(*members), timing=Timing.once(now),
                closes_at=now + timedelta(days=14))),
            uow=services.uow, forms=services.forms, directory=services.directory,
            rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
        )

        async def all_asked() -> bool:
            return len(submit_cards(connector)) >= people

        await run_jobs_until(runtime, all_asked, "check-in cards", 60 + people)
        timings["campaign and cards"] = time.perf_counter() - step
    finally:
        await runtime.close()
    submits = submit_cards(connector)
    if set(submits) != set(members):
        raise SystemExit("seeding: the check-in cards went to other people than the members")
    timings["all"] = time.perf_counter() - started
    campaign = created.campaign_id
    return Scenario(
        "Submit a learning check-in", "form.submit",
        {m: {**submits[m], **CHECK_IN} for m in members}, is_summary_card,
        partial(lost_check_ins, campaign=campaign), partial(undo_check_ins, campaign=campaign),
        timings,
    )


def submit_cards(connector: FakeConnector) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for conversation, activity in connector.activities:
        for attachment in activity.get("attachments") or []:
            submit = actions(attachment.get("content") or {}).get("form.submit")
            if submit is not None:
                found[conversation.removeprefix("a:personal-")] = submit["data"]
    return found


def is_summary_card(body: Any) -> bool:
    """The card turned into the summary of the answers: Edit, no Submit."""
    if not isinstance(body, dict) or body.get("statusCode") != 200 or body.get("type") != CARD:
        return False
    card = body.get("value")
    return isinstance(card, dict) and set(actions(card)) == {"form.edit"}


async def lost_check_ins(engine: AsyncEngine, answered: set[str], *, campaign: str) -> int:
    """People shown their answers whose response is not stored with those answers."""
    async with engine.connect() as connection:
        stored = {
            r.person_id for r in await connection.execute(
                select(campaign_responses.c.person_id, campaign_responses.c.answers).where(
                    campaign_responses.c.campaign_id == campaign))
            if r.answers.get("worked_on") == CHECK_IN["worked_on"]
        }
    return len(answered - stored)


async def undo_check_ins(engine: AsyncEngine, *, campaign: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(delete(campaign_responses).where(
            campaign_responses.c.campaign_id == campaign))
        await connection.execute(update(campaign_prompts).where(
            campaign_prompts.c.campaign_id == campaign).values(answered=False))


SCENARIOS = {"keep": seed, "checkin": seed_checkins}


# --- the store of record -------------------------------------------------------------------


async def undo_answers(engine: AsyncEngine, *, seeded: Seeded) -> None:
    """Put the plan's occurrences and collisions back as seeded (no decision, carded); the
    service keeps none of them in memory, so the next run starts from the same state."""
    async with engine.begin() as connection:
        for table, rows in ((slot_occurrences, seeded.occurrences),
                            (slot_collisions, seeded.collisions)):
            await connection.execute(delete(table).where(table.c.plan_id == seeded.plan_id))
            await connection.execute(insert(table), rows)


async def lost_writes(engine: AsyncEngine, answered: set[str], *, seeded: Seeded) -> int:
    """People answered "Kept" whose card's occurrence is not stored as kept, or whose collision
    on it is not stored as answered."""
    async with engine.connect() as connection:
        decided = {
            (r.member_id, r.occurrence_key) for r in await connection.execute(
                select(slot_occurrences.c.member_id, slot_occurrences.c.occurrence_key).where(
                    slot_occurrences.c.plan_id == seeded.plan_id,
                    slot_occurrences.c.revision == seeded.revision,
                    slot_occurrences.c.decision == Decision.KEPT.value))
        }
        states: dict[tuple[str, str], set[str]] = {}
        for r in await connection.execute(
            select(slot_collisions.c.member_id, slot_collisions.c.occurrence_key,
                   slot_collisions.c.state).where(
                slot_collisions.c.plan_id == seeded.plan_id,
                slot_collisions.c.revision == seeded.revision)
        ):
            states.setdefault((r.member_id, r.occurrence_key), set()).add(r.state)
    lost = 0
    for member in answered:
        key = (member, seeded.keeps[member]["occurrence_id"])
        if key not in decided or states.get(key) != {CollisionState.ANSWERED.value}:
            lost += 1
    return lost


# --- the service's processes ---------------------------------------------------------------


async def wait_ready(url: str, within_seconds: float = 60.0) -> None:
    deadline = time.monotonic() + within_seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise SystemExit("the service did not become ready")


# --- load ----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # not HTTP 200, or no answer at all
    not_cards: int = 0  # HTTP 200 without the "Kept" decision card
    answered: set[str] = field(default_factory=set)  # people who got the "Kept" card
    # How late the load generator itself sent (it shares the cores): in the latencies, too.
    late: list[float] = field(default_factory=list)


def is_kept_card(body: Any) -> bool:
    if not isinstance(body, dict) or body.get("statusCode") != 200 or body.get("type") != CARD:
        return False
    card = body.get("value")
    # The out-of-date and problem cards say so in their title; a collision card again has
    # buttons. Only the decision card is titled "Kept: ..." and has none.
    return isinstance(card, dict) and not card.get("actions") and texts(card).startswith(KEPT)


async def press(http: aiohttp.ClientSession, url: str, service_url: str, scenario: Scenario,
                member: str, tally: Tally, since: float) -> None:
    tally.late.append(time.perf_counter() - since)
    activity = an_execute(service_url, scenario.verb, scenario.data[member], user_aad=member,
                          locale=LOCALE, conversation_id=f"a:personal-{member}")
    try:
        async with http.post(f"{url}/api/messages", json=activity) as response:
            raw = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError):
        tally.errors += 1
        tally.latencies.append(time.perf_counter() - since)
        return
    tally.latencies.append(time.perf_counter() - since)
    if status != 200:
        tally.errors += 1
        return
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if scenario.is_answer(body):
        tally.answered.add(member)
    else:
        tally.not_cards += 1


def client(limit: int) -> aiohttp.ClientSession:
    # A generous timeout: a slow answer is a latency to report, not an error to hide it behind.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit),
                                 timeout=aiohttp.ClientTimeout(total=120))


async def open_loop(url: str, service_url: str, seeded: Scenario, interval: float,
                    seconds: float) -> tuple[Tally, float]:
    rng = random.Random(11)
    schedule: list[tuple[float, str]] = []
    for member in seeded.members:
        at = rng.expovariate(1 / interval)
        while at < seconds:
            schedule.append((at, member))
            at += rng.expovariate(1 / interval)
    schedule.sort()
    tally = Tally()
    async with client(limit=0) as http:  # no client-side queue: open loop
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter() + 0.2
        for at, member in schedule:
            delay = start + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(press(http, url, service_url, seeded, member,
                                                   tally, start + at)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return tally, elapsed


async def closed_loop(url: str, service_url: str, seeded: Scenario, in_flight: int,
                      requests: int) -> tuple[Tally, float]:
    tally = Tally()
    members = seeded.members
    counter = iter(range(requests))
    async with client(limit=in_flight) as http:

        async def one_client() -> None:
            for n in counter:
                member = members[n % len(members)]
                await press(http, url, service_url, seeded, member, tally,
                            time.perf_counter())

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(in_flight)))
        elapsed = time.perf_counter() - start
    return tally, elapsed


def row(label: str, processes: int, load: str, tally: Tally, elapsed: float, lost: int,
        rss: str) -> str:
    latencies = sorted(tally.latencies)
    if len(latencies) >= 2:
        q = statistics.quantiles(latencies, n=100, method="inclusive")  # never past max
        p50, p99 = q[49], q[98]
    else:
        p50 = p99 = latencies[0] if latencies else float("nan")
    worst = latencies[-1] if latencies else float("nan")
    return (f"| {label} | {processes} | {load} | {len(latencies)} "
            f"| {len(latencies) / elapsed:,.0f} | {p50 * 1000:.1f} | {p99 * 1000:.1f} "
            f"| {worst * 1000:.1f} | {tally.errors} | {tally.not_cards} | {lost} | {rss} |")


async def run_one(database_url: str, label: str, graph_url: str,
                  args: argparse.Namespace) -> list[str]:
    connector = FakeConnector()
    connector_runner = web.AppRunner(connector.app(), access_log=None)
    await connector_runner.setup()
    connector_site = web.TCPSite(connector_runner, "127.0.0.1", 0)
    await connector_site.start()
    host, port = connector_runner.addresses[0][:2]
    connector.url = f"http://{host}:{port}"
    engine = create_engine(database_url)
    process = None
    try:
        seeding = SCENARIOS[args.card]
        seeded = await seeding(database_url, graph_url, connector, args.people)
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in seeded.timings.items()
                          if step != "all")
        note(f"{label}: seeded {args.people} people in {seeded.timings['all']:.1f} s ({steps})")
        everyone = set(seeded.members)
        unpressed = await seeded.lost_writes(engine, everyone)
        note(f"{label}: lost-write check on the seeded state, before any press: "
             f"{unpressed} of {len(everyone)} counted lost")
        if unpressed != len(everyone):
            raise SystemExit("the lost-write check does not find unrecorded answers")

        service_port = free_port()
        env = {**os.environ, "LEARNING_LOOP_ANONYMOUS": "true", "LEARNING_LOOP_HOST": "127.0.0.1",
               "LEARNING_LOOP_PORT": str(service_port), "LEARNING_LOOP_DATABASE_URL": database_url,
               "LEARNING_LOOP_WORKERS": str(args.workers), "LEARNING_LOOP_LOG_JSON": "true",
               "LEARNING_LOOP_GRAPH_BASE_URL": graph_url, "LEARNING_LOOP_GRAPH_AUTH": "static",
               "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN}
        command = [sys.executable, "-m", "teams_app.cli.main", "serve", "--processes",
                   str(args.processes)]
        process = await asyncio.create_subprocess_exec(
            *command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{service_port}"
        await wait_ready(url)

        warm = Tally()
        async with client(limit=16) as http:
            await bounded([
                lambda m=m: press(http, url, connector.service_url, seeded, m, warm,
                                  time.perf_counter())
                for m in seeded.members
            ], 16)
        if warm.errors or warm.not_cards:
            note(f"{label}: warm-up: {warm.errors} errors, {warm.not_cards} answers not a card")

        rows = []
        await seeded.undo(engine)
        reset_peaks(process.pid)
        tally, elapsed = await open_loop(url, connector.service_url, seeded, args.interval,
                                         args.seconds)
        lost = await seeded.lost_writes(engine, tally.answered)
        late = sorted(tally.late) or [0.0]
        note(f"{label}: open loop: the load generator sent {late[len(late) // 2] * 1000:.1f} ms "
             f"(median) / {late[-1] * 1000:.1f} ms (max) after the scheduled times")
        rows.append(row(label, args.processes, f"open, {args.people / args.interval:g}/s",
                        tally, elapsed, lost, peak_rss(process.pid)))

        await seeded.undo(engine)
        reset_peaks(process.pid)
        tally, elapsed = await closed_loop(url, connector.service_url, seeded, args.in_flight,
                                           args.closed_requests)
        lost = await seeded.lost_writes(engine, tally.answered)
        rows.append(row(label, args.processes, f"closed, {args.in_flight} in flight", tally,
                        elapsed, lost, peak_rss(process.pid)))
        return rows
    finally:
        if process is not None:
            await stop_service(process)
        await engine.dispose()
        await connector_runner.cleanup()


async def stop_service(process: asyncio.subprocess.Process) -> None:
    tree = process_tree(process.pid)
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
    # A child the service left behind would hold the port and the database for the next run.
    for child in tree[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)
            note(f"the service left process {child} running; stopped it")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--card", choices=sorted(SCENARIOS), default="keep",
                        help="keep: Keep on a collision card; checkin: submit a check-in")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--interval", type=float, default=2.0,
                        help="mean seconds between one person's presses (open loop)")
    parser.add_argument("--seconds", type=float, default=30.0, help="open-loop duration")
    parser.add_argument("--in-flight", type=int, default=200, help="closed-loop concurrency")
    parser.add_argument("--closed-requests", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=1,
                        help="web processes of `learning-loop serve` (--processes)")
    parser.add_argument("--workers", type=int, default=0,
                        help="the service's job workers (LEARNING_LOOP_WORKERS); with more than "
                        "0 the periodic defend scan starts at boot and runs during the load")
    args = parser.parse_args()
    if args.people < 1 or args.interval <= 0 or args.seconds <= 0 or args.in_flight < 1:
        parser.error("people, interval, seconds and in-flight must be positive")
    configure_logging(json=True, level=logging.CRITICAL)  # the run prints its own lines
    logging.getLogger("microsoft_agents").setLevel(logging.ERROR)  # "no App ID": none is needed
    emulator, graph_url = start_emulator(TOKEN)
    rows: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            if args.database in ("sqlite", "both"):
                rows += await run_one(f"sqlite+aiosqlite:///{folder}/bench.db", "SQLite",
                                      graph_url, args)
            if args.database in ("postgres", "both"):
                server = PostgresServer().start()
                try:
                    rows += await run_one(server.create_database(), "PostgreSQL", graph_url,
                                          args)
                finally:
                    server.stop()
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    what = {"keep": "pressing Keep on their collision card",
            "checkin": "submitting their learning check-in"}[args.card]
    print(f"\n{args.people} people {what}; machine: "
          f"{os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; the load generator shares the machine\n")
    print("| database | processes | load | requests | requests/s | p50 ms | p99 ms | max ms "
          "| errors | not a card | lost writes | peak RSS MB (serve + children) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
