"""Revision 0013 on SQLite and PostgreSQL: a plan's pairing made before it survives unchanged; a
pairing is of a plan or of a round, exactly one (the database refuses neither and both); and
the store keeps each source's history and newest pairing apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from teams_app.adapters.sql.engine import create_engine, upgrade
from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.partners import Pairing, PairingSource, SourceKind
from tests.fakes import FakeClock

AT = datetime(2026, 12, 3, 9, tzinfo=UTC)
ROW = {"every_weeks": 2, "created_at": AT, "chosen": False, "cycle": 1, "active": True}


async def test_revision_0013_keeps_plan_pairings_and_allows_exactly_one_source(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0012")
        async with engine.begin() as connection:
            await connection.execute(sa.text(
                "INSERT INTO partner_pairings (id, plan_id, every_weeks, created_at, chosen, "
                "cycle, active) VALUES ('old', 'plan-1', 2, :at, false, 1, true)"), {"at": AT})
            await connection.execute(sa.text(
                "INSERT INTO partner_groups (pairing_id, person_id, group_no) VALUES "
                "('old', 'ann', 0), ('old', 'bob', 0)"))
        await upgrade(engine)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)

        async with uow() as tx:
            (old,) = await tx.partners.of_plan("plan-1")
            await tx.partners.add(Pairing("r1", None, (("ann", "bob"),), 2, AT,
                                          round_id="round-1"))
            await tx.partners.add(Pairing("r2", None, (("ann", "cem"),), 2,
                                          AT + timedelta(days=1), round_id="round-1"))
            await tx.commit()
        assert old.groups == (("ann", "bob"),) and old.round_id is None
        async with uow() as tx:
            rounds = await tx.partners.of_round("round-1")
            newest = await tx.partners.active(PairingSource(SourceKind.ROUND, "round-1"))
            plan = await tx.partners.active(PairingSource(SourceKind.PLAN, "plan-1"))
        assert [p.id for p in rounds] == ["r1", "r2"] and newest is not None
        assert newest.id == "r2" and plan is not None and plan.id == "old"  # apart
        for bad in ({"plan_id": None, "round_id": None}, {"plan_id": "p", "round_id": "r"}):
            with pytest.raises(IntegrityError):
                async with engine.begin() as connection:
                    await connection.execute(sa.text(
                        "INSERT INTO partner_pairings (id, plan_id, round_id, every_weeks, "
                        "created_at, chosen, cycle, active) VALUES ('bad', :plan_id, "
                        ":round_id, :every_weeks, :created_at, :chosen, :cycle, :active)"),
                        {**ROW, **bad})
    finally:
        await engine.dispose()
