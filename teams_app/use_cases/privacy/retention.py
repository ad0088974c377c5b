"""Retention: answers older than the configured period (LEARNING_LOOP_RETENTION_MONTHS,
default 24) removed the same way an erase removes them (database, then SharePoint through the
outbox), by the daily `privacy.retention` job. Recorded in the erasure log as `retention`."""

from __future__ import annotations

import structlog
from dateutil.relativedelta import relativedelta

from teams_app.domain.privacy import Erased, merge
from teams_app.ports import Clock, UnitOfWorkFactory
from teams_app.ports.privacy import Erasure

log = structlog.get_logger()


async def expire_answers(*, uow: UnitOfWorkFactory, clock: Clock, months: int) -> Erased:
    at = clock.now()
    before = at - relativedelta(months=months)
    async with uow() as tx:
        erased = merge([await s.expire(before, at=at) for s in tx.personal_data])
        for list_kind, item_key in erased.list_items:
            await tx.outbox.delete(list_kind, item_key)
        if erased.counts:
            await tx.erasures.record(Erasure(at, "retention", None, erased.counts))
        await tx.commit()
    log.info("retention_applied", months=months, **erased.counts)
    return erased
