"""Hand-written fakes for the ports (STYLE.md item 14): they implement the Protocol and record."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    """A clock that only moves when the test moves it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at
