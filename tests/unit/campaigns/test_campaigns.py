"""A campaign's rules: k, reminders, audience, timing, rounds, close; the k rule for reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from teams_app.domain.campaigns.campaigns import (
    Audience,
    BadAudience,
    BadReminders,
    BadTiming,
    Campaign,
    CampaignClosed,
    CampaignSpec,
    ClosesTooEarly,
    ThresholdOutOfRange,
    Timing,
    TooManyReminders,
)
from teams_app.domain.campaigns.responses import (
    NotInAudience,
    WrongForm,
    check_answerable,
    coarse_day,
    response_round,
    summarise,
)
from teams_app.domain.forms.answers import AnswerSet, ChoiceAnswer, NumberAnswer, TextAnswer

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def a_spec(**changes: object) -> CampaignSpec:
    values: dict[str, object] = {
        "form_key": "learning_checkin", "form_version": 1,
        "audience": Audience.of_people("p1", "p2"), "timing": Timing.once(NOW),
        "closes_at": NOW + timedelta(days=7),
    }
    values.update(changes)
    return CampaignSpec(**values)  # type: ignore[arg-type]


def a_campaign(**changes: object) -> Campaign:
    return Campaign.start(id="c1", owner_id="owner", spec=a_spec(**changes), at=NOW)


def test_defaults_k_five_and_reminders_after_one_and_three_days() -> None:
    spec = a_campaign().spec
    assert spec.k == 5
    assert spec.reminders == (timedelta(hours=24), timedelta(hours=72))


@pytest.mark.parametrize("k", [2, 26, 0])
def test_k_outside_3_to_25_is_refused(k: int) -> None:
    with pytest.raises(ThresholdOutOfRange):
        a_campaign(k=k)


@pytest.mark.parametrize("k", [3, 25])
def test_k_at_the_bounds_is_taken(k: int) -> None:
    assert a_campaign(k=k).spec.k == k


def test_at_most_two_reminders_increasing_and_positive() -> None:
    with pytest.raises(TooManyReminders):
        a_campaign(reminders=(timedelta(hours=1), timedelta(hours=2), timedelta(hours=3)))
    with pytest.raises(BadReminders):
        a_campaign(reminders=(timedelta(hours=72), timedelta(hours=24)))
    with pytest.raises(BadReminders):
        a_campaign(reminders=(timedelta(0),))
    assert a_campaign(reminders=()).spec.reminders == ()


def test_an_audience_needs_someone() -> None:
    with pytest.raises(BadAudience):
        a_campaign(audience=Audience.of_people())
    with pytest.raises(BadAudience):
        a_campaign(audience=Audience.of_plan(""))


def test_timing_needs_a_time_with_a_zone_and_a_sane_recurrence() -> None:
    with pytest.raises(BadTiming):
        a_campaign(timing=Timing.once(datetime(2026, 3, 10, 9, 0)))
    with pytest.raises(BadTiming):
        a_campaign(timing=Timing.recurring(NOW, every_weeks=0))


def test_the_close_must_come_after_the_first_send_and_now() -> None:
    with pytest.raises(ClosesTooEarly):
        a_campaign(closes_at=NOW)
    with pytest.raises(ClosesTooEarly):
        Campaign.start(id="c", owner_id="o", spec=a_spec(timing=Timing.once(NOW - timedelta(
            days=9)), closes_at=NOW - timedelta(days=1)), at=NOW)


def test_recurring_rounds_until_the_close() -> None:
    campaign = a_campaign(timing=Timing.recurring(NOW, every_weeks=2),
                          closes_at=NOW + timedelta(weeks=5))
    assert campaign.rounds_due(NOW + timedelta(weeks=10)) == [
        ("r0", NOW), ("r1", NOW + timedelta(weeks=2)), ("r2", NOW + timedelta(weeks=4))]
    assert campaign.next_round(NOW) == NOW + timedelta(weeks=2)
    assert campaign.next_round(NOW + timedelta(weeks=4)) is None


def test_a_once_campaign_has_one_round() -> None:
    campaign = a_campaign()
    assert campaign.rounds_due(NOW + timedelta(days=3)) == [("once", NOW)]
    assert campaign.next_round(NOW) is None


def test_closing_is_idempotent_and_refuses_answers() -> None:
    closed = a_campaign().close(NOW + timedelta(hours=1))
    assert closed.close(NOW + timedelta(hours=2)).closed_at == NOW + timedelta(hours=1)
    with pytest.raises(CampaignClosed):
        check_answerable(closed, form_key="learning_checkin", form_version=1, asked=True,
                         at=NOW + timedelta(hours=3))


def test_an_answer_after_the_close_time_is_refused_even_if_nobody_closed_it() -> None:
    with pytest.raises(CampaignClosed):
        check_answerable(a_campaign(), form_key="learning_checkin", form_version=1,
                         asked=True, at=NOW + timedelta(days=7))


def test_answers_to_another_form_or_from_someone_not_asked_are_refused() -> None:
    campaign = a_campaign()
    with pytest.raises(WrongForm):
        check_answerable(campaign, form_key="session_feedback", form_version=1, asked=True,
                         at=NOW)
    with pytest.raises(WrongForm):
        check_answerable(campaign, form_key="learning_checkin", form_version=2, asked=True,
                         at=NOW)
    with pytest.raises(NotInAudience):
        check_answerable(campaign, form_key="learning_checkin", form_version=1, asked=False,
                         at=NOW)


def test_an_anonymous_answer_keeps_only_the_day_and_no_round_of_one_persons_occurrence() -> None:
    assert coarse_day(datetime(2026, 3, 10, 14, 37, 12, tzinfo=UTC)) == datetime(
        2026, 3, 10, tzinfo=UTC)
    anonymous = a_campaign(anonymous=True)
    occurrence = anonymous.spec.timing.occurrence_round("20260310T0800Z")
    assert response_round(anonymous, occurrence) is None
    assert response_round(anonymous, "r3") == "r3"
    assert response_round(anonymous, "once") == "once"
    assert response_round(a_campaign(), occurrence) == occurrence


def _answers(n: int) -> list[AnswerSet]:
    return [AnswerSet("learning_checkin", 1, (
        ChoiceAnswer("used_time", ("yes",) if i % 2 else ("partly",)),
        NumberAnswer("rating", 4),
        TextAnswer("notes", "private words"),
    )) for i in range(n)]


def test_below_k_only_counts() -> None:
    summary = summarise(a_campaign(k=5), _answers(4), asked=10, answered=4, postponed=1,
                        unreachable=2)
    assert not summary.shown
    assert summary.tallies == ()
    assert (summary.asked, summary.answered, summary.postponed, summary.unreachable) == (
        10, 4, 1, 2)


def test_from_k_the_distributions_without_free_text() -> None:
    summary = summarise(a_campaign(k=5), _answers(5), asked=10, answered=5, postponed=0,
                        unreachable=0)
    assert summary.shown
    tallies = {t.question: dict(t.counts) for t in summary.tallies}
    assert tallies == {"rating": {"4": 5}, "used_time": {"partly": 3, "yes": 2}}
