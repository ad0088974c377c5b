from __future__ import annotations

from datetime import timedelta

import pytest

from teams_app.domain.durations import parse_duration
from teams_app.settings import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90", timedelta(seconds=90)), ("15m", timedelta(minutes=15)), ("2h30m", timedelta(hours=2.5)),
     ("14d", timedelta(days=14)), ("1w 2d", timedelta(days=9)), ("1.5h", timedelta(hours=1.5))],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "5 parsecs", "10x", "-3d", "d"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_tenant_lists_come_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNING_LOOP_APP_ID", "app")
    monkeypatch.setenv("LEARNING_LOOP_ALLOWED_TENANTS", " t1, t2 ,")
    assert Settings().allowed_tenants == ["t1", "t2"]
