"""Old finished jobs and delivery records are purged by a daily scheduled job; live ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from teams_app.adapters.sql.tables import deliveries, jobs
from teams_app.bootstrap import Runtime
from teams_app.jobs.maintenance import PURGE
from teams_app.ports import JobState
from tests.builders import an_install
from tests.connector import FakeConnector
from tests.service.conftest import ServiceFactory


async def test_purge_removes_only_what_is_past_retention(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service(local_mode=True, job_retention_days=30,
                                  delivery_retention_days=180)
    runtime = service.runtime
    await service.post(an_install(connector.service_url))  # records a welcome delivery
    await connector.wait_for(1)
    async with runtime.services.uow() as work:
        await work.jobs.enqueue("notify", {"template": "help"}, idempotency_key="dead-one")
        await work.commit()
    await runtime.register_schedules()
    await runtime.register_schedules()  # idempotent on restart
    await runtime.worker().run_once()
    # Other schedules (defend scan, membership reconcile) run too; count the ones at stake.
    assert await purge_and_notify(runtime) == {"done": 1, "dead": 1}

    await runtime.advance_clock(timedelta(days=31))
    await runtime.worker().run_once()  # the next daily purge
    states = await purge_and_notify(runtime)
    # Finished purge runs older than 30 days are gone; the dead job stays for an admin to see.
    assert states == {JobState.DEAD.value: 1, JobState.DONE.value: 1}
    async with runtime.engine.connect() as connection:
        kept_deliveries = (await connection.execute(
            select(func.count()).select_from(deliveries))).scalar()
    assert kept_deliveries == 1

    await runtime.advance_clock(timedelta(days=180))
    await runtime.worker().run_once()
    async with runtime.engine.connect() as connection:
        left = await connection.execute(select(func.count()).select_from(deliveries))
        assert left.scalar() == 0


async def purge_and_notify(runtime: Runtime) -> dict[str, int]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(jobs.c.state, func.count())
            .where(jobs.c.kind.in_([PURGE, "notify"]))
            .group_by(jobs.c.state))
        return {str(state): int(count) for state, count in rows.all()}
