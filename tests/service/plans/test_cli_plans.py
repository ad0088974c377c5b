"""`learning-loop plan create|list|show|cancel` run through typer against the Graph emulator
and SQLite. The command runs in a thread (it starts its own event loop, as it does in a shell)
while the emulator serves on the test's loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from click.testing import Result
from typer.testing import CliRunner

from graph import demo_org
from teams_app.bootstrap import bootstrap
from teams_app.cli.main import app
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import SlotRef, StoredOccurrence
from teams_app.domain.occurrences import Outcome, occurrence_key
from teams_app.domain.slot_events import slot_transaction_id
from teams_app.settings import Settings
from tests.graph.conftest import TOKEN, GraphEmulator, graph_emulator  # noqa: F401

LEAD = demo_org.LEARNING_LEAD_ID
REPORTS = [p.object_id for p in demo_org.direct_reports(LEAD)]


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """The command configures logging for the process, as a command does; the tests after these
    expect the configuration they found."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def env(tmp_path: Path, graph_emulator: GraphEmulator) -> Iterator[dict[str, str]]:  # noqa: F811
    yield {
        "LEARNING_LOOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "LEARNING_LOOP_GRAPH_BASE_URL": graph_emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_GRAPH_RETRY_BACKOFF_SECONDS": "0.05",
        "LEARNING_LOOP_JOB_BACKOFF_BASE": "0.01",
        "LEARNING_LOOP_JOB_BACKOFF_MAX": "0.05",
        "LEARNING_LOOP_JOB_POLL_SECONDS": "0.05",
        "LEARNING_LOOP_LOG_JSON": "true",
        "COLUMNS": "240",
    }


async def cli(env: dict[str, str], *args: str, answer: str | None = None) -> Result:
    runner = CliRunner()
    return await asyncio.to_thread(
        runner.invoke, app, list(args), input=answer, env=env, catch_exceptions=False
    )


def create_args(*extra: str) -> list[str]:
    return ["plan", "create", "--reports-of", LEAD, "--days", "mon-thu",
            "--window", "09:00-16:00", "--sessions", "4", "--goal", "Event sourcing", *extra]


async def series_of(emulator: GraphEmulator, plan_id: str) -> dict[str, int]:
    events = await emulator.control.objects("events")
    counts: dict[str, int] = {}
    for member in REPORTS:
        wanted = slot_transaction_id(plan_id, member, 1)
        counts[member] = sum(
            e.get("transactionId") == wanted and not e.get("isCancelled")
            for e in events.get(member, [])
        )
    return counts


def plan_id_in(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("Plan "))
    return line.split()[1]


async def test_create_previews_books_with_progress_then_list_show_and_cancel(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")

    created = await cli(env, *create_args(), answer="y\n")

    assert created.exit_code == 0, created.output
    assert "Preview" in created.output and f"{len(REPORTS)} can be booked" in created.output
    assert f"Booked {len(REPORTS)} of {len(REPORTS)}" in created.output
    plan_id = plan_id_in(created.output)
    assert set((await series_of(graph_emulator, plan_id)).values()) == {1}

    listed = await cli(env, "plan", "list")
    assert listed.exit_code == 0 and plan_id in listed.output
    assert f"{len(REPORTS)}/{len(REPORTS)} booked, 0 failed" in listed.output

    shown = await cli(env, "plan", "show", plan_id)
    assert shown.exit_code == 0
    assert all(member in shown.output for member in REPORTS)
    assert shown.output.count(" booked ") >= len(REPORTS)

    refused = await cli(env, "plan", "cancel", plan_id, "--by", REPORTS[0])
    assert refused.exit_code == 2 and "Only the plan's owner" in refused.output
    assert set((await series_of(graph_emulator, plan_id)).values()) == {1}

    cancelled = await cli(env, "plan", "cancel", plan_id, "--by", LEAD)
    assert cancelled.exit_code == 0, cancelled.output
    assert "Every series is removed" in cancelled.output
    assert set((await series_of(graph_emulator, plan_id)).values()) == {0}
    again = await cli(env, "plan", "cancel", plan_id, "--by", LEAD)
    assert again.exit_code == 2 and "cancelled" in again.output


async def test_bad_input_gets_every_reason_and_exit_code_2_without_a_traceback(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")

    result = await cli(env, "plan", "create", "--owner", LEAD, "--member", REPORTS[0],
                       "--window", "16:00-17:00", "--duration", "90", "--sessions", "4",
                       "--material", "http://example.com/chapter")
    assert result.exit_code == 2
    assert "--duration" in result.output and "longer than the window" in result.output
    assert "--material" in result.output and "https://" in result.output
    assert "Traceback" not in result.output

    cases: list[tuple[list[str], str]] = [
        (["plan", "create", "--owner", LEAD, "--sessions", "4"], "exactly one of --member"),
        (["plan", "create", "--owner", LEAD, "--member", REPORTS[0]],
         "give --until DATE or --sessions N"),
        (["plan", "create", "--owner", LEAD, "--member", REPORTS[0], "--sessions", "4",
          "--days", "mon-funday"], "--days"),
        (["plan", "create", "--owner", LEAD, "--member", REPORTS[0], "--sessions", "4",
          "--window", "nine to five"], "09:00-16:00"),
        (["plan", "create", "--owner", LEAD, "--member", REPORTS[0], "--sessions", "4",
          "--cadence", "fortnightly"], "--cadence"),
        (["plan", "create", "--owner", "nobody@contoso-learning.example", "--member",
          REPORTS[0], "--sessions", "4", "--yes"], "nobody in the directory"),
        (["plan", "create", "--reports-of", LEAD, "--owner", REPORTS[0], "--sessions", "4"],
         "belongs to their manager"),
    ]
    for args, expected in cases:
        result = await cli(env, *args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
        assert "Traceback" not in result.output
    listed = await cli(env, "plan", "list")
    assert listed.exit_code == 0 and "personal" not in listed.output  # nothing was created
    unknown = await cli(env, "plan", "show", "no-such-plan")
    assert unknown.exit_code == 2 and "No such plan" in unknown.output


async def test_declining_the_preview_saves_nothing(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")
    result = await cli(env, *create_args(), answer="n\n")
    assert result.exit_code == 1 and "Nothing was saved or booked" in result.output
    events = await graph_emulator.control.objects("events")
    assert not any(e.get("transactionId") for evs in events.values() for e in evs
                   if str(e.get("subject", "")).endswith("Event sourcing"))


async def test_graph_403_for_one_mailbox_is_shown_per_member_and_429_or_403_on_reads_stop(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{REPORTS[1]}/events", "status": 403,
         "code": "ErrorAccessDenied", "count": 5},
    ])
    created = await cli(env, *create_args("--yes"))
    assert created.exit_code == 0, created.output
    assert f"Booked {len(REPORTS) - 1} of {len(REPORTS)}; 1 could not be booked" \
        in created.output
    plan_id = plan_id_in(created.output)
    shown = await cli(env, "plan", "show", plan_id)
    row = next(line for line in shown.output.splitlines() if REPORTS[1] in line)
    assert "failed" in row and "Graph 403" in row
    again = await cli(env, "plan", "book", plan_id, "--by", LEAD)  # a 403 is not repeated
    assert again.exit_code == 0 and "0 members to book" in again.output
    assert f"Booked {len(REPORTS) - 1} of {len(REPORTS)}" in again.output
    assert set((await series_of(graph_emulator, plan_id)).values()) == {0, 1}

    throttled: list[dict[str, Any]] = [
        {"match": "transitiveMembers|directReports", "status": 429, "retry_after": 0.01,
         "count": 10},
    ]
    await graph_emulator.control.set_limits(fail_next=throttled)
    result = await cli(env, *create_args("--yes"))
    assert result.exit_code == 1 and "throttling" in result.output
    assert "Traceback" not in result.output

    await graph_emulator.control.set_limits(fail_next=[
        {"match": "directReports", "status": 403, "code": "Authorization_RequestDenied",
         "count": 10},
    ])
    result = await cli(env, *create_args("--yes"))
    assert result.exit_code == 1 and "grant the application permission" in result.output


async def test_without_graph_settings_the_command_says_what_to_set(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    bare = {k: v for k, v in env.items() if not k.startswith("LEARNING_LOOP_GRAPH")}
    result = await cli(bare, *create_args("--yes"))
    assert result.exit_code == 2 and "Microsoft Graph is not configured" in result.output


async def test_list_shows_a_quarter_hour_to_the_minute(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")
    created = await cli(env, *create_args(), answer="y\n")
    plan_id = plan_id_in(created.output)
    runtime = await bootstrap(Settings(database_url=env["LEARNING_LOOP_DATABASE_URL"],
                                       anonymous=True, host="127.0.0.1"))
    try:
        now = runtime.services.clock.now()
        span = TimeSpan(now - timedelta(days=7), now - timedelta(days=7, minutes=-135))
        async with runtime.services.uow() as tx:
            await tx.occurrences.save_occurrences([StoredOccurrence(
                SlotRef(plan_id, REPORTS[0], 1), occurrence_key(span.start), span, Outcome.KEPT,
            )], at=now)
            await tx.commit()
    finally:
        await runtime.close()

    listed = await cli(env, "plan", "list")
    assert "2.25" in listed.output and "2.2 " not in listed.output, listed.output


async def test_an_individual_contributor_is_refused_for_the_ceo_and_a_colleague(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")
    individual, ceo = demo_org.ERIK_JOHANSSON, demo_org.CHARLOTTE_EVANS
    colleague = demo_org.PIETER_BAKKER  # in the engineering team
    before = await graph_emulator.control.objects("events")

    refused = await cli(env, "plan", "create", "--owner", individual, "--member", ceo,
                        "--member", colleague, "--days", "mon-thu", "--sessions", "4",
                        "--goal", "Event sourcing", "--yes")

    assert refused.exit_code == 2
    assert "Not allowed" in refused.stderr and "Traceback" not in refused.output
    for person in (ceo, colleague):
        assert demo_org.person(person).display_name in refused.stderr
    assert "Plan " not in refused.stdout  # nothing stored
    assert await graph_emulator.control.objects("events") == before
    listed = await cli(env, "plan", "list")
    assert listed.exit_code == 0 and "Event sourcing" not in listed.output


async def test_show_names_who_cards_cannot_reach_and_what_the_admin_can_do(
    env: dict[str, str], graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    await graph_emulator.control.reset("demo")
    # An app permission policy blocks the app for the team.
    await graph_emulator.control.set_limits(fail_next=[
        {"match": r"POST /users/[^/]+/teamwork/installedApps$", "status": 403,
         "code": "Forbidden", "count": 50}])
    env = {**env, "LEARNING_LOOP_GRAPH_TEAMS_APP_ID": "5f0c9a7e-3b1d-4e2a-8c6f-9d8e7b6a5c41"}
    created = await cli(env, *create_args(), answer="y\n")
    assert created.exit_code == 0, created.output
    plan_id = plan_id_in(created.output)
    # The booked cards go out from the service's workers: run what is queued, here.
    runtime = await bootstrap(Settings(
        anonymous=True, database_url=env["LEARNING_LOOP_DATABASE_URL"],
        graph_base_url=graph_emulator.base_url,
        graph_auth="static", graph_static_token=TOKEN, graph_max_retries=1,
        graph_teams_app_id=env["LEARNING_LOOP_GRAPH_TEAMS_APP_ID"],
        teams_service_url="http://127.0.0.1:9/"))  # nothing may leave this machine
    try:
        worker = runtime.worker(concurrency=4)
        while await worker.run_once():
            pass
    finally:
        await runtime.close()

    shown = await cli(env, "plan", "show", plan_id)
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert f"{len(REPORTS)} cannot be reached in Teams" in text
    assert "installing the app for them was refused (Graph 403)" in text
    assert "allow the app for them in the Teams admin center" in text
    assert all(member in shown.output for member in REPORTS)
    listed = await cli(env, "plan", "list")
    (row,) = [line for line in listed.output.splitlines() if plan_id[:8] in line]
    assert row.rstrip(" │|").rstrip().endswith(str(len(REPORTS))), listed.output
