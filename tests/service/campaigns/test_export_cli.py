"""`learning-loop campaign export <id> --out file.csv` against the database the running app
answered into: one row per response, a column per question in the form's order in the owner's
language plus the raw choice ids, UTF-8 with BOM (read back with csv), no person column for an
anonymous campaign, refused below k and for anyone but the owner (nothing written)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from cards import verbs
from teams_app.cli.main import app
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.campaigns.support import World
from tests.service.campaigns.test_answering import ANSWERS
from tests.service.campaigns.test_report_http import Forms, a_campaign_of_four
from tests.service.conftest import ServiceFactory

WORDS = {**ANSWERS, "worked_on": "Läste om för- och nackdelar, Grüße", "will_apply": "=1+1",
         "obstacles": "meeting,other", "obstacles.other": "Övningar på fältet"}


async def export(world: World, emulator: GraphEmulator, *args: str) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": world.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
    }
    return await asyncio.to_thread(CliRunner().invoke, app, ["campaign", "export", *args],
                                   env=env, catch_exceptions=False)


async def answered_by(world: World, forms: Forms, count: int) -> None:
    for person in list(forms)[:count]:
        await world.press(forms[person], verbs.FORM_SUBMIT, as_=person, inputs=WORDS)


def read(path: Path) -> list[dict[str, Any]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


async def test_the_owner_exports_named_answers_in_their_language_with_the_ids(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    tmp_path: Path,
) -> None:
    world, campaign_id, _, forms = await a_campaign_of_four(start_service, graph_emulator,
                                                            connector)
    out = tmp_path / "svar.csv"
    await answered_by(world, forms, 2)
    below = await export(world, graph_emulator, campaign_id, "--by", world.owner,
                         "--out", str(out))
    assert below.exit_code == 2 and "at least 3" in below.output and not out.exists()
    await answered_by(world, forms, 3)
    stranger = await export(world, graph_emulator, campaign_id, "--by", world.astrid,
                            "--out", str(out))
    assert stranger.exit_code == 2 and not out.exists()

    done = await export(world, graph_emulator, campaign_id, "--by", world.owner, "--out",
                        str(out), "--language", "sv")
    assert done.exit_code == 0, done.output
    rows = read(out)
    assert len(rows) == 3
    header = list(rows[0])
    assert header[:5] == ["response", "date", "person_id", "person", "round"]
    questions = ["Använde du din lärtid?", "used_time (ids)", "Vad arbetade du med?",
                 "Vad kom i vägen?", "obstacles (ids)"]
    assert [h for h in header[5:] if h in questions] == questions  # the form's order
    astrid = next(r for r in rows if r["person_id"] == world.astrid)
    assert astrid["person"] == "Astrid Lindqvist" and astrid["round"] == "once"
    assert astrid["Använde du din lärtid?"] == "Delvis" and astrid["used_time (ids)"] == "partly"
    assert astrid["Vad arbetade du med?"] == "Läste om för- och nackdelar, Grüße"
    assert astrid["obstacles (ids)"] == "meeting;other"
    assert astrid["Vad kom i vägen?"].endswith(": Övningar på fältet")
    assert "'=1+1" in astrid.values()  # people's words never become an Excel formula


async def test_an_anonymous_export_has_no_person_column(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    tmp_path: Path,
) -> None:
    world, _, carl, _ = await a_campaign_of_four(start_service, graph_emulator, connector)
    people = (world.astrid, world.bram, carl)
    anonymous = await world.campaign(people=people, k=3, anonymous=True)
    await world.send()
    for person in people:
        card = world.cards_to(person)[-1]
        await world.press(card, verbs.FORM_SUBMIT, as_=person, inputs=WORDS)
    out = tmp_path / "anonymous.csv"
    done = await export(world, graph_emulator, anonymous, "--by", world.owner, "--out", str(out))
    assert done.exit_code == 0, done.output
    rows = read(out)
    assert len(rows) == 3
    assert not {"person_id", "person", "round"} & set(rows[0])
    names = ("Astrid", "Bram", "Carl", world.astrid, world.bram, carl)
    assert not any(name in out.read_text(encoding="utf-8-sig") for name in names)
    assert rows[0]["Did you use your learning time?"] == "Partly"  # English by default
