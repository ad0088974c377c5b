"""Cards to plan members: "your learning time is booked" after their series is created.

The booking job enqueues SLOT_BOOKED_CARD in the transaction that marks the slot booked, so the
card goes out once per booked slot, after the event exists.
"""

from __future__ import annotations

SLOT_BOOKED_CARD = "plans.slot_booked_card"  # job kind; payload: plan_id, member_id, revision
