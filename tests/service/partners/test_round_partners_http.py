"""Learning partners of a reflection round through the real app: the summary posted in the
meeting chat carries Pair as learning partners; only the organiser pairs (anyone else gets a
refusal and nothing is stored), the five people make a pair and a trio, each is told their
partner in a card naming the round, and Lena, who has no Learning Loop, is counted on the
round's pairing with the reason. An old summary or pairing card never re-pairs what it did not
show; tampered card data pairs nothing; a round's check-ins stop after the last; erased people
are left out and a round of fewer than two is refused; the CLI pairs a round with the
organiser's groups and refuses bad ones; a partner never sees a private or anonymous
reflection."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from cards import PARTNER_WENT, translator_for, verbs
from teams_app.adapters.sql.partner_tables import partner_checkins, partner_groups
from teams_app.bot.formatting import day_and_month
from teams_app.cli.main import app as cli
from teams_app.domain.partners import ROUND_CHECK_INS, Pairing
from teams_app.use_cases.partners.check_ins import CHECK_INS_DUE
from teams_app.use_cases.privacy.erasing import ErasePerson, erase_person
from tests.builders import an_activity, an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.reflections.support import CHAT, World, a_world, answers, run_jobs, texts
from tests.service.support import action_data

EN = translator_for("en")
DONE, REFUSED = EN("partners.pairing.done_round"), EN("partners.unknown_round")


async def a_closed_round(start_service: ServiceFactory, emulator: GraphEmulator,
                         connector: FakeConnector) -> tuple[World, dict[str, Any]]:
    """A meeting's round, closed: its summary card in the meeting chat."""
    world = await a_world(start_service, emulator, connector)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    await world.service.runtime.advance_clock(timedelta(hours=25))
    await run_jobs(world.service)
    (summary,) = world.cards_in(CHAT)
    return world, summary


async def press_in_chat(world: World, data: dict[str, Any], *, as_: str,
                        conversation_id: str = CHAT) -> dict[str, Any]:
    """Pair as `as_` from a card in the meeting chat (or another conversation)."""
    kind = "groupChat" if conversation_id == CHAT else "personal"
    status, body = await world.service.post(an_execute(
        world.connector.service_url, verbs.PARTNERS_PAIR, data, user_aad=as_,
        conversation_id=conversation_id, conversation_type=kind, locale="en-US"))
    assert status == 200 and body["statusCode"] == 200, body
    card: dict[str, Any] = body["value"]
    assert_valid_card(card)
    return card


async def round_id(world: World) -> str:
    (rnd,) = await world.rounds()
    return str(rnd["id"])


async def pairings(world: World) -> list[Pairing]:
    rid = await round_id(world)
    async with world.services.uow(read_only=True) as tx:
        return await tx.partners.of_round(rid)


def everyone(world: World) -> set[str]:
    return {world.anna, world.astrid, world.bram, world.clara, world.lena}


async def test_only_the_organiser_pairs_from_the_summary_and_each_is_told(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, summary = await a_closed_round(start_service, graph_emulator, connector)
    pair = action_data(summary, verbs.PARTNERS_PAIR)
    assert pair == {"verb": verbs.PARTNERS_PAIR, "round_id": await round_id(world)}
    refused = await press_in_chat(world, pair, as_=world.astrid)
    assert REFUSED in texts(refused)
    assert await pairings(world) == []
    card = await press_in_chat(world, pair, as_=world.anna)
    assert DONE in texts(card)
    (pairing,) = await pairings(world)
    assert pairing.round_id is not None and pairing.plan_id is None
    assert {p for g in pairing.groups for p in g} == everyone(world)  # answered or not
    assert sorted(len(g) for g in pairing.groups) == [2, 3]  # five: a pair and a trio
    assert action_data(card, verbs.PARTNERS_PAIR)["seen"] == pairing.id
    await run_jobs(world.service)
    told = world.cards_to(world.clara)[-1]
    (rnd,) = await world.rounds()
    de = translator_for("de")  # Clara reads German; a round is named by the day it opened
    title = de("partners.round", date=day_and_month(de, rnd["opened_at"].date()))
    (line,) = [t for t in texts(told) if t.startswith(f"{title}: ")]
    assert "Reflexionsrunde vom" in title and "du und" in line
    # Lena has no Learning Loop and none can be installed here: counted on the pairing.
    rows = {r["person_id"]: r for r in await world.rows(partner_groups)}
    assert rows[world.lena]["unreachable"] == "not_installed"
    assert rows[world.clara]["unreachable"] is None
    # The summary again (an old card now): the pairing as it is, with the miss; nothing new.
    again = await press_in_chat(world, pair, as_=world.anna)
    shown = texts(again)
    assert EN("partners.pairing.already") in shown
    assert EN("partners.pairing.unreached", count=1) in shown
    assert len(await pairings(world)) == 1


async def test_an_old_pairing_card_never_pairs_again(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, summary = await a_closed_round(start_service, graph_emulator, connector)
    first = await press_in_chat(world, action_data(summary, verbs.PARTNERS_PAIR), as_=world.anna)
    again = action_data(first, verbs.PARTNERS_PAIR)
    second = await press_in_chat(world, again, as_=world.anna)  # Pair again: a new pairing
    assert DONE in texts(second)
    older, newer = await pairings(world)
    assert action_data(second, verbs.PARTNERS_PAIR)["seen"] == newer.id
    # Round-robin: no one meets a partner of the first pairing while others remain.
    met = {frozenset(p) for g in older.groups for p in _pairs(g)}
    assert not met & {frozenset(p) for g in newer.groups for p in _pairs(g)} or newer.cycle == 2
    stale = await press_in_chat(world, again, as_=world.anna)  # the first card, pressed again
    assert EN("partners.pairing.changed") in texts(stale)
    assert len(await pairings(world)) == 2
    not_theirs = await press_in_chat(world, action_data(second, verbs.PARTNERS_PAIR),
                                     as_=world.bram)
    assert REFUSED in texts(not_theirs)
    assert len(await pairings(world)) == 2


def _pairs(group: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1:]]


async def test_tampered_card_data_pairs_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, summary = await a_closed_round(start_service, graph_emulator, connector)
    rid = await round_id(world)
    for data in ({"round_id": 7}, {"round_id": rid, "extra": "x"}, {"round_id": ""},
                 {"round_id": rid, "plan_id": rid}, {"round_id": rid, "seen": 3},
                 {"round_id": "x" * 101}, {"round_id": "no-such-round"}):
        card = await press_in_chat(world, {"verb": verbs.PARTNERS_PAIR, **data}, as_=world.anna)
        assert REFUSED in texts(card), data
    assert await pairings(world) == []
    assert action_data(summary, verbs.PARTNERS_PAIR)["round_id"] == rid


async def test_check_ins_stop_after_the_last_and_an_old_one_saves_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, summary = await a_closed_round(start_service, graph_emulator, connector)
    first = await press_in_chat(world, action_data(summary, verbs.PARTNERS_PAIR), as_=world.anna)
    await run_jobs(world.service)
    await check_ins_after(world, timedelta(weeks=2, minutes=1))
    (check_in,) = [c for c in world.cards_to(world.astrid) if _is_check_in(c)]
    await press_in_chat(world, action_data(first, verbs.PARTNERS_PAIR), as_=world.anna)
    stale = await world.press(check_in, verbs.PARTNER_CHECK_IN, as_=world.astrid,
                              inputs={PARTNER_WENT: "Too late"})
    assert EN("partners.checkin.stale") in texts(stale)
    older, newer = await pairings(world)
    for _ in range(ROUND_CHECK_INS + 2):
        await check_ins_after(world, timedelta(weeks=2))
    rows = [r for r in await world.rows(partner_checkins) if r["pairing_id"] == newer.id]
    assert max(r["number"] for r in rows) == ROUND_CHECK_INS
    per_person = {p: len([r for r in rows if r["person_id"] == p]) for p in everyone(world)}
    assert set(per_person.values()) == {ROUND_CHECK_INS}
    lena = [r for r in rows if r["person_id"] == world.lena]
    assert {r["unreachable"] for r in lena} == {"not_installed"}  # counted with the reason
    assert all(r["answered_at"] is None for r in await world.rows(partner_checkins)
               if r["pairing_id"] == older.id)


async def check_ins_after(world: World, wait: timedelta) -> None:
    await world.service.runtime.advance_clock(wait)
    async with world.services.uow() as tx:
        await tx.jobs.enqueue(CHECK_INS_DUE, {})
        await tx.commit()
    await run_jobs(world.service)


def _is_check_in(card: dict[str, Any]) -> bool:
    return any(a.get("verb") == verbs.PARTNER_CHECK_IN for a in card.get("actions") or [])


async def test_erased_people_are_left_out_and_fewer_than_two_are_refused(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, summary = await a_closed_round(start_service, graph_emulator, connector)
    services = world.services
    await erase_person(ErasePerson(world.clara, by="admin"), uow=services.uow,
                       clock=services.clock)
    pair = action_data(summary, verbs.PARTNERS_PAIR)
    await press_in_chat(world, pair, as_=world.anna)
    (pairing,) = await pairings(world)
    assert {p for g in pairing.groups for p in g} == everyone(world) - {world.clara}
    assert sorted(len(g) for g in pairing.groups) == [2, 2]
    other = await a_second_round(world)  # the chat still lists Clara: she is asked again
    for person in (world.astrid, world.bram, world.clara, world.lena):
        await erase_person(ErasePerson(person, by="admin"), uow=services.uow,
                           clock=services.clock)
    alone = await press_in_chat(world, {"verb": verbs.PARTNERS_PAIR, "round_id": other},
                                as_=world.anna)
    assert EN("partners.too_few_round") in texts(alone)
    async with services.uow(read_only=True) as tx:
        assert await tx.partners.of_round(other) == []


async def a_second_round(world: World) -> str:
    before = {r["id"] for r in await world.rounds()}
    assert await world.meeting_ends(meeting_id="meeting-2") in (200, 202)
    await run_jobs(world.service)
    (other,) = [r["id"] for r in await world.rounds() if r["id"] not in before]
    return str(other)


async def partners_cli(world: World, *args: str) -> Result:
    env = {
        "LEARNING_LOOP_DATABASE_URL": world.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": world.emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_LOG_JSON": "true",
        "COLUMNS": "240",
    }
    return await asyncio.to_thread(CliRunner().invoke, cli, ["partners", "pair", *args],
                                   env=env, catch_exceptions=False)


async def test_the_cli_pairs_a_round_and_a_partner_sees_only_named_reflections(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    for person, sharing, takeaway in ((world.astrid, "named", "Pairing beats reading"),
                                      (world.bram, "anonymous", "Nobody may know this"),
                                      (world.clara, "private", "My own doubts")):
        await world.press(world.cards_to(person)[0], verbs.REFLECTION_SUBMIT, as_=person,
                          inputs=answers(sharing, takeaway, action=f"Act on {sharing}"))
    rid = await round_id(world)
    trio, pair = f"{world.astrid},{world.bram},{world.clara}", f"{world.anna},{world.lena}"
    for args, words in (
        (("--by", world.anna), "exactly one of --plan and --round"),
        (("--round", rid, "--plan", "p", "--by", world.anna), "exactly one of --plan"),
        (("--round", rid, "--by", world.astrid), "only its organiser pairs it"),
        (("--round", "no-such-round", "--by", world.anna), "only its organiser pairs it"),
        (("--round", rid, "--by", world.anna, "--group", trio,
          "--group", f"{world.anna},{await someone_else(world)}"),
         "not among the round's participants"),
        (("--round", rid, "--by", world.anna, "--group", trio),
         "each of the round's participants must be in one --group"),
    ):
        refused = await partners_cli(world, *args)
        assert refused.exit_code == 2 and words in refused.output, refused.output
    assert await pairings(world) == []
    done = await partners_cli(world, "--round", rid, "--by", world.anna, "--group", trio,
                              "--group", pair, "--every-weeks", "3")
    assert done.exit_code == 0, done.output
    assert f"the last after {ROUND_CHECK_INS}" in done.output
    (pairing,) = await pairings(world)
    assert pairing.chosen and pairing.every_weeks == 3
    await run_jobs(world.service)
    shown = await partners_typed(world, world.bram)
    assert "“Pairing beats reading”" in shown  # Astrid shared it with her name
    assert "Nobody may know" not in shown and "My own doubts" not in shown
    of_astrid = await partners_typed(world, world.astrid)
    # Her partners' anonymous and private reflections: never, nor their actions.
    assert "Clara Schmidt" in of_astrid and "Bram de Vries" in of_astrid
    for words in ("Nobody may know", "My own doubts", "Act on anonymous", "Act on private"):
        assert words not in of_astrid


async def someone_else(world: World) -> str:
    """Someone in the directory who was not in the meeting."""
    return str((await world.emulator.control.add_user("Olof Nyberg"))["id"])


async def partners_typed(world: World, person: str) -> str:
    """The `partners` card the person gets in their personal chat, as JSON text."""
    world.connector.activities.clear()
    status, _ = await world.service.post(an_activity(
        world.connector.service_url, text="partners", user_aad=person,
        conversation_id=f"a:personal-{person}", locale="en-US"))
    assert status in (200, 201, 202)
    await world.connector.wait_for(1)
    (card,) = world.cards_to(person)
    assert any(s.startswith(EN("partners.round", date="")) for s in texts(card))
    return json.dumps(card, ensure_ascii=False)
