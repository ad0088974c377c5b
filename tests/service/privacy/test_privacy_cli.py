"""`learning-loop privacy export|erase|log` against the database the running app answered into
and the Graph emulator: the export holds the person's named answers and nothing of anyone
else's, erase removes them (database, then SharePoint through the outbox), the log names no
one, and bad input is a clear message with a non-zero exit code, never a traceback."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from teams_app.cli.main import app
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.campaigns.support import World
from tests.service.campaigns.test_results_export import ANSWERS, items, provisioned
from tests.service.conftest import ServiceFactory
from tests.service.privacy.test_my_data_http import CHECKINS, drain, named_answers


async def privacy(world: World, *args: str, answer: str | None = None) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": world.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": world.emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
    }
    return await asyncio.to_thread(CliRunner().invoke, app, ["privacy", *args], env=env,
                                   input=answer, catch_exceptions=False)


async def upn_of(world: World, person: str) -> str:
    response = await world.emulator.request("GET", f"/users/{person}")
    assert response.status == 200, response.body
    return str(response.body["userPrincipalName"])


async def test_export_writes_their_answers_and_nothing_of_others(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    tmp_path: Path,
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    out = tmp_path / "astrid.zip"
    done = await privacy(world, "export", "--person", await upn_of(world, world.astrid),
                         "--out", str(out))
    assert done.exit_code == 0, done.output
    archive = zipfile.ZipFile(out)
    data = json.loads(archive.read("data.json"))
    assert data["person_id"] == world.astrid
    (answer,) = [h for h in data["holdings"] if h["kind"] == "response"]
    assert answer["answers"]["worked_on"] == ANSWERS["worked_on"]
    rows = list(csv.DictReader(io.StringIO(archive.read("response.csv").decode())))
    assert len(rows) == 1 and ANSWERS["worked_on"] in rows[0]["answers"]
    whole = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert world.bram not in whole and world.owner not in whole


async def test_erase_removes_their_answers_and_the_log_names_no_one(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    kept = await privacy(world, "erase", "--person", world.astrid, answer="n\n")
    assert kept.exit_code == 1 and "Erase them?" in kept.output
    assert len(await items(graph_emulator, CHECKINS)) == 2

    done = await privacy(world, "erase", "--person", world.astrid, answer="y\n")
    assert done.exit_code == 0, done.output
    assert "named responses: 1" in done.output
    await drain(world)
    (left,) = await items(graph_emulator, CHECKINS)
    assert left["PersonId"] == world.bram
    again = await privacy(world, "erase", "--person", world.astrid, "--yes")
    assert again.exit_code == 0 and "Nothing is held about this person" in again.output

    log = await privacy(world, "log")
    assert log.exit_code == 0, log.output
    (line,) = log.output.strip().splitlines()
    assert " admin " in line and "named_responses 1" in line
    assert world.astrid not in log.output


async def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    tmp_path: Path,
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    out = tmp_path / "nobody.zip"
    missing = await privacy(world, "export", "--out", str(out))
    assert missing.exit_code == 2 and "Missing option '--person'" in missing.output
    for command in ("export", "erase"):
        for nobody in ("nobody@example.org", "00000000-0000-0000-0000-00000000dead", " "):
            result = await privacy(world, command, "--person", nobody, "--out", str(out)) \
                if command == "export" else await privacy(world, command, "--person", nobody,
                                                          "--yes")
            assert result.exit_code == 2, result.output
            assert "nobody in the directory" in result.output or "is empty" in result.output
            assert "Traceback" not in result.output and not out.exists()
    assert len(await items(graph_emulator, CHECKINS)) == 2
    bad_limit = await privacy(world, "log", "--limit", "0")
    assert bad_limit.exit_code == 2 and "Traceback" not in bad_limit.output
