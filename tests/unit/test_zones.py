"""Zone names on cards: one Windows zone covers many cities, so cards name the zone itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from teams_app.bot.zones import zone_label, zone_label_on


@pytest.mark.parametrize(
    ("zone", "at", "label"),
    [
        ("Europe/Berlin", datetime(2026, 1, 13, 9, tzinfo=UTC), "CET"),
        ("Europe/Stockholm", datetime(2026, 7, 14, 9, tzinfo=UTC), "CEST"),
        ("Europe/London", datetime(2026, 1, 13, 9, tzinfo=UTC), "GMT"),
        ("America/New_York", datetime(2026, 7, 14, 9, tzinfo=UTC), "EDT"),
        # Zones whose abbreviation is only an offset get a readable one.
        ("Asia/Dubai", datetime(2026, 1, 13, 9, tzinfo=UTC), "UTC+04:00"),
        ("America/Sao_Paulo", datetime(2026, 1, 13, 9, tzinfo=UTC), "UTC−03:00"),
        ("Asia/Kolkata", datetime(2026, 1, 13, 9, tzinfo=UTC), "IST"),
        ("UTC", datetime(2026, 1, 13, 9, tzinfo=UTC), "UTC"),
    ],
)
def test_a_zone_is_named_as_it_is_at_that_moment(zone: str, at: datetime, label: str) -> None:
    assert zone_label(zone, at) == label


def test_a_plan_starting_across_the_spring_change_is_named_by_its_first_session() -> None:
    # Europe moves to summer time on 29 March 2026: a plan starting on 30 March is in CEST.
    assert zone_label_on("Europe/Amsterdam", date(2026, 3, 27), time(10)) == "CET"
    assert zone_label_on("Europe/Amsterdam", date(2026, 3, 30), time(10)) == "CEST"
