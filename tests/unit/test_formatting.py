"""Dates, times, numbers and durations as CLDR writes them in each card language, and how a
person's locale picks the CLDR locale."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from cards import translator_for
from teams_app.bot.formatting import (
    decimal,
    hours_of,
    locale_of,
    long_date,
    minutes,
    time_of_day,
    time_range,
    weekdays,
)
from teams_app.bot.slot_texts import when
from teams_app.domain.calendar import Weekday

NNBSP = "\u202f"  # CLDR's narrow no-break space between an English time and AM/PM


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", "en_US"), ("en-GB", "en_GB"), ("sv-SE", "sv_SE"), ("nl", "nl"), ("de-DE", "de_DE"),
    ("de_AT", "de_AT"), (None, "en"), ("", "en"), ("fr-FR", "en"), ("en-XX", "en"),
    ("sv-US", "sv"), ("zh-Hans-CN", "en"),
])
def test_a_persons_locale_picks_cldr_data_falling_back_to_the_default_language(
    locale: str | None, expected: str
) -> None:
    assert str(locale_of(translator_for(locale))) == expected


def test_an_unsupported_locale_falls_back_to_the_configured_default_without_its_region() -> None:
    assert str(locale_of(translator_for("fr-FR", default="de"))) == "de"


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", "2.25"), ("en-GB", "2.25"), ("sv-SE", "2,25"), ("nl-NL", "2,25"), ("de-DE", "2,25"),
])
def test_a_quarter_hour_keeps_both_decimals(locale: str, expected: str) -> None:
    assert decimal(translator_for(locale), hours_of(timedelta(hours=2, minutes=15))) == expected


def test_whole_and_half_hours_are_written_short() -> None:
    t = translator_for("de")
    assert [decimal(t, v) for v in (3.0, 1.5, 0.0, 1234.5)] == ["3", "1,5", "0", "1.234,5"]
    assert hours_of(timedelta(minutes=20)) == 0.33


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", "1.5 of 2.25 hours kept"),
    ("sv-SE", "1,5 av 2,25 timmar genomförda"),
    ("nl-NL", "1,5 van 2,25 uur benut"),
    ("de-DE", "1,5 von 2,25 Stunden genutzt"),
])
def test_kept_of_booked_hours_in_every_language(locale: str, expected: str) -> None:
    t = translator_for(locale)
    kept, booked = hours_of(timedelta(hours=1.5)), hours_of(timedelta(hours=2.25))
    assert t("plans.hours", kept=decimal(t, kept), booked=decimal(t, booked)) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", f"Tuesday, March 10 at 2:30{NNBSP}PM"),
    ("en-GB", "Tuesday, 10 March at 14:30"),
    ("sv-SE", "tisdag 10 mars kl. 14:30"),
    ("nl-NL", "dinsdag 10 maart om 14:30"),
    ("de-DE", "Dienstag, 10. März um 14:30"),
])
def test_a_session_is_named_by_weekday_day_and_month_in_the_persons_zone(
    locale: str, expected: str
) -> None:
    # 13:30 UTC is 14:30 in Stockholm in March (CET).
    instant = datetime(2026, 3, 10, 13, 30, tzinfo=UTC)
    assert when(translator_for(locale), instant, "Europe/Stockholm") == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en-US", "March 10, 2026"), ("sv", "10 mars 2026"), ("nl", "10 maart 2026"),
    ("de", "10. März 2026"),
])
def test_a_long_date_has_the_month_name(locale: str, expected: str) -> None:
    assert long_date(translator_for(locale), date(2026, 3, 10)) == expected


@pytest.mark.parametrize(("locale", "morning", "afternoon", "window"), [
    ("en-US", f"9:05{NNBSP}AM", f"2:30{NNBSP}PM", f"9:00{NNBSP}AM\u2009–\u200912:00{NNBSP}PM"),
    ("en-GB", "09:05", "14:30", "09:00–12:00"),
    ("sv-SE", "09:05", "14:30", "09:00–12:00"),
    ("nl-NL", "09:05", "14:30", "09:00–12:00"),
    ("de-DE", "09:05", "14:30", "09:00–12:00 Uhr"),
])
def test_the_time_of_day_follows_the_locales_clock(
    locale: str, morning: str, afternoon: str, window: str
) -> None:
    t = translator_for(locale)
    assert (time_of_day(t, time(9, 5)), time_of_day(t, time(14, 30))) == (morning, afternoon)
    assert time_range(t, time(9), time(12)) == window


@pytest.mark.parametrize(("locale", "days", "length"), [
    ("en", "Tuesday and Thursday", "60 minutes"),
    ("sv", "tisdag och torsdag", "60 minuter"),
    ("nl", "dinsdag en donderdag", "60 minuten"),
    ("de", "Dienstag und Donnerstag", "60 Minuten"),
])
def test_weekdays_and_minutes_in_every_language(locale: str, days: str, length: str) -> None:
    t = translator_for(locale)
    assert weekdays(t, (Weekday.TUESDAY, Weekday.THURSDAY)) == days
    assert minutes(t, 60) == length
