"""Dates, times, numbers and durations in a person's locale, from CLDR (through Babel).

Presenters call these so that card views hold display-ready strings and cards stay pure. The
locale is the translator's language and region: "en-US" reads 2:30 PM, "en-GB", "sv", "nl" and
"de" read 14:30. A locale in a language the cards do not speak was already mapped to the default
language by `cards.translator_for`, so texts and formats always agree. Times arrive as wall-clock
values: converting to the person's zone and naming it is `bot/zones.py`'s work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from cards import Translator
from teams_app.domain.calendar import Weekday

# At most two decimals: sessions are whole minutes, and a quarter hour must read 0.25, not 0.2.
_DECIMAL = "#,##0.##"
_DAY_INDEX = {day: i for i, day in enumerate(Weekday)}  # CLDR counts Monday as 0, like Python


@cache
def _locale(language: str, region: str | None) -> Locale:
    try:
        return Locale(language, region)
    except (UnknownLocaleError, ValueError):  # a region CLDR does not pair with the language
        return Locale(language)


def locale_of(t: Translator) -> Locale:
    return _locale(t.language, t.region)


def decimal(t: Translator, value: float) -> str:
    """2.25 -> "2.25" (en), "2,25" (sv, nl, de); 3.0 -> "3"."""
    return format_decimal(value, _DECIMAL, locale=locale_of(t))


def percent(t: Translator, share: float) -> str:
    """0.6 -> "60%" (en), "60 %" (sv, de), "60%" (nl): whole percents."""
    return format_percent(share, locale=locale_of(t))


def hours_of(value: timedelta) -> float:
    """A duration in hours, to the precision `decimal` shows (the chart gets the same value)."""
    return round(value.total_seconds() / 3600, 2)


def minutes(t: Translator, count: int) -> str:
    """"60 minutes", "60 minuter", "60 minuten", "60 Minuten"."""
    return format_unit(count, "duration-minute", length="long", locale=locale_of(t))


def time_of_day(t: Translator, value: time) -> str:
    """"2:30 PM" (en-US), "14:30" (en-GB, sv, nl, de)."""
    return format_time(value, "short", locale=locale_of(t))


def time_range(t: Translator, start: time, end: time) -> str:
    """"10:00 – 11:00 AM" (en-US), "10:00–11:00" (sv, nl), "10:00–11:00 Uhr" (de)."""
    locale = locale_of(t)
    skeleton = "hm" if _twelve_hour(locale) else "Hm"
    return format_interval(start, end, skeleton, locale=locale)


def weekday(t: Translator, day: Weekday) -> str:
    """"Tuesday", "tisdag", "dinsdag", "Dienstag"."""
    return get_day_names("wide", "format", locale=locale_of(t))[_DAY_INDEX[day]]


def weekdays(t: Translator, days: Iterable[Weekday]) -> str:
    """"Tuesday and Thursday", "tisdag och torsdag"."""
    names = [weekday(t, d) for d in days]
    return format_list(names, locale=locale_of(t)) if names else ""


def day_and_month(t: Translator, day: date) -> str:
    """"March 10" (en-US), "10 March" (en-GB), "10 mars", "10 maart", "10. März"."""
    return format_skeleton("MMMMd", day, locale=locale_of(t))


def long_date(t: Translator, day: date) -> str:
    """"March 10, 2026" (en-US), "10 mars 2026", "10 maart 2026", "10. März 2026"."""
    return format_date(day, "long", locale=locale_of(t))


def _twelve_hour(locale: Locale) -> bool:
    pattern = locale.time_formats["short"].pattern
    return "h" in pattern or "K" in pattern
