"""Learning partners (social blended learning): a plan's members, or the people a reflection
round was for, in pairs, one trio when their number is odd, who check in on each other's learning
every few weeks. Pure: the random source and "now" come in.

A pairing is of exactly one source, a plan or a round (`PairingSource`). A plan's pairing checks
in while the plan runs; a round is one meeting, so its pairing checks in `ROUND_CHECK_INS` times
(three months at the default two weeks) and then stops.

Random pairing makes no repeat until everyone has met: a pair (or any two people of a trio) that
met in an earlier pairing of the same source is avoided while any pairing without such repeats
exists; when none does, everyone has met everyone they still can, and a new cycle starts
(history is forgotten). Finding one is a search for a perfect matching over the pairs not yet
met, tried in random order, so every allowed pairing can come out; teams are small (a plan's
members, a meeting's people), and the search gives up after a bounded number of steps rather
than running long on a large one, and then starts a new cycle as when everyone has met.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import combinations
from random import Random

from teams_app.domain.errors import DomainError

DEFAULT_EVERY_WEEKS = 2
MIN_EVERY_WEEKS, MAX_EVERY_WEEKS = 1, 12
MAX_STEPS = 20_000  # search steps before taking the best pairing seen
ROUND_CHECK_INS = 6  # a round's pairing: the check-ins before they stop

Group = tuple[str, ...]  # two people, or three


class PartnerError(DomainError):
    code = "partners"


class TooFewToPair(PartnerError):
    code = "partners_too_few"


class BadPartnerGroups(PartnerError):
    """Chosen groups that are not a pairing of exactly the plan's members."""

    code = "partners_bad_groups"

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # unknown | missing | twice | size | trios


class BadEveryWeeks(PartnerError):
    code = "partners_bad_every_weeks"


class SourceKind(StrEnum):
    PLAN = "plan"
    ROUND = "round"  # a reflection round


@dataclass(frozen=True)
class PairingSource:
    """What a pairing is of: its history (no repeats) and its newest pairing are per source."""

    kind: SourceKind
    id: str


@dataclass(frozen=True)
class Pairing:
    id: str
    plan_id: str | None  # exactly one of plan_id and round_id
    groups: tuple[Group, ...]
    every_weeks: int
    created_at: datetime
    chosen: bool = False  # by the owner (or organiser), not drawn
    cycle: int = 1  # which round of "everyone meets everyone" a drawn pairing belongs to
    round_id: str | None = None

    def __post_init__(self) -> None:
        if (self.plan_id is None) == (self.round_id is None):
            raise ValueError("a pairing is of a plan or of a round, exactly one")

    @property
    def source(self) -> PairingSource:
        if self.round_id is not None:
            return PairingSource(SourceKind.ROUND, self.round_id)
        assert self.plan_id is not None
        return PairingSource(SourceKind.PLAN, self.plan_id)

    @property
    def last_check_in(self) -> int | None:
        """The number of the last check-in; None: they go on while the plan runs."""
        return ROUND_CHECK_INS if self.round_id is not None else None

    def partners_of(self, person: str) -> Group:
        """The others in `person`'s group; () when they are not in this pairing."""
        for group in self.groups:
            if person in group:
                return tuple(p for p in group if p != person)
        return ()

    def check_in_due(self, number: int) -> datetime:
        """When the `number`th coaching check-in (1, 2, ...) is due: every `every_weeks` weeks
        from the pairing."""
        return self.created_at + timedelta(weeks=self.every_weeks * number)

    def check_ins_due(self, at: datetime) -> int:
        """How many check-ins have come due by `at` (never more than the last one)."""
        if at < self.created_at:
            return 0
        due = (at - self.created_at) // timedelta(weeks=self.every_weeks)
        return due if self.last_check_in is None else min(due, self.last_check_in)


@dataclass(frozen=True)
class Drawn:
    groups: tuple[Group, ...]
    new_cycle: bool  # everyone had met: history was forgotten


def met_pairs(pairings: Iterable[Pairing], *, cycle: int) -> frozenset[frozenset[str]]:
    """Every two people who were in one group in the pairings of `cycle`."""
    return frozenset(
        frozenset(pair)
        for pairing in pairings if pairing.cycle == cycle
        for group in pairing.groups
        for pair in combinations(group, 2)
    )


def check_every_weeks(every_weeks: int) -> None:
    if not MIN_EVERY_WEEKS <= every_weeks <= MAX_EVERY_WEEKS:
        raise BadEveryWeeks(str(every_weeks))


def draw(people: Sequence[str], met: Collection[frozenset[str]], rng: Random) -> Drawn:
    """Pairs (one trio when odd) with no pair in `met`; a new cycle when no such pairing
    exists."""
    members = sorted(set(people))
    if len(members) < 2:
        raise TooFewToPair(str(len(members)))
    found = _search(members, set(met), rng)
    if found is not None:
        return Drawn(found, new_cycle=False)
    fresh = _search(members, set(), rng)
    assert fresh is not None  # with nothing met, any grouping does
    return Drawn(fresh, new_cycle=True)


def check_chosen(groups: Sequence[Sequence[str]], members: Collection[str]) -> tuple[Group, ...]:
    """The owner's own pairing: every member exactly once, groups of two, at most one trio (only
    when their number is odd)."""
    seen: set[str] = set()
    for group in groups:
        if len(group) not in (2, 3):
            raise BadPartnerGroups("size")
        for person in group:
            if person not in members:
                raise BadPartnerGroups("unknown")
            if person in seen:
                raise BadPartnerGroups("twice")
            seen.add(person)
    if seen != set(members):
        raise BadPartnerGroups("missing")
    if sum(len(g) == 3 for g in groups) > len(members) % 2:
        raise BadPartnerGroups("trios")
    return tuple(tuple(sorted(g)) for g in groups)


def _search(members: list[str], met: set[frozenset[str]], rng: Random
            ) -> tuple[Group, ...] | None:
    order = members[:]
    rng.shuffle(order)
    steps = [0]

    def fresh(*people: str) -> bool:
        return all(frozenset(p) not in met for p in combinations(people, 2))

    def match(rest: list[str]) -> list[Group] | None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            return None
        if not rest:
            return []
        first, others = rest[0], rest[1:]
        if len(rest) == 3:  # the odd one out makes a trio with the last pair
            return [tuple(sorted(rest))] if fresh(*rest) else None
        candidates = [p for p in others if fresh(first, p)]
        rng.shuffle(candidates)
        for partner in candidates:
            remaining = [p for p in others if p != partner]
            found = match(remaining)
            if found is not None:
                return [tuple(sorted((first, partner))), *found]
        return None

    if len(order) % 2 == 1 and len(order) > 3:
        # Put the trio anywhere: try each choice of a trio's first member at the end.
        for _ in range(len(order)):
            found = match(order)
            if found is not None:
                return tuple(found)
            order.append(order.pop(0))
        return None
    found = match(order)
    return tuple(found) if found is not None else None
