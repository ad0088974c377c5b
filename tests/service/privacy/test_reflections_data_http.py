"""Reflections and follow-ups as a person's own data, through the real app and the Graph
emulator (its SharePoint lists are the store of record): `my data` lists a person's named
reflection and where it went, the export holds theirs and nothing of others', erase removes
their reflection and follow-up here and from the lists while others' and anonymous ones stay and
the round's counts stay true, and retention removes old reflections, named and anonymous."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest

from cards import verbs
from teams_app.use_cases.privacy.retention import expire_answers
from teams_app.use_cases.results.provisioning import provision_results
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.test_results_export import HOST, items
from tests.service.conftest import ServiceFactory
from tests.service.privacy.test_my_data_http import data_of, drain, press, texts
from tests.service.reflections.support import World, a_world, answers, run_jobs

REFLECTIONS, FOLLOW_UPS = "Learning Loop reflections", "Learning Loop follow-ups"
ASTRID_WORDS = "Pairing helps"


async def advance(world: World, by: timedelta) -> None:
    await world.service.runtime.advance_clock(by)
    await run_jobs(world.service)
    await world.sweep()


@pytest.fixture
async def reflected(start_service: ServiceFactory, graph_emulator: GraphEmulator,
                    connector: FakeConnector) -> World:
    """Astrid named (with an action, followed up and answered), Bram private, Clara anonymous,
    Anna named; everything that leaves for SharePoint written there."""
    world = await a_world(start_service, graph_emulator, connector)
    await graph_emulator.control.add_site("sites/learning", hostname=HOST)
    services = world.services
    await provision_results(f"https://{HOST}/sites/learning",
                            forms=await services.forms.every_version(), uow=services.uow,
                            lists=services.lists, clock=services.clock)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    for person, inputs in (
        (world.astrid, answers("named", ASTRID_WORDS, action="Pair on one review a week")),
        (world.bram, answers("private", "Slides were too dense", action="Reread chapter 2")),
        (world.clara, answers("anonymous", "Nice")),
        (world.anna, answers("named", "Good session")),
    ):
        await world.press(world.cards_to(person)[0], verbs.REFLECTION_SUBMIT, as_=person,
                          inputs=inputs)
    await advance(world, timedelta(days=16))
    (card,) = [c for c in world.cards_to(world.astrid)
               if any(a.get("verb") == verbs.FOLLOW_UP_SUBMIT for a in c.get("actions") or [])]
    await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.astrid,
                      inputs={"applied": "yes", "helped": "My pair"})
    await drain(world)  # the clock stands still here: the drain job of this moment ran already
    assert len(await items(graph_emulator, REFLECTIONS)) == 3  # not Bram's private one
    assert len(await items(graph_emulator, FOLLOW_UPS)) == 1
    return world


async def counts(world: World) -> Any:
    (rnd,) = await world.rounds()
    async with world.services.uow(read_only=True) as tx:
        return await tx.reflections.counts(rnd["id"])


async def test_my_data_and_the_export_hold_their_reflections_and_nothing_of_others(
    reflected: World
) -> None:
    world = reflected
    shown = texts(await press(world, verbs.PRIVACY_SHOW, as_=world.astrid))
    assert "Reflections and follow-ups" in shown
    assert "Your named and private reflections" in shown
    assert f"SharePoint list {REFLECTIONS}" in shown and f"SharePoint list {FOLLOW_UPS}" in shown
    assert "Reflection rounds you were asked in" in shown
    dutch = texts(await press(world, verbs.PRIVACY_SHOW, as_=world.bram, locale="nl-NL"))
    assert "Je reflecties met naam en privé" in dutch
    assert f"SharePoint list {REFLECTIONS}" not in dutch  # private: never left the database

    card = await press(world, verbs.PRIVACY_EXPORT, as_=world.astrid)
    (link,) = [a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    url = f"{world.service.url}/privacy/export/{link.split('/privacy/export/', 1)[1]}"
    async with world.service.http.get(url) as response:
        assert response.status == 200
        archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    data = json.loads(archive.read("data.json"))
    (mine,) = [h for h in data["holdings"] if h["kind"] == "reflection"]
    assert mine["answers"]["takeaway"] == ASTRID_WORDS and mine["sharing"] == "named"
    (follow_up,) = [h for h in data["holdings"] if h["kind"] == "follow_up"]
    assert follow_up["action"] == "Pair on one review a week"
    assert follow_up["applied"] == "yes" and follow_up["answers"]["helped"] == "My pair"
    assert {"reflection.csv", "follow_up.csv", "reflection_round.csv"} <= set(
        archive.namelist())
    whole = json.dumps(data, ensure_ascii=False)
    for others in ("Slides were too dense", "Nice", "Good session", world.bram, world.clara):
        assert others not in whole


async def test_erase_removes_their_reflection_and_follow_up_here_and_in_sharepoint(
    reflected: World
) -> None:
    world = reflected
    before = await counts(world)
    confirm = await press(world, verbs.PRIVACY_ERASE_ASK, as_=world.astrid)
    assert "2 reflections and follow-ups, here and in the SharePoint lists" in texts(confirm)
    erased = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid,
                         data=data_of(confirm, verbs.PRIVACY_ERASE))
    assert "Named reflections" in texts(erased)
    await drain(world)

    assert world.astrid not in json.dumps(
        [await world.reflections(), await world.follow_ups(), await world.participants()],
        default=str)
    left = await world.reflections()
    assert sorted(r["sharing"] for r in left) == ["anonymous", "named", "private"]
    assert [r["person_id"] for r in left if r["sharing"] == "named"] == [world.anna]
    listed = await items(world.emulator, REFLECTIONS)
    assert len(listed) == 2 and ASTRID_WORDS not in json.dumps(listed)
    assert await items(world.emulator, FOLLOW_UPS) == []
    assert await counts(world) == before  # asked and answered stay true
    assert (before.asked, before.answered) == (5, 4)

    again = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid)
    assert "Reflections and follow-ups" not in texts(again)
    async with world.services.uow(read_only=True) as tx:
        (entry,) = await tx.erasures.recent(10)
    assert (entry.counts["named_reflections"], entry.counts["follow_ups"],
            entry.counts["rounds_kept_as_counts"]) == (1, 1, 1)


async def test_a_new_reflection_makes_the_confirmation_old(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    confirm = await press(world, verbs.PRIVACY_ERASE_ASK, as_=world.astrid)
    await world.press(world.cards_to(world.astrid)[0], verbs.REFLECTION_SUBMIT,
                      as_=world.astrid, inputs=answers("private", "Mine alone"))
    old = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid,
                      data=data_of(confirm, verbs.PRIVACY_ERASE))
    assert "Nothing was erased" in texts(old)
    assert [r["person_id"] for r in await world.reflections()] == [world.astrid]


async def test_retention_removes_old_reflections_named_and_anonymous(reflected: World) -> None:
    world = reflected
    services = world.services
    young = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert "named_reflections" not in young.counts
    await world.service.runtime.advance_clock(timedelta(days=2 * 366))
    old = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert (old.counts["named_reflections"], old.counts["anonymous_reflections"],
            old.counts["follow_ups"]) == (3, 1, 2)
    await drain(world)
    assert await world.reflections() == [] and await world.follow_ups() == []
    assert await items(world.emulator, REFLECTIONS) == []
    assert await items(world.emulator, FOLLOW_UPS) == []
