"""SqlCampaignRepository on SQLite and PostgreSQL: a campaign's spec round-trips, prompts are
one per (campaign, person, round), answering a prompt happens once, named responses are unique
per person and round, and concurrent submits of one anonymous card store one response."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.forms.catalog import FileFormCatalog
from teams_app.adapters.sql.campaign_tables import campaign_prompts, campaign_responses
from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.campaigns.campaigns import (
    Audience,
    Campaign,
    CampaignSpec,
    CampaignState,
    Timing,
)
from teams_app.domain.campaigns.prompts import Prompt
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.use_cases.campaigns.answering import CardIds, SubmitAnswers, submit_answers
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def a_campaign(campaign_id: str = "c1", *, anonymous: bool = False) -> Campaign:
    spec = CampaignSpec(
        form_key="session_feedback", form_version=1,
        audience=Audience.of_group("group-1"),
        timing=Timing.recurring(AT + timedelta(hours=1), every_weeks=2),
        closes_at=AT + timedelta(days=30), anonymous=anonymous, k=7,
        reminders=(timedelta(hours=12),), support_contact="help-1",
    )
    return Campaign.start(id=campaign_id, owner_id="owner-1", spec=spec, at=AT)


def uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)


def a_prompt(person: str = "p1", campaign_id: str = "c1", **changes: object) -> Prompt:
    values: dict[str, object] = {"campaign_id": campaign_id, "person_id": person, "round": "r0",
                                 "due_at": AT, "send_at": AT + timedelta(hours=1)}
    values.update(changes)
    return Prompt(**values)  # type: ignore[arg-type]


async def test_a_campaign_round_trips_and_closes(engine: AsyncEngine) -> None:
    campaign = a_campaign()
    async with uow(engine) as tx:
        await tx.campaigns.add(campaign)
        await tx.commit()
    async with uow(engine) as tx:
        assert await tx.campaigns.get("c1") == campaign
        assert await tx.campaigns.of_owner("owner-1") == [campaign]
        assert await tx.campaigns.open_campaigns() == [campaign]
        await tx.campaigns.close(campaign.close(AT + timedelta(days=1)))
        await tx.commit()
    async with uow(engine) as tx:
        closed = await tx.campaigns.get("c1")
        assert closed is not None and closed.state is CampaignState.CLOSED
        assert await tx.campaigns.open_campaigns() == []


async def test_prompts_are_one_per_person_and_round(engine: AsyncEngine) -> None:
    async with uow(engine) as tx:
        await tx.campaigns.add(a_campaign())
        assert await tx.campaigns.add_prompts([a_prompt("p1"), a_prompt("p2", postponed=1)]) == 2
        assert await tx.campaigns.add_prompts([a_prompt("p1"), a_prompt("p3")]) == 1
        await tx.commit()
    async with uow(engine) as tx:
        assert [p.person_id for p in await tx.campaigns.prompts_of("c1")] == ["p1", "p2", "p3"]
        times = await tx.campaigns.send_times(["p1", "p9"], since=AT)
        assert times == {"p1": [AT + timedelta(hours=1)], "p9": []}
        prompt = await tx.campaigns.prompt("c1", "p1", "r0")
        assert prompt is not None
        await tx.campaigns.mark_sent(prompt, at=AT + timedelta(hours=1))
        await tx.campaigns.mark_unreachable(a_prompt("p3"), "not_installed")
        assert await tx.campaigns.mark_answered("c1", "p2", "r0")
        assert not await tx.campaigns.mark_answered("c1", "p2", "r0")  # once
        counts = await tx.campaigns.counts("c1")
        assert (counts.asked, counts.sent, counts.answered, counts.postponed,
                counts.unreachable) == (3, 1, 1, 1, 1)
        waiting = await tx.campaigns.waiting_for_answers(sent_before=AT + timedelta(days=1))
        assert [p.person_id for p in waiting] == ["p1"]
        await tx.campaigns.mark_reminded(waiting[0], 1)
        await tx.commit()
    async with uow(engine) as tx:
        reminded = await tx.campaigns.prompt("c1", "p1", "r0")
        assert reminded is not None and reminded.reminders_sent == 1


async def test_a_named_response_is_unique_per_person_and_round(engine: AsyncEngine) -> None:
    named = StoredResponse("k1", "c1", "session_feedback", 1, {"rating": "4"}, AT,
                           person_id="p1", round="r0", updated_at=AT)
    async with uow(engine) as tx:
        await tx.campaigns.add_response(named)
        await tx.commit()
    async with uow(engine) as tx:
        await tx.campaigns.update_response("k1", {"rating": "5"}, at=AT + timedelta(hours=1))
        await tx.commit()
    async with uow(engine) as tx:
        kept = await tx.campaigns.named_response("c1", "r0", "p1")
        assert kept is not None and kept.answers == {"rating": "5"}
        assert kept.updated_at == AT + timedelta(hours=1)
    with pytest.raises(IntegrityError):
        async with uow(engine) as tx:
            await tx.campaigns.add_response(StoredResponse(
                "k2", "c1", "session_feedback", 1, {}, AT, person_id="p1", round="r0"))
    # Anonymous responses (no person) are many per round.
    async with uow(engine) as tx:
        for key in ("a1", "a2"):
            await tx.campaigns.add_response(StoredResponse(
                key, "c1", "session_feedback", 1, {}, AT, round="r0"))
        await tx.commit()
    async with uow(engine) as tx:
        assert len(await tx.campaigns.responses("c1")) == 3


async def test_concurrent_submits_of_one_card_answer_the_prompt_once(engine: AsyncEngine) -> None:
    """What the answer use case relies on: marking the prompt answered is the lock."""
    async with uow(engine) as tx:
        await tx.campaigns.add(a_campaign(anonymous=True))
        await tx.campaigns.add_prompts([a_prompt("p1")])
        await tx.commit()

    async def submit(key: str) -> bool:
        async with uow(engine) as tx:
            if not await tx.campaigns.mark_answered("c1", "p1", "r0"):
                return False
            await asyncio.sleep(0.05)  # the other submit arrives meanwhile
            await tx.campaigns.add_response(StoredResponse(
                key, "c1", "session_feedback", 1, {"rating": "4"}, AT))
            await tx.commit()
            return True

    results = await asyncio.gather(*(submit(f"k{i}") for i in range(4)))
    assert sorted(results) == [False, False, False, True]
    async with engine.connect() as connection:
        rows = (await connection.execute(select(campaign_responses))).all()
        assert len(rows) == 1
        answered = (await connection.execute(select(campaign_prompts.c.answered))).scalar_one()
        assert answered


async def test_on_postgresql_no_writers_id_pairs_an_anonymous_answer_with_its_prompt(
    engine: AsyncEngine,
) -> None:
    """PostgreSQL shows on every row the id of the transaction that last wrote it (xmin). The
    answer writes the prompt's flag and the response in one transaction; afterwards every
    answered prompt and every anonymous response of the campaign carry one and the same id."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps no writer's id on a row")
    campaign = a_campaign(anonymous=True)
    async with uow(engine) as tx:
        await tx.campaigns.add(campaign)
        await tx.campaigns.add_prompts([a_prompt(p) for p in ("p1", "p2", "p3")])
        await tx.commit()
    forms = FileFormCatalog.load()
    ids = CardIds("c1", "r0", "session_feedback", 1)
    for n, person in enumerate(("p1", "p2")):
        key = f"k{n}"
        await submit_answers(
            SubmitAnswers(ids, person, {"quality": str(3 + n)}), uow=lambda **kw: uow(engine),
            forms=forms, clock=FakeClock(AT + timedelta(hours=2)),
            new_key=lambda key=key: key,
        )
    async with engine.connect() as connection:
        prompts = (await connection.execute(text(
            "SELECT person_id, answered, xmin::text AS xmin FROM campaign_prompts"))).all()
        responses = (await connection.execute(text(
            "SELECT response_key, xmin::text AS xmin FROM campaign_responses"))).all()
    answered = {p.person_id: p.xmin for p in prompts if p.answered}
    assert set(answered) == {"p1", "p2"} and len(responses) == 2
    for response in responses:
        same = {person for person, xmin in answered.items() if xmin == response.xmin}
        assert same == {"p1", "p2"}  # both, never one
