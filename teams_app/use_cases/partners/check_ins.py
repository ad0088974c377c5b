"""Announcing partners and their coaching check-ins: every `every_weeks` weeks each person of an
active pairing gets a card asking how their partner's learning went and what would help. A late
run sends only the newest check-in due (an older one never arrives after a newer one); a card
that cannot reach someone is counted under the plan for its owner, like every member card, or
on the round's pairing for its organiser (delivery.py). A round's pairing stops after its last
check-in (domain/partners.py). The answer is the person's own: stored once, shown to them
alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from teams_app.domain.messages import OutboundMessage
from teams_app.domain.partners import Pairing
from teams_app.ports import Clock, Directory, UnitOfWork, UnitOfWorkFactory
from teams_app.ports.partners import PartnerCheckIn
from teams_app.use_cases.member_cards import CardOutcome
from teams_app.use_cases.partners.delivery import deliver_partner_card
from teams_app.use_cases.partners.pairing import (
    PairedOf,
    SharedLearning,
    is_current,
    paired_of,
    shared_learning,
)
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reach import PersonalChats

CHECK_INS_DUE = "partners.check_ins"  # periodic: queues the check-ins that came due
CHECK_IN = "partners.check_in"  # one person's check-in card
MAX_TEXT = 1000


class PartnerCards(Protocol):
    def announce(self, pairing: Pairing, partners: tuple[str, ...], names: Mapping[str, str],
                 of: PairedOf, *, locale: str | None) -> OutboundMessage: ...
    def check_in(self, pairing: Pairing, number: int, partners: tuple[str, ...],
                 names: Mapping[str, str], shared: Mapping[str, SharedLearning], *,
                 locale: str | None) -> OutboundMessage: ...


async def announce(pairing_id: str, person_id: str, *, chats: PersonalChats,
                   directory: Directory | None, cards: PartnerCards) -> CardOutcome:
    async with chats.uow() as tx:
        pairing = await tx.partners.get(pairing_id)
        of = await _current(tx, pairing)
        revision = await _revision(tx, pairing)
    if pairing is None or of is None:
        return CardOutcome.STALE  # paired again (or the plan ended) before the card went
    partners = pairing.partners_of(person_id)
    names = await people_names(partners, directory=directory)
    outcome, missed = await deliver_partner_card(
        pairing, person_id, f"{pairing.id}:{person_id}:announce",
        lambda locale: cards.announce(pairing, partners, names, of, locale=locale),
        chats=chats, plan_revision=revision)
    if missed is not None:
        async with chats.uow() as tx:
            await tx.partners.mark_unannounced(pairing.id, person_id, missed.value)
            await tx.commit()
    return outcome


async def _current(tx: UnitOfWork, pairing: Pairing | None) -> PairedOf | None:
    """What `pairing` is of while it is its source's newest (None: it is not, or the source
    ended)."""
    if pairing is None or not await is_current(tx, pairing):
        return None
    return await paired_of(tx, pairing)


async def _revision(tx: UnitOfWork, pairing: Pairing | None) -> int:
    plan = await tx.plans.get(pairing.plan_id) if pairing and pairing.plan_id else None
    return plan.revision if plan else 0


async def queue_check_ins(*, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Queues the newest check-in due of every active pairing, once per person."""
    now = clock.now()
    queued = 0
    async with uow() as tx:
        for pairing in await tx.partners.active_pairings():
            number = pairing.check_ins_due(now)
            if number < 1:
                continue
            due = pairing.check_in_due(number)
            # A person whose partners were all erased has no one to check in on.
            for person in (p for group in pairing.groups if len(group) > 1 for p in group):
                added = await tx.partners.add_check_ins(
                    [PartnerCheckIn(pairing.id, person, number, due)])
                if added:
                    await tx.jobs.enqueue(CHECK_IN, {"pairing_id": pairing.id,
                                                     "person_id": person, "number": number})
                    queued += 1
        await tx.commit()
    return queued


async def send_check_in(pairing_id: str, person_id: str, number: int, *, chats: PersonalChats,
                        directory: Directory | None, cards: PartnerCards) -> CardOutcome:
    async with chats.uow() as tx:
        pairing = await tx.partners.get(pairing_id)
        of = await _current(tx, pairing)
        revision = await _revision(tx, pairing)
        check_in = await tx.partners.check_in(pairing_id, person_id, number)
        partners = pairing.partners_of(person_id) if pairing else ()
        shared = {p: found for p in partners if (found := await shared_learning(tx, p))}
    if (pairing is None or of is None or check_in is None
            or check_in.answered_at is not None
            or pairing.check_ins_due(chats.clock.now()) != number
            or not partners):
        # Re-paired, ended, answered, a newer one came due, or their partner was erased.
        return CardOutcome.STALE
    names = await people_names(partners, directory=directory)
    outcome, missed = await deliver_partner_card(
        pairing, person_id, f"{pairing.id}:{person_id}:check_in:{number}",
        lambda locale: cards.check_in(pairing, number, partners, names, shared, locale=locale),
        chats=chats, plan_revision=revision)
    async with chats.uow() as tx:
        if outcome is CardOutcome.SENT:
            await tx.partners.mark_sent(check_in, at=chats.clock.now())
        elif outcome is CardOutcome.UNREACHABLE:
            await tx.partners.mark_unreachable(
                check_in, missed.value if missed else "unreachable")
        await tx.commit()
    return outcome


class CheckInRefused(Exception):
    """Not the sender's check-in, or not one that exists: one answer for both."""


class CheckInEmpty(Exception):
    """Neither question answered: nothing to keep."""


class CheckInTooLong(Exception):
    """An answer longer than MAX_TEXT: refused whole, so nothing typed is cut off unseen."""


class CheckInStale(Exception):
    """The pairing changed (new partners) or a newer check-in came due: the card is old."""


@dataclass(frozen=True)
class AnswerCheckIn:
    pairing_id: str
    number: int
    by: str
    went: str
    would_help: str


@dataclass(frozen=True)
class CheckInAnswered:
    pairing: Pairing
    check_in: PartnerCheckIn
    newly: bool  # False: it had been answered already; the stored answer stands


async def answer_check_in(cmd: AnswerCheckIn, *, uow: UnitOfWorkFactory, clock: Clock
                          ) -> CheckInAnswered:
    went, would_help = cmd.went.strip(), cmd.would_help.strip()
    if not went and not would_help:
        raise CheckInEmpty(cmd.pairing_id)
    if max(len(went), len(would_help)) > MAX_TEXT:
        raise CheckInTooLong(cmd.pairing_id)
    async with uow() as tx:
        pairing = await tx.partners.get(cmd.pairing_id)
        check_in = await tx.partners.check_in(cmd.pairing_id, cmd.by, cmd.number)
        if pairing is None or check_in is None:
            raise CheckInRefused(cmd.pairing_id)
        if check_in.answered_at is not None:
            return CheckInAnswered(pairing, check_in, newly=False)
        if (not await is_current(tx, pairing)
                or pairing.check_ins_due(clock.now()) != cmd.number):
            raise CheckInStale(cmd.pairing_id)
        at = clock.now()
        newly = await tx.partners.answer(check_in, went=went, would_help=would_help, at=at)
        stored = await tx.partners.check_in(cmd.pairing_id, cmd.by, cmd.number)
        await tx.commit()
    assert stored is not None
    return CheckInAnswered(pairing, stored, newly)
