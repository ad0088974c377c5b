"""The reflections store on SQLite and PostgreSQL: one round per source however the inserts
race, one answer per participant, and on PostgreSQL no writer's id (xmin) pairs an anonymous
reflection with the participant who gave it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.forms.catalog import FileFormCatalog
from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.reflections.rounds import Round, RoundSpec, Source
from teams_app.use_cases.reflections.answering import SubmitReflection, submit_reflection
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)


def a_round(round_id: str = "r1", key: str = "meeting:m1:2026-03-02") -> Round:
    return Round.start(id=round_id, source=Source.MEETING, source_key=key,
                       conversation_id="19:chat", organiser_id="o", form_key="reflection",
                       form_version=1, spec=RoundSpec(), at=AT)


async def test_the_same_source_makes_one_round_however_the_inserts_race(
    engine: AsyncEngine,
) -> None:
    async def add(round_id: str) -> bool:
        async with uow(engine) as tx:
            added = await tx.reflections.add_round(a_round(round_id))
            await tx.commit()
        return added

    results = await asyncio.gather(*(add(f"r{n}") for n in range(4)))
    assert sorted(results) == [False, False, False, True]
    async with uow(engine) as tx:
        found = await tx.reflections.round_by_source("meeting:m1:2026-03-02")
    assert found is not None and found.id == f"r{results.index(True)}"


async def test_on_postgresql_no_writers_id_pairs_an_anonymous_reflection_with_its_author(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps no writer's id on a row")
    async with uow(engine) as tx:
        await tx.reflections.add_round(a_round())
        await tx.reflections.add_participants("r1", ["p1", "p2", "p3"])
        await tx.commit()
    forms = FileFormCatalog.load()
    for n, person in enumerate(("p1", "p2")):
        key = f"k{n}"
        await submit_reflection(
            SubmitReflection("r1", person, "reflection", 1,
                             {"takeaway": f"words {n}", "sharing": "anonymous"}),
            uow=lambda **kw: uow(engine), forms=forms,
            clock=FakeClock(AT + timedelta(hours=2)), new_key=lambda key=key: key,
        )
    async with engine.connect() as connection:
        asked = (await connection.execute(text(
            "SELECT person_id, answered, xmin::text AS xmin FROM reflection_participants"))).all()
        kept = (await connection.execute(text(
            "SELECT reflection_key, person_id, xmin::text AS xmin FROM reflections"))).all()
    answered = {p.person_id: p.xmin for p in asked if p.answered}
    assert set(answered) == {"p1", "p2"} and len(kept) == 2
    for reflection in kept:
        assert reflection.person_id is None
        same = {person for person, xmin in answered.items() if xmin == reflection.xmin}
        assert same == {"p1", "p2"}  # both, never one
