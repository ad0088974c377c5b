"""Follow-ups through the real app and the local clock: 14 days after a round, each person who
named an action in a named or private reflection is asked whether they applied it; "not yet"
offers asking again in 7 days, at most twice; answers land in the SharePoint outbox; only the
person asked may answer; the applied rate counts yes and partly over everyone asked."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text

from cards import verbs
from teams_app.use_cases.reflections.follow_ups import team_applied_rate
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.reflections.support import World, a_world, answers, run_jobs, texts


async def advance(world: World, by: str) -> None:
    """Moves the service's local clock through its control endpoint, then runs what is due."""
    service = world.service
    async with service.http.post(f"{service.url}/_local/clock", json={"advance": by}) as reply:
        assert reply.status == 200, await reply.text()
    await run_jobs(service)
    await world.sweep()


async def reflected(start_service: ServiceFactory, emulator: GraphEmulator,
                    connector: FakeConnector) -> World:
    world = await a_world(start_service, emulator, connector)
    assert await world.meeting_ends() in (200, 202)
    await run_jobs(world.service)
    for person, inputs in (
        (world.astrid, answers("named", "Pairing helps", action="Pair on one review a week",
                               by="2026-12-15")),
        (world.bram, answers("private", "Slides were too dense", action="Reread chapter 2")),
        (world.clara, answers("anonymous", "Nice", action="Try it anonymously")),
        (world.anna, answers("named", "Good session")),  # no action: nothing to follow up
    ):
        await world.press(world.cards_to(person)[0], verbs.REFLECTION_SUBMIT, as_=person,
                          inputs=inputs, locale="sv-SE" if person == world.astrid else "en-US")
    return world


def follow_up_cards(world: World, person: str) -> list[dict[str, Any]]:
    return [c for c in world.cards_to(person)
            if any(a.get("verb") == verbs.FOLLOW_UP_SUBMIT for a in c.get("actions") or [])]


async def test_follow_ups_arrive_after_the_configured_days_to_those_with_a_named_action(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await reflected(start_service, graph_emulator, connector)
    await advance(world, "14d")  # the round closed after 24 h: 14 days after it is a day on
    assert follow_up_cards(world, world.astrid) == []
    await advance(world, "2d")
    astrid = follow_up_cards(world, world.astrid)
    assert len(astrid) == 1
    shown = texts(astrid[0])
    assert any("Pair on one review a week" in line for line in shown)
    assert "Har du använt det?" in shown  # the language of her last card action
    assert len(follow_up_cards(world, world.bram)) == 1  # private reflections are followed up
    assert follow_up_cards(world, world.clara) == []  # anonymous: nothing links it to her
    assert follow_up_cards(world, world.anna) == []  # no action named
    # Run again: no second card.
    await advance(world, "1h")
    assert len(follow_up_cards(world, world.astrid)) == 1


async def test_not_yet_asks_again_in_seven_days_at_most_twice_and_answers_reach_the_outbox(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await reflected(start_service, graph_emulator, connector)
    await advance(world, "16d")
    for ask in (1, 2, 3):
        card = follow_up_cards(world, world.astrid)[-1]
        answered = await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.astrid,
                                     inputs={"applied": "not_yet", "in_the_way": "Release week"})
        again = [a for a in answered.get("actions") or [] if a["verb"] == verbs.FOLLOW_UP_AGAIN]
        if ask == 3:
            assert again == []
            assert any("last time" in line for line in texts(answered))
            break
        set_again = await world.press(answered, verbs.FOLLOW_UP_AGAIN, as_=world.astrid)
        assert any("I will ask you again on" in line for line in texts(set_again))
        # The old card cannot answer the asking that is now waiting.
        stale = await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.astrid,
                                  inputs={"applied": "yes"})
        assert verbs.FOLLOW_UP_SUBMIT not in str(stale.get("actions"))
        await advance(world, "6d")
        assert len(follow_up_cards(world, world.astrid)) == ask
        await advance(world, "1d")
        assert len(follow_up_cards(world, world.astrid)) == ask + 1
    [row] = [f for f in await world.follow_ups() if f["person_id"] == world.astrid]
    assert (row["ask"], row["state"], row["applied"]) == (3, "answered", "not_yet")
    async with world.service.runtime.engine.connect() as connection:
        items = (await connection.execute(text(
            "SELECT item_key FROM sharepoint_outbox WHERE list_kind = 'follow_up'"))).all()
    assert sorted(i[0] for i in items) == [f"{row['id']}:{n}" for n in (1, 2, 3)]


async def test_only_the_person_asked_may_answer_and_the_applied_rate_counts_yes_and_partly(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await reflected(start_service, graph_emulator, connector)
    await advance(world, "16d")
    card = follow_up_cards(world, world.astrid)[0]
    refused = await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.bram,
                                inputs={"applied": "yes"})
    assert any("made for someone else" in line for line in texts(refused))
    missing = await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.astrid,
                                inputs={"helped": "My pair"})
    assert "My pair" in str(missing)  # the card again, what was typed kept
    done = await world.press(card, verbs.FOLLOW_UP_SUBMIT, as_=world.astrid,
                             inputs={"applied": "partly", "helped": "My pair"})
    assert any("your answer is kept" in line for line in texts(done))
    rate = await team_applied_rate([world.astrid, world.bram], uow=world.services.uow)
    assert (rate.asked, rate.applied, rate.rate) == (2, 1, 0.5)
    bram = follow_up_cards(world, world.bram)[0]
    await world.press(bram, verbs.FOLLOW_UP_SUBMIT, as_=world.bram, inputs={"applied": "yes"})
    rate = await team_applied_rate(None, uow=world.services.uow)
    assert (rate.asked, rate.applied) == (2, 2)
    row = next(f for f in await world.follow_ups() if f["person_id"] == world.astrid)
    assert row["action_by"] == date(2026, 12, 15)
