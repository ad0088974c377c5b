"""The anonymity test (DESIGN.md section 8): two people answer an anonymous campaign; from
everything stored (every table, every job payload) and from the log, try to tell whose answer
is whose, and show it cannot be done."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from cards import verbs
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import a_world
from tests.service.conftest import ServiceFactory
from tests.service.support import every_row, json_log

ASTRID_SAYS = {"used_time": "yes", "worked_on": "Kubernetes networking deep dive",
               "will_apply": "Write the runbook"}
BRAM_SAYS = {"used_time": "no", "worked_on": "Nothing, the release ate my week",
             "obstacles": "urgent_work", "will_apply": "Block the time again"}


async def test_anonymous_answers_cannot_be_joined_to_who_was_asked(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector,
    capfd: pytest.CaptureFixture[str],
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    campaign_id = await world.campaign(anonymous=True)
    await world.send()
    astrid_card, = world.cards_to(world.astrid)
    bram_card, = world.cards_to(world.bram)
    with json_log(capfd) as log:
        await world.press(astrid_card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=ASTRID_SAYS)
        await world.service.runtime.advance_clock(timedelta(minutes=7))
        await world.press(bram_card, verbs.FORM_SUBMIT, as_=world.bram, inputs=BRAM_SAYS,
                          locale="nl-NL")

    tables = await every_row(world.service)
    responses = tables["campaign_responses"]
    prompts = tables["campaign_prompts"]
    assert len(responses) == 2 and len(prompts) == 2
    people = {world.astrid, world.bram}

    # 1. No response row holds a person, and nothing in it equals anything only one person has.
    for response in responses:
        assert response["person_id"] is None
        flat = json.dumps(response, default=str)
        assert not any(person in flat for person in people)

    # 2. The columns the two tables share say the same for both prompts: any join on them
    #    pairs each response with both people, never with one.
    shared = (set(responses[0]) & set(prompts[0])) - {"person_id"}
    assert shared == {"campaign_id", "round"}
    for response in responses:
        matches = [p for p in prompts if all(p[c] == response[c] for c in shared)]
        assert {p["person_id"] for p in matches} == people

    # 3. No time to match by: a response keeps only its day; a prompt keeps when it was sent
    #    (the same for both here) but not when, or in which order, it was answered.
    for response in responses:
        assert str(response["submitted_at"]).endswith(" 00:00:00.000000")
        assert response["updated_at"] is None
    assert not {"answered_at", "updated_at"} & set(prompts[0])
    # ... and no order of arrival: the table has no rowid, rows come in random-key order.
    async with world.service.runtime.engine.connect() as connection:
        with pytest.raises(Exception, match="rowid"):
            await connection.execute(text("SELECT rowid FROM campaign_responses"))

    # 4. No job carries a response, its key or its words (the outbox seam is a flag).
    keys = {r["response_key"] for r in responses}
    for job in tables["jobs"]:
        payload = json.dumps(job["payload"])
        assert not any(key in payload for key in keys)
        assert "Kubernetes" not in payload and "release" not in payload
    assert all(r["exported"] in (0, False) for r in responses)

    # 5. The answer turns' log lines name the campaign, never the person or what they said.
    output = log.output
    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    answered = [e for e in events if e["event"] == "campaign_answered"]
    assert len(answered) == 2 and all(e["campaign_id"] == campaign_id for e in answered)
    for fragment in (world.astrid, world.bram, "Kubernetes", "runbook", "release"):
        assert fragment not in output

    # 6. And yet both answers are there, whole.
    stored = [json.loads(r["answers"]) for r in responses]
    assert sorted(a["used_time"] for a in stored) == ["no", "yes"]
