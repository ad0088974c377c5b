"""A person's own data through the real app and the Graph emulator: `my data`, the export's
download link, erasing after a confirmation (the emulated SharePoint list is the store of
record), an outage during the delete, anonymous answers that stay, and retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from cards import verbs
from teams_app.adapters.sql.privacy_tables import privacy_erasures
from teams_app.use_cases.privacy.retention import expire_answers
from teams_app.use_cases.results.outbox import drain_outbox
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import World
from tests.service.campaigns.test_results_export import ANSWERS, answer, export, items, provisioned
from tests.service.conftest import ServiceFactory

CHECKINS = "Learning Loop check-ins"


async def press(world: World, verb: str, *, as_: str, data: dict[str, Any] | None = None,
                locale: str = "en-GB") -> dict[str, Any]:
    status, body = await world.service.post(an_execute(
        world.connector.service_url, verb, {"verb": verb, **(data or {})}, user_aad=as_,
        conversation_id=f"a:personal-{as_}", locale=locale))
    assert status == 200, body
    assert_valid_card(body["value"])
    return body["value"]


def texts(card: dict[str, Any]) -> str:
    """Every text on the card, fact sets too."""
    return json.dumps(card, ensure_ascii=False)


def data_of(card: dict[str, Any], verb: str) -> dict[str, Any]:
    for action in card.get("actions") or []:
        if action.get("verb") == verb:
            return {k: v for k, v in action["data"].items() if k != "verb"}
    raise AssertionError(f"no {verb} on the card")


async def named_answers(world: World) -> World:
    await world.campaign()
    await world.send()
    await answer(world, world.astrid, ANSWERS)
    await answer(world, world.bram, {**ANSWERS, "used_time": "no"})
    assert await export(world) == 2
    return world


async def drain(world: World) -> Any:
    services = world.services
    return await drain_outbox(uow=services.uow, lists=services.lists, clock=services.clock,
                              owner="test")


async def test_my_data_shows_answers_and_where_they_are(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    card = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid)
    shown = (texts(card))
    assert "Your named answers" in shown and "SharePoint list Learning Loop check-ins" in shown
    assert "Forms you were asked" in shown
    swedish = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid, locale="sv-SE")
    assert "Dina svar med namn" in (texts(swedish))


async def test_erase_removes_only_their_items_and_an_old_card_erases_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    shown = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid)
    confirm = await press(world, verbs.PRIVACY_ERASE_ASK, as_=world.astrid,
                          data=data_of(shown, verbs.PRIVACY_ERASE_ASK))
    ids = data_of(confirm, verbs.PRIVACY_ERASE)
    assert ids["person_id"] == world.astrid

    refused = await press(world, verbs.PRIVACY_ERASE, as_=world.bram, data=ids)
    assert "Only they can erase it" in (texts(refused))
    assert len(await items(graph_emulator, CHECKINS)) == 2

    await graph_emulator.control.set_limits(fail_next=[
        {"match": "/items", "status": 503, "retry_after": 0.01, "count": 40}])
    erased = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid, data=ids)
    assert "Your data was erased" in texts(erased)
    assert (await drain(world)).stopped == "unavailable"  # the outage delays the delete
    assert len(await items(graph_emulator, CHECKINS)) == 2
    await graph_emulator.control.set_limits(fail_next=[])
    assert (await drain(world)).stopped is None
    (left,) = await items(graph_emulator, CHECKINS)
    assert left["PersonId"] == world.bram

    again = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid, data=ids)
    assert "Nothing was erased" in (texts(again))
    async with world.services.uow(read_only=True) as tx:
        (entry,) = await tx.erasures.recent(10)
        assert entry.by == "self" and entry.counts["named_responses"] == 1
        assert world.astrid not in json.dumps(
            [entry.person_hash, dict(entry.counts)])
    engine = world.service.runtime.engine
    async with engine.connect() as connection:
        rows = (await connection.execute(privacy_erasures.select())).mappings().all()
    assert all(world.astrid not in str(dict(r)) for r in rows)


async def test_a_changed_answer_makes_the_confirmation_old(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await provisioned(start_service, graph_emulator, connector)
    await world.campaign()
    await world.send()
    confirm = await press(world, verbs.PRIVACY_ERASE_ASK, as_=world.astrid)
    ids = data_of(confirm, verbs.PRIVACY_ERASE)
    await answer(world, world.astrid, ANSWERS)  # data that matters changed since the card
    old = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid, data=ids)
    assert "Nothing was erased" in (texts(old))
    tampered = await press(world, verbs.PRIVACY_ERASE, as_=world.astrid,
                           data={**ids, "extra": "x"})
    assert "Nothing was erased" in (texts(tampered))
    shown = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid)
    assert "Your named answers" in (texts(shown))


async def test_the_export_link_gives_the_zip_to_its_person_only(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await named_answers(await provisioned(start_service, graph_emulator, connector))
    card = await press(world, verbs.PRIVACY_EXPORT, as_=world.astrid)
    (link,) = [a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    path = link.split("/privacy/export/", 1)[1]
    url = f"{world.service.url}/privacy/export/{path}"
    async with world.service.http.get(url) as response:
        assert response.status == 200
        archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    data = json.loads(archive.read("data.json"))
    assert data["person_id"] == world.astrid
    (response_row,) = [h for h in data["holdings"] if h["kind"] == "response"]
    assert response_row["answers"]["worked_on"] == ANSWERS["worked_on"]
    assert "response.csv" in archive.namelist()
    assert world.bram not in json.dumps(data)

    payload, mac = path.split(".")
    for bad in (f"{payload}.{mac[:-2]}AA", f"{payload[:-2]}xx.{mac}", "nonsense"):
        async with world.service.http.get(f"{world.service.url}/privacy/export/{bad}") as r:
            assert r.status == 403
    await world.service.runtime.advance_clock(timedelta(minutes=16))
    async with world.service.http.get(url) as response:
        assert response.status == 403  # expired


async def test_anonymous_answers_stay_and_retention_removes_old_answers(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await provisioned(start_service, graph_emulator, connector)
    await world.campaign(anonymous=True, k=3)
    await world.send()
    await answer(world, world.astrid, ANSWERS)
    await answer(world, world.bram, ANSWERS)
    await world.service.runtime.advance_clock(timedelta(days=2))
    assert await export(world) == 2
    shown = await press(world, verbs.PRIVACY_SHOW, as_=world.astrid)
    assert "Your named answers" not in (texts(shown))
    confirm = await press(world, verbs.PRIVACY_ERASE_ASK, as_=world.astrid)
    await press(world, verbs.PRIVACY_ERASE, as_=world.astrid,
                data=data_of(confirm, verbs.PRIVACY_ERASE))
    await drain(world)
    assert len(await items(graph_emulator, CHECKINS)) == 2  # nothing links them to her

    services = world.services
    young = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert young.counts == {}
    await world.service.runtime.advance_clock(timedelta(days=2 * 366))
    old = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert old.counts == {"anonymous_responses": 2}
    await drain(world)
    assert await items(graph_emulator, CHECKINS) == []
