"""The retry delay: exponential growth, full jitter, a floor and a cap."""

from __future__ import annotations

import pytest

from teams_app.domain.backoff import retry_delay


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [
        (1, 0.5, 5.0),  # window [0, 10): half of it
        (2, 0.5, 10.0),  # the window doubles each attempt
        (3, 0.5, 20.0),
        (3, 0.0, 5.0),  # never below base / 2, so a retry is never immediate
        (4, 0.1, 8.0),
        (20, 0.5, 300.0),  # the window stops growing at the cap
        (20, 0.999, 599.4),
    ],
)
def test_delay_is_a_jittered_share_of_a_doubling_window(
    attempt: int, rand: float, expected: float
) -> None:
    assert retry_delay(attempt, base=10, cap=600, rand=rand) == pytest.approx(expected)


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    assert retry_delay(10_000, base=2, cap=3600, rand=0.5) == 1800


def test_cap_below_the_floor_wins() -> None:
    assert retry_delay(1, base=10, cap=1, rand=0.0) == 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"attempt": 0, "base": 1, "cap": 10, "rand": 0.5},
        {"attempt": 1, "base": 0, "cap": 10, "rand": 0.5},
        {"attempt": 1, "base": 1, "cap": 10, "rand": 1.0},
        {"attempt": 1, "base": 1, "cap": 10, "rand": -0.1},
    ],
)
def test_nonsense_is_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        retry_delay(**arguments)  # type: ignore[arg-type]
