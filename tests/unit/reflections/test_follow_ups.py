"""Follow-up scheduling: due N days after the round, "not yet" asks again a week later at most
twice, and the applied rate counts yes and partly over everyone asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from teams_app.domain.reflections.follow_ups import (
    Applied,
    CannotAskAgain,
    FollowUp,
    FollowUpAnswered,
    FollowUpState,
    applied_rate,
    first_due,
    wants_follow_up,
)

CLOSED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def a_follow_up(**changes: object) -> FollowUp:
    follow_up = FollowUp("f1", "astrid", "r1", "k1", "Pair weekly", None, date(2026, 3, 1),
                         first_due(CLOSED))
    return replace(follow_up, **changes)  # type: ignore[arg-type]


def test_due_fourteen_days_after_the_round_by_default_or_as_configured() -> None:
    assert first_due(CLOSED) == CLOSED + timedelta(days=14)
    assert first_due(CLOSED, timedelta(days=30)) == CLOSED + timedelta(days=30)


def test_only_a_named_action_whose_author_is_kept_is_followed_up() -> None:
    assert wants_follow_up("Pair weekly", keeps_person=True)
    assert not wants_follow_up("Pair weekly", keeps_person=False)
    assert not wants_follow_up("  ", keeps_person=True)
    assert not wants_follow_up(None, keeps_person=True)


def test_not_yet_asks_again_a_week_later_at_most_twice() -> None:
    at = CLOSED + timedelta(days=15)
    follow_up = a_follow_up(state=FollowUpState.ASKED).answered(Applied.NOT_YET, at=at)
    again = follow_up.asked_again(at=at)
    assert (again.ask, again.state, again.due_at) == (2, FollowUpState.WAITING,
                                                       at + timedelta(days=7))
    third = replace(again, state=FollowUpState.ASKED).answered(Applied.NOT_YET, at=at)
    assert third.asked_again(at=at).ask == 3
    last = replace(third.asked_again(at=at), state=FollowUpState.ASKED).answered(
        Applied.NOT_YET, at=at)
    assert not last.may_ask_again
    with pytest.raises(CannotAskAgain):
        last.asked_again(at=at)


def test_yes_or_partly_never_asks_again_and_an_answer_is_given_once() -> None:
    at = CLOSED + timedelta(days=15)
    for applied in (Applied.YES, Applied.PARTLY):
        answered = a_follow_up(state=FollowUpState.ASKED).answered(applied, at=at)
        with pytest.raises(CannotAskAgain):
            answered.asked_again(at=at)
        with pytest.raises(FollowUpAnswered):
            answered.answered(Applied.NOT_YET, at=at)


def test_the_applied_rate_is_yes_and_partly_over_everyone_asked() -> None:
    at = CLOSED + timedelta(days=15)
    asked = a_follow_up(state=FollowUpState.ASKED)
    rate = applied_rate([
        asked.answered(Applied.YES, at=at),
        asked.answered(Applied.PARTLY, at=at),
        asked.answered(Applied.NOT_YET, at=at),
        asked,  # asked, no answer yet: counts as asked
        a_follow_up(),  # not yet due: not asked
        a_follow_up(state=FollowUpState.UNREACHABLE),  # never reached them
    ])
    assert (rate.asked, rate.applied, rate.rate) == (4, 2, 0.5)
    assert applied_rate([]).rate is None
