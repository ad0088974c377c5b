"""Retry delays for failed jobs: exponential backoff with full jitter.

Full jitter spreads the retries of many jobs that failed together (an outage) over the whole
window instead of sending them back in a herd. The floor of half the base keeps a retry from
landing immediately, which would just hit the same transient fault again.
"""

from __future__ import annotations

# 2**62 times any sane base is far beyond any cap; clamping the exponent avoids float overflow
# for jobs configured with very many attempts.
_MAX_EXPONENT = 62


def retry_delay(attempt: int, *, base: float, cap: float, rand: float) -> float:
    """Seconds to wait before the next try, after `attempt` (1-based) tries have failed.

    `rand` is a uniform sample in [0, 1); the caller draws it so this stays deterministic.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if base <= 0 or cap <= 0:
        raise ValueError("base and cap must be positive")
    if not 0.0 <= rand < 1.0:
        raise ValueError("rand must be in [0, 1)")
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, _MAX_EXPONENT))
    floor = min(base / 2, cap)
    return max(floor, rand * ceiling)


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds; Graph and the Bot Connector send (possibly fractional)
    seconds. None when absent or not a number, so the caller falls back to its own backoff."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay
