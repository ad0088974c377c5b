"""`learning-loop campaign create|list|show|close|remind` through typer against the Graph
emulator (the demo organisation) and SQLite; refusals are a message and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import demo_org
from tests.graph.conftest import GraphEmulator
from tests.service.support import cli, cli_env

LEAD = demo_org.LEARNING_LEAD_ID
REPORTS = [p.object_id for p in demo_org.direct_reports(LEAD)]


@pytest.fixture
def env(tmp_path: Path, graph_emulator: GraphEmulator) -> dict[str, str]:
    return cli_env(tmp_path, graph_emulator)


async def test_create_list_show_remind_close(env: dict[str, str],
                                             graph_emulator: GraphEmulator) -> None:
    await graph_emulator.control.reset("demo")
    people = [arg for report in REPORTS[:2] for arg in ("--person", report)]
    created = await cli(env, "campaign", "create", "--owner", LEAD, "--form",
                        "session_feedback", *people, "--anonymous", "--k", "3")
    assert created.exit_code == 0, created.output
    assert "created for 2 people" in created.output
    campaign_id = created.output.split("Campaign ")[1].split()[0]

    listed = await cli(env, "campaign", "list", "--owner", LEAD)
    assert listed.exit_code == 0 and campaign_id in listed.output
    assert "session_feedback v1" in listed.output

    shown = await cli(env, "campaign", "show", campaign_id, "--by", LEAD)
    assert shown.exit_code == 0, shown.output
    assert "answered 0" in shown.output and "Fewer than 3 answers" in shown.output

    reminded = await cli(env, "campaign", "remind")
    assert reminded.exit_code == 0 and "0 reminders queued" in reminded.output

    stranger = await cli(env, "campaign", "show", campaign_id, "--by", REPORTS[0])
    assert stranger.exit_code == 2 and "No such campaign of this owner" in stranger.output

    closed = await cli(env, "campaign", "close", campaign_id, "--by", LEAD)
    assert closed.exit_code == 0 and "is closed" in closed.output
    listed = await cli(env, "campaign", "list", "--owner", LEAD)
    assert "closed" in listed.output


@pytest.mark.parametrize(("args", "message"), [
    (["--k", "2"], "--k must be 3 to 25"),
    (["--form", "no_such_form"], "No such form"),
    (["--remind-hours", "1", "--remind-hours", "2", "--remind-hours", "3"], "At most 2"),
    (["--at", "tomorrow"], "--at: an ISO 8601 time"),
])
async def test_refusals_are_a_message_and_exit_code_2(
    env: dict[str, str], graph_emulator: GraphEmulator, args: list[str], message: str
) -> None:
    await graph_emulator.control.reset("demo")
    form = [] if "--form" in args else ["--form", "learning_checkin"]
    done = await cli(env, "campaign", "create", "--owner", LEAD, "--person", REPORTS[0],
                     *form, *args)
    assert done.exit_code == 2
    assert message in done.output


async def test_a_manager_may_not_ask_someone_outside_their_people(
    env: dict[str, str], graph_emulator: GraphEmulator
) -> None:
    await graph_emulator.control.reset("demo")
    report = REPORTS[0]
    done = await cli(env, "campaign", "create", "--owner", report, "--form",
                     "learning_checkin", "--person", LEAD)
    assert done.exit_code == 2
    assert "may not ask" in done.output
