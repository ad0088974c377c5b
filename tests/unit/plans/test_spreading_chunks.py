"""Spreading when booking places members chunk by chunk (`PersonalSlotFinder`): the team's load
is carried from chunk to chunk, so later chunks spread around the earlier ones."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from datetime import time, timedelta

from teams_app.domain.cadences import LearningWindow
from teams_app.domain.learning_plans import PlanSpec
from teams_app.domain.slots import (
    MemberCalendar,
    MemberSlot,
    PersonalSlotFinder,
    find_personal_slots,
    occurrence_spans,
)
from tests.unit.plans.test_slots import (
    LONDON,
    MON,
    NEW_YORK,
    SPRING,
    STOCKHOLM,
    TUE,
    WED,
    a_plan,
    every,
    local,
    member,
)

QUARTER = timedelta(minutes=15)


def peak_out(plan: PlanSpec, placed: Sequence[MemberSlot]) -> int:
    """The most members in a session at the same quarter hour, over the whole horizon."""
    out: Counter[object] = Counter()
    for m in placed:
        assert m.slot is not None
        for _, span in occurrence_spans(plan, m.slot):
            at = span.start
            while at < span.end:
                out[at] += 1
                at += QUARTER
    return max(out.values())


def in_chunks(
    plan: PlanSpec, team: Sequence[MemberCalendar], size: int, *, carry: bool = True
) -> list[MemberSlot]:
    finder = PersonalSlotFinder(plan)
    placed: list[MemberSlot] = []
    for start in range(0, len(team), size):
        if not carry:
            finder = PersonalSlotFinder(plan)  # what booking chunk by chunk would do without it
        placed += finder.place(team[start : start + size]).members
    return placed


def test_members_with_the_same_options_are_spread_evenly_across_chunks() -> None:
    # Two session times that do not overlap (09:00 and 10:00): the documented bound is
    # ceil(members / 2) out at once, as when the whole team is placed at once.
    plan = a_plan(window=LearningWindow((MON,), time(9), time(11)))
    team = [member(f"m{n:02d}", STOCKHOLM) for n in range(30)]
    at_once = find_personal_slots(plan, team).members
    assert peak_out(plan, at_once) == 15
    assert peak_out(plan, in_chunks(plan, team, 3)) == math.ceil(30 / 2)
    # Each chunk on its own would put two of its three at 09:00: 20 out at once.
    assert peak_out(plan, in_chunks(plan, team, 3, carry=False)) == 20


def test_a_mixed_team_in_chunks_is_out_at_once_no_more_than_one_beyond_all_at_once() -> None:
    rng = random.Random(11)
    plan = a_plan(window=LearningWindow((MON, TUE, WED), time(9), time(16)))
    team = []
    for n in range(120):
        zone = (STOCKHOLM, LONDON, NEW_YORK)[n % 3]
        busy = tuple(
            local(zone, d, time(rng.randrange(8, 16)), rng.choice((30, 60, 90)))
            for d in every(SPRING, 0) + every(SPRING, 1) + every(SPRING, 2)
            for _ in range(rng.randrange(0, 4))
        )
        team.append(member(f"m{n:03d}", zone, busy))
    at_once = peak_out(plan, [m for m in find_personal_slots(plan, team).members if m.slot])
    chunked = [m for m in in_chunks(plan, team, 20) if m.slot]
    assert peak_out(plan, chunked) <= at_once + 1
    alone = [m for m in in_chunks(plan, team, 20, carry=False) if m.slot]
    assert peak_out(plan, alone) > at_once + 1


def test_every_member_gets_the_same_kind_of_slot_in_chunks_as_at_once() -> None:
    # Spreading only breaks ties among a member's equally good times (module docstring of
    # domain/slots.py): chunking changes which of them, never how good it is.
    rng = random.Random(5)
    plan = a_plan(window=LearningWindow((MON, TUE), time(9), time(16)))
    team = [
        member(f"m{n:02d}", STOCKHOLM, tuple(
            local(STOCKHOLM, d, time(rng.randrange(8, 16)), 60)
            for d in every(SPRING, 0) + every(SPRING, 1) for _ in range(2)
        ))
        for n in range(40)
    ]
    at_once = {m.member_id: m for m in find_personal_slots(plan, team).members}
    for m in in_chunks(plan, team, 7):
        assert (m.sessions, len(m.conflicts), m.problem) == (
            at_once[m.member_id].sessions, len(at_once[m.member_id].conflicts),
            at_once[m.member_id].problem,
        )
