"""Erasing a person's data, by the person (after a confirmation card) or an admin (CLI).

One transaction: every source erases what names the person; their SharePoint items are
queued for deletion in the outbox (an outage delays the delete, it never skips it); their
calendar series are queued for the release job; the erasure log gets a line with counts and a
keyed hash, nothing personal. A confirmation carries the fingerprint of what it showed: an
erase already done, or data changed since (a new answer, an edit), makes it old, and an old
confirmation erases nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import structlog

from teams_app.domain.privacy import Erased, fingerprint, merge, person_hash
from teams_app.ports import Clock, UnitOfWork, UnitOfWorkFactory
from teams_app.ports.privacy import RELEASE_SERIES, Erasure

log = structlog.get_logger()

HASH_KEY = "erasure-log"
# A series being booked when the erase ran gets its mark swept once more, later.
SWEEP_AGAIN_AFTER = timedelta(minutes=10)


class NotThePerson(Exception):
    """Someone else pressed a person's erase confirmation: only they may erase their data."""


class ConfirmationOld(Exception):
    """The confirmation was made from other data (an erase ran since, or data changed)."""


@dataclass(frozen=True)
class ErasePerson:
    person_id: str
    by: Literal["self", "admin"]
    sender: str | None = None  # who pressed the card (self); None from the CLI (admin)
    confirmed: str | None = None  # the fingerprint the confirmation card showed (self)


async def erase_person(cmd: ErasePerson, *, uow: UnitOfWorkFactory, clock: Clock) -> Erased:
    if cmd.by == "self" and (not cmd.sender or cmd.sender != cmd.person_id):
        raise NotThePerson()
    at = clock.now()
    async with uow() as tx:
        if cmd.by == "self":
            held = [h for s in tx.personal_data for h in await s.describe(cmd.person_id)]
            if cmd.confirmed is None or fingerprint(held) != cmd.confirmed or not any(
                h.significant for h in held
            ):
                raise ConfirmationOld()
        erased = merge([await s.erase(cmd.person_id, at=at) for s in tx.personal_data])
        await hand_on(tx, erased, cmd.person_id, at=at)
        key = await tx.erasures.key(HASH_KEY)
        await tx.erasures.record(Erasure(at, cmd.by, person_hash(key, cmd.person_id),
                                         erased.counts))
        await tx.commit()
    log.info("personal_data_erased", by=cmd.by, **erased.counts)
    return erased


async def hand_on(tx: UnitOfWork, erased: Erased, person_id: str, *, at: datetime) -> None:
    """The deletes that leave the database: SharePoint items through the outbox, calendar
    series through the release job (now, and once more by their marks, for a series that was
    still being made)."""
    for list_kind, item_key in erased.list_items:
        await tx.outbox.delete(list_kind, item_key)
    if not (erased.calendar_series or erased.calendar_marks):
        return
    payload = {"person_id": person_id, "event_ids": list(erased.calendar_series),
               "marks": list(erased.calendar_marks)}
    key = f"{RELEASE_SERIES}:{person_id}:{at.isoformat()}"
    await tx.jobs.enqueue(RELEASE_SERIES, payload, idempotency_key=key)
    await tx.jobs.enqueue(RELEASE_SERIES, {**payload, "event_ids": []},
                          run_at=at + SWEEP_AGAIN_AFTER, idempotency_key=f"{key}:again")
