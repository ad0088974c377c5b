"""A `plan_slots` row as the domain's BookedSlot: one mapping for every repository reading it."""

from __future__ import annotations

from datetime import time
from typing import Any

from teams_app.domain.bookings import BookedSlot, SlotState
from teams_app.domain.calendar import Weekday


def slot_from_row(row: Any) -> BookedSlot:
    return BookedSlot(
        plan_id=row["plan_id"],
        member_id=row["member_id"],
        revision=row["revision"],
        transaction_id=row["transaction_id"],
        days=tuple(Weekday(d) for d in row["days"].split(",") if d),
        start=time.fromisoformat(row["start_time"]),
        time_zone=row["time_zone"],
        state=SlotState(row["state"]),
        event_id=row["event_id"],
        since=row["since"],
    )
