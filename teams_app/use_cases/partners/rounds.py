"""Pairing a reflection round's participants as learning partners, from the round's summary
card or the CLI. Only the round's organiser may; everyone the round was for is paired, whether
they reflected or not (pairing is about applying what was learnt, which the quiet ones need as
much), except people erased since, who are kept only as counts. A card pairs only what it
showed: the summary only a round not paired yet, a pairing card only while its pairing is the
round's newest; an older card gets the newest pairing back and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from random import Random

from teams_app.domain.partners import (
    DEFAULT_EVERY_WEEKS,
    Pairing,
    PairingSource,
    SourceKind,
    check_every_weeks,
)
from teams_app.ports import Clock, UnitOfWorkFactory
from teams_app.use_cases.partners.pairing import PairedOf, add_and_announce, grouped


class NoPartnersRound(Exception):
    """No such round, or not one the sender organised: one answer for both."""


@dataclass(frozen=True)
class PairRound:
    round_id: str
    by: str
    every_weeks: int = DEFAULT_EVERY_WEEKS
    chosen: Sequence[Sequence[str]] | None = None  # the organiser's own groups
    from_card: bool = False  # False: the CLI, which always pairs (again)
    seen: str | None = None  # the pairing the card showed (None: the summary showed none)


@dataclass(frozen=True)
class RoundPaired:
    pairing: Pairing
    of: PairedOf
    changed: bool  # False: an old card; `pairing` is the round's newest, as it was
    unreached: Mapping[str, int] = field(default_factory=dict)  # its cards that reached nobody


async def pair_round(cmd: PairRound, *, uow: UnitOfWorkFactory, clock: Clock,
                     new_id: Callable[[], str], rng: Random) -> RoundPaired:
    check_every_weeks(cmd.every_weeks)
    async with uow() as tx:
        rnd = await tx.reflections.round(cmd.round_id)
        if rnd is None or rnd.organiser_id is None or rnd.organiser_id != cmd.by:
            raise NoPartnersRound(cmd.round_id)
        of = PairedOf(round_on=rnd.opened_at.date())
        active = await tx.partners.active(PairingSource(SourceKind.ROUND, rnd.id))
        if cmd.from_card and active is not None and active.id != cmd.seen:
            return RoundPaired(active, of, changed=False,
                               unreached=await tx.partners.unreached(active.id))
        members = await tx.reflections.named_participants(rnd.id)
        groups, cycle = grouped(members, cmd.chosen, await tx.partners.of_round(rnd.id), rng)
        pairing = Pairing(new_id(), None, groups, cmd.every_weeks, clock.now(),
                          chosen=cmd.chosen is not None, cycle=cycle, round_id=rnd.id)
        await add_and_announce(tx, pairing)
        await tx.commit()
    return RoundPaired(pairing, of, changed=True)
