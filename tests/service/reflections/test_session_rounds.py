"""Rounds after learning sessions: a plan's kept occurrence that has ended starts one round
(the periodic job run twice starts nothing more); a lost one asks nobody; the card reaches the
member in their language and the round's summary goes to the plan's owner."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from teams_app.domain.occurrences import Outcome
from teams_app.domain.reflections.rounds import RoundSpec
from teams_app.use_cases.reflections.occurrences import rounds_after_sessions
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import booked_plan, run_jobs
from tests.service.reflections.support import texts


async def test_an_ended_kept_session_starts_one_round_and_a_lost_one_none(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    services = booked.services
    now = services.clock.now()
    await booked.defend()
    first, second, *_ = await booked.stored()
    async with services.uow() as tx:  # the defend scan found the first one lost
        await tx.occurrences.save_occurrences([replace(first, outcome=Outcome.LOST)], at=now)
        await tx.commit()

    async def sweep() -> int:
        return await rounds_after_sessions(uow=services.uow, forms=services.forms,
                                           clock=services.clock, spec=RoundSpec(),
                                           new_id=lambda: str(uuid.uuid4()))

    assert await sweep() == 0  # nothing has ended yet
    await booked.advance(first.span.end - now + timedelta(minutes=5))
    assert await sweep() == 0  # the first was lost: nobody is asked about lost time
    await booked.advance(second.span.end - first.span.end)
    assert await sweep() == 1
    assert await sweep() == 0  # one round per session
    async with services.uow(read_only=True) as tx:
        [rnd] = await tx.reflections.recent_rounds(5)
        people = [p.person_id for p in await tx.reflections.participants(rnd.id)]
    assert rnd.organiser_id == booked.owner and rnd.conversation_id is None
    assert booked.member in people
    await run_jobs(booked.service)
    cards = [a["content"] for activity in connector.sent_to(f"a:personal-{booked.member}")
             for a in activity.get("attachments") or []]
    reflection = [c for c in cards if "Reflektera över träffen" in texts(c)]
    assert len(reflection) == 1
