"""What a saved edit did to the series booked before it, counted from the slots (pure)."""

from __future__ import annotations

from datetime import time

from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    EditCounts,
    EditKind,
    SlotState,
    edit_counts,
)
from teams_app.domain.calendar import Weekday


def slot(member: str, revision: int, state: SlotState) -> BookedSlot:
    return BookedSlot("p", member, revision, f"t-{member}-{revision}", (Weekday.TUESDAY,),
                      time(13, 0), "Europe/Stockholm", state)


def test_a_move_counts_replaced_kept_and_new_series() -> None:
    slots = [
        slot("a", 1, SlotState.CANCELLED), slot("a", 2, SlotState.BOOKED),  # moved
        slot("b", 1, SlotState.BOOKED), slot("b", 2, SlotState.PLANNED),  # Graph refused: kept
        slot("c", 1, SlotState.CANCELLED),  # no free time at the new time: removed
        slot("d", 2, SlotState.BOOKED),  # joined with the edit
    ]
    assert edit_counts(EditKind.MOVE, 2, slots, None) == EditCounts(moved=1, unchanged=1,
                                                                    booked=1)


def test_an_update_counts_the_series_its_run_updated() -> None:
    slots = [slot(m, 1, SlotState.BOOKED) for m in "abc"] + [slot("x", 1, SlotState.CANCELLED)]
    progress = BookingProgress("p", 2, total=3, done=2, failed=1)
    assert edit_counts(EditKind.UPDATE, 2, slots, progress) == EditCounts(updated=2,
                                                                          unchanged=1)
