"""The anonymity test for reflections (DESIGN.md section 8): two people reflect anonymously;
from everything stored (every table, every job payload) and from the log, try to tell whose
reflection is whose, and show it cannot be done."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from cards import verbs
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.reflections.support import a_world, answers, run_jobs
from tests.service.support import every_row, json_log

ASTRID_SAYS = answers("anonymous", "Kubernetes networking finally clicked",
                      action="Write the runbook", hindrances="no_time")
BRAM_SAYS = answers("anonymous", "The release ate my attention", action="Block the time again",
                    hindrances="interruptions")


async def test_anonymous_reflections_cannot_be_joined_to_who_was_asked(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    capfd: pytest.CaptureFixture[str],
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    astrid_card, = world.cards_to(world.astrid)
    bram_card, = world.cards_to(world.bram)
    with json_log(capfd) as log:
        await world.press(astrid_card, verbs.REFLECTION_SUBMIT, as_=world.astrid,
                          inputs=ASTRID_SAYS)
        await world.service.runtime.advance_clock(timedelta(minutes=7))
        await world.press(bram_card, verbs.REFLECTION_SUBMIT, as_=world.bram, inputs=BRAM_SAYS,
                          locale="nl-NL")

    tables = await every_row(world.service)
    kept = tables["reflections"]
    asked = tables["reflection_participants"]
    assert len(kept) == 2 and len(asked) == 5
    people = {p["person_id"] for p in asked}

    # 1. No reflection row holds a person, nor anything only one person has.
    for reflection in kept:
        assert reflection["person_id"] is None
        flat = json.dumps(reflection, default=str)
        assert not any(person in flat for person in people)

    # 2. The columns the two tables share say the same for every participant: a join pairs
    #    each reflection with everyone asked, never with one.
    shared = (set(kept[0]) & set(asked[0])) - {"person_id"}
    assert shared == {"round_id"}
    for reflection in kept:
        matches = [p for p in asked if all(p[c] == reflection[c] for c in shared)]
        assert {p["person_id"] for p in matches} == people

    # 3. No time to match by: a reflection keeps only its day; a participant records that it
    #    answered, never when.
    for reflection in kept:
        assert str(reflection["submitted_at"]).endswith(" 00:00:00.000000")
    assert not {"answered_at", "updated_at"} & set(asked[0])
    async with world.service.runtime.engine.connect() as connection:
        with pytest.raises(Exception, match="rowid"):
            await connection.execute(text("SELECT rowid FROM reflections"))

    # 4. No follow-up, no job and no outbox row carries an anonymous reflection or its words.
    assert tables["reflection_follow_ups"] == []
    keys = {r["reflection_key"] for r in kept}
    for row in [*tables["jobs"], *tables["sharepoint_outbox"]]:
        flat = json.dumps(row, default=str)
        assert not any(key in flat for key in keys)
        assert "Kubernetes" not in flat and "runbook" not in flat

    # 5. The answer turns' log lines name the round, never the person or what they said.
    output = log.output
    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    answered = [e for e in events if e["event"] == "reflection_answered"]
    assert len(answered) == 2 and set(answered[0]) >= {"round_id"}
    for fragment in (world.astrid, world.bram, "Kubernetes", "runbook", "anonymous"):
        assert fragment not in output

    # 6. And yet both reflections are there, whole.
    stored = sorted(json.loads(r["answers"])["takeaway"] for r in kept)
    assert stored == ["Kubernetes networking finally clicked", "The release ate my attention"]
