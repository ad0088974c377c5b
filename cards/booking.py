"""Booking a plan: the progress card (updated in place while the jobs run) and its summary."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, reach_block, small
from cards.charts import progress_bar
from cards.elements import card, execute, heading, text
from cards.plan_preview import unbookable_block
from cards.views import BookingProgressView, BookingSummaryView


def booking_progress_card(view: BookingProgressView) -> dict[str, Any]:
    return card(
        [
            heading(view.title),
            text(view.progress, weight="Bolder"),
            progress_bar(view.booked, view.failed, view.total),
            *([facts(view.counts)] if view.counts else []),  # none before the first count
            small(view.note),
        ]
    )


def booking_summary_card(view: BookingSummaryView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.summary), facts(view.counts)]
    if view.failures:
        body.append(unbookable_block(view.failures_heading, view.failures, view.failures_more))
    if view.reach is not None:
        body.append(reach_block(view.reach))
    body.append(text(view.plans_hint, subtle=True, spacing="Medium"))
    return card(body, [execute(view.plans_button, verbs.PLANS_LIST)])
