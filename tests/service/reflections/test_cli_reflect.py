"""`learning-loop reflect start|list|show` through typer against the Graph emulator (the demo
organisation) and SQLite; refusals are a message and exit code 2, never a traceback."""

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
