"""What `learning-loop plan create` reads from its options, and the words it prints for the
domain's codes. Pure parsing and text: no I/O."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from teams_app.domain.bookings import MemberFailure
from teams_app.domain.cadences import Cadence
from teams_app.domain.calendar import Weekday, WeekIndex
from teams_app.domain.plan_errors import HorizonInvalid, PlanError
from teams_app.domain.reach import Unreachable

DAYS = {
    "mon": Weekday.MONDAY,
    "tue": Weekday.TUESDAY,
    "wed": Weekday.WEDNESDAY,
    "thu": Weekday.THURSDAY,
    "fri": Weekday.FRIDAY,
    "sat": Weekday.SATURDAY,
    "sun": Weekday.SUNDAY,
}
_ORDER = list(DAYS)
WEEKS = {
    "first": WeekIndex.FIRST,
    "second": WeekIndex.SECOND,
    "third": WeekIndex.THIRD,
    "fourth": WeekIndex.FOURTH,
    "last": WeekIndex.LAST,
}
CADENCE_HELP = (
    'weekly, "every 2 weeks", "weekly on tue,thu", monthly (first week), '
    '"monthly first tue", "monthly day 15"'
)


class OptionError(ValueError):
    """An option the command cannot read; `option` names it for the message."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


def parse_days(text: str, option: str = "--days") -> tuple[Weekday, ...]:
    """ "mon-fri", "mon,wed,fri", "tue" (three-letter English names)."""
    found: list[Weekday] = []
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in DAYS or last not in DAYS or _ORDER.index(first) > _ORDER.index(last):
                raise OptionError(option, f"{part!r} is not a range of days such as mon-fri")
            found += [DAYS[d] for d in _ORDER[_ORDER.index(first) : _ORDER.index(last) + 1]]
        elif part in DAYS:
            found.append(DAYS[part])
        else:
            raise OptionError(option, f"{part!r} is not a day (use mon, tue, wed, thu, fri, "
                                      "sat, sun)")
    if not found:
        raise OptionError(option, "name at least one day, e.g. mon-fri")
    return tuple(dict.fromkeys(found))


def parse_window(text: str) -> tuple[time, time]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise OptionError("--window", f"{text!r} is not a time range such as 09:00-16:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise OptionError("--window", f"{text!r} is not a time range such as 09:00-16:00")
    return time(h1, m1), time(h2, m2)


def parse_cadence(text: str) -> Cadence:
    words = text.lower().replace(",", " , ").split()
    words = [w for w in words if w != ","]
    try:
        if words[:1] == ["weekly"]:
            if len(words) == 1:
                return Cadence.weekly()
            if words[1] == "on" and len(words) > 2:
                return Cadence.weekly(days=parse_days(",".join(words[2:]), "--cadence"))
        if words[:1] == ["every"] and len(words) >= 3 and words[2].startswith("week"):
            rest = words[3:]
            days = parse_days(",".join(rest[1:]), "--cadence") if rest[:1] == ["on"] else ()
            return Cadence.weekly(every_weeks=int(words[1]), days=days)
        if words[:1] == ["monthly"]:
            if len(words) == 1:
                return Cadence.monthly_on(WeekIndex.FIRST)
            if words[1] == "day" and len(words) == 3:
                return Cadence.monthly_on_day(int(words[2]))
            if words[1] in WEEKS and len(words) <= 3:
                day = parse_days(words[2], "--cadence")[0] if len(words) == 3 else None
                return Cadence.monthly_on(WEEKS[words[1]], day)
    except OptionError:
        raise
    except ValueError:
        pass  # a number that is not one: the message below says what is expected
    raise OptionError("--cadence", f"{text!r} is not a cadence; use {CADENCE_HELP}")


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise OptionError(option, f"{text!r} is not a date such as 2026-03-02") from None


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


# --- what the codes mean, for people -------------------------------------------------------

_PLAN_ERRORS = {
    "plan_no_members": ("members", "name the members: --member (repeat it), --group or "
                                   "--reports-of"),
    "plan_duration_out_of_range": ("--duration", "a session lasts 15 to 240 minutes"),
    "plan_duration_longer_than_window": ("--duration", "the session is longer than the "
                                                       "window it must fit in"),
    "plan_window_invalid": ("--window", "the window needs days, must end after it starts and "
                                        "start and end on quarter hours"),
    "plan_cadence_invalid": ("--cadence", "the cadence does not fit: fixed session days must "
                                          "be inside --days, every 1-52 weeks or 1-12 months"),
    "plan_material_not_https": ("--material", "the material link must be an https:// address"),
    "plan_goal_too_long": ("--goal", "the goal is too long"),
}
_HORIZON = {
    "end_and_count": "give either --until or --sessions, not both",
    "no_end": "give --until DATE or --sessions N: a plan has an end",
    "end_before_start": "--until is before --start",
    "too_long": "a plan runs for at most a year",
    "count_out_of_range": "--sessions must be at least 1",
    "starts_in_past": "--start is in the past",
    "starts_too_late": "--start is too far ahead",
    "no_occurrences": "no session falls between --start and --until",
}


def plan_error_text(error: PlanError) -> tuple[str, str]:
    """(the option to fix, what is wrong) for a domain validation error."""
    if isinstance(error, HorizonInvalid):
        return "--start/--until/--sessions", _HORIZON.get(error.reason, error.reason)
    return _PLAN_ERRORS.get(error.code, ("plan", error.code))


FAILURE_TEXT = {
    MemberFailure.NO_MAILBOX: "no Exchange Online mailbox (Graph 404)",
    MemberFailure.OUTSIDE_TENANT: "not in this organisation's directory",
    MemberFailure.NO_FREE_TIME: "no free time in the window on any session",
    MemberFailure.OUTSIDE_WORKING_HOURS: "the window lies outside their working hours",
    MemberFailure.FORBIDDEN: "the app may not write this calendar (Graph 403: check the "
                             "application access policy)",
    MemberFailure.REJECTED: "Graph refused the event as malformed (400): please report it",
    MemberFailure.UNAVAILABLE: "Graph stayed throttled or unavailable (429/503) after every "
                               "retry: book again later",
    MemberFailure.NOT_ALLOWED: "the owner may not plan for them (not their report, not in a "
                               "group they own, and not a learning lead)",
}

# Why the bot cannot reach someone in Teams, and what would change that.
REACH_TEXT = {
    Unreachable.NOT_INSTALLED: (
        "the app is not installed for them and the service cannot install it",
        "set LEARNING_LOOP_GRAPH_TEAMS_APP_ID to the app's id in the Teams app catalog, or "
        "install it for them with an app setup policy (Teams admin center)"),
    Unreachable.INSTALL_BLOCKED: (
        "installing the app for them was refused (Graph 403)",
        "allow the app for them in the Teams admin center (app permission policies) and grant "
        "TeamsAppInstallation.ReadWriteSelfForUser.All"),
    Unreachable.NOT_IN_DIRECTORY: (
        "no longer in the organisation's directory (Graph 404)",
        "edit the plan to take them out"),
    Unreachable.UNINSTALLED: (
        "they removed the app from Teams",
        "they can add it again from Apps in Teams; it is not reinstalled behind their back"),
    Unreachable.NO_CHAT: (
        "Teams would not open a chat with them although the app is installed",
        "check in the Teams admin center that the app is allowed for them"),
}
