"""`learning-loop reflect start|list|show` through typer against the Graph emulator (the demo
organisation) and SQLite; refusals are a message and exit code 2, never a traceback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from graph import demo_org
from teams_app.cli.main import app
from tests.graph.conftest import TOKEN, GraphEmulator

LEAD = demo_org.LEARNING_LEAD_ID
REPORTS = [p.object_id for p in demo_org.direct_reports(LEAD)]


@pytest.fixture
def env(tmp_path: Path, graph_emulator: GraphEmulator) -> dict[str, str]:
    return {
        "LEARNING_LOOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "LEARNING_LOOP_GRAPH_BASE_URL": graph_emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
        "COLUMNS": "240",
    }


async def cli(env: dict[str, str], *args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env,
                                   catch_exceptions=False)


async def test_start_list_show_and_the_refusals(env: dict[str, str],
                                                graph_emulator: GraphEmulator) -> None:
    await graph_emulator.control.reset("demo")
    people = [arg for report in REPORTS[:3] for arg in ("--person", report)]
    started = await cli(env, "reflect", "start", "--by", LEAD, *people, "--window-hours", "48",
                        "--k", "3")
    assert started.exit_code == 0, started.output
    assert "started for 3 people" in started.output
    round_id = started.output.split("Round ")[1].split()[0]

    listed = await cli(env, "reflect", "list")
    assert listed.exit_code == 0 and round_id in listed.output and "cli" in listed.output

    shown = await cli(env, "reflect", "show", round_id)
    assert shown.exit_code == 0, shown.output
    assert "Asked 3" in shown.output and "Fewer than 3 reflections: counts only." in shown.output

    unknown_chat = await cli(env, "reflect", "start", "--by", LEAD, "--chat", "19:nope")
    assert unknown_chat.exit_code == 2 and "not in that chat" in unknown_chat.output
    both = await cli(env, "reflect", "start", "--by", LEAD)
    assert both.exit_code == 2 and "either --chat or --person" in both.output
    bad_k = await cli(env, "reflect", "start", "--by", LEAD, *people, "--k", "2")
    assert bad_k.exit_code == 2 and "--k 3 to 25" in bad_k.output
    missing = await cli(env, "reflect", "show", "no-such-round")
    assert missing.exit_code == 2 and "No such round" in missing.output
    for result in (unknown_chat, both, bad_k, missing):
        assert "Traceback" not in result.output
