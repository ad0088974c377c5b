"""The slot finder: when each member's learning time recurs (personal mode) or when the one team
session takes place (team mode), from working hours, time zones and free/busy.

Pure and deterministic: the same plan and calendars give the same answer, whatever the order of
busy spans. Instants are UTC; a slot is a wall-clock time in a zone (`SlotTime`), so a 10:00
slot stays at 10:00 local after a daylight-saving change even though its UTC time moves.

How a personal slot is ranked (first difference wins):
1. tier: a time outside 12:00–13:00 in the preferred part of the day that is free for at least
   half of the sessions; then the same in the other part of the day; then anything (lunch
   included), which is how "avoid lunch unless nothing else fits" and "respect the morning or
   afternoon preference" stay predictable instead of being weights that trade off silently;
2. most sessions free (then fewest that collide with busy time or fall outside working hours);
3. fewest colleagues already placed at overlapping times (spreading, so the team is not all
   out at once); members with the fewest equally good choices are placed first (within a
   chunk, when booking places members chunk by chunk: `PersonalSlotFinder`);
4. earliest start time, then earliest weekday.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from teams_app.domain.cadences import CadenceKind, minute_of_day
from teams_app.domain.calendar import (
    Availability,
    MailboxSettings,
    ShowAs,
    TimeSpan,
    Weekday,
    WorkingHours,
)
from teams_app.domain.learning_plans import DayPart, PlanSpec
from teams_app.domain.spreading import SpreadLoad
from teams_app.domain.time_grid import (
    CELL_MINUTES,
    CELLS_PER_DAY,
    Grid,
    cell_time,
    run,
    starts_of_runs,
    widen,
    zone,
)

LUNCH = (12 * 4, 13 * 4)  # 12:00–13:00 local, in cells
BUSY_STATUSES = frozenset({ShowAs.BUSY, ShowAs.OUT_OF_OFFICE, ShowAs.TENTATIVE})
_WEEK = tuple(Weekday)


@dataclass(frozen=True)
class SlotTime:
    """When a slot recurs: the plan's cadence on `days` at `start`, wall-clock in `time_zone`.
    `days` is empty for absolute monthly plans (the day of the month decides)."""

    days: tuple[Weekday, ...]
    start: time
    time_zone: str  # IANA


@dataclass(frozen=True)
class MemberCalendar:
    """What the finder needs of one person: zone, working hours and busy time (UTC spans)."""

    member_id: str
    time_zone: str  # IANA; the window is read in this zone
    working_hours: WorkingHours | None  # None when the mailbox does not say: window only
    busy: tuple[TimeSpan, ...] = field(default=(), repr=False)
    away: tuple[TimeSpan, ...] = field(default=(), repr=False)  # out of office (busy too)

    @classmethod
    def of(
        cls, member_id: str, settings: MailboxSettings, availability: Availability
    ) -> MemberCalendar:
        """From the Calendar port's answers. Tentative counts as busy: the person may go."""
        hours = settings.working_hours or availability.working_hours
        busy = tuple(b.span for b in availability.busy if b.status in BUSY_STATUSES)
        away = tuple(b.span for b in availability.busy if b.status is ShowAs.OUT_OF_OFFICE)
        return cls(member_id, settings.time_zone, hours, busy, away)


class SlotProblem(StrEnum):
    OUTSIDE_WORKING_HOURS = "outside_working_hours"  # the window never meets their hours
    NO_FREE_TIME = "no_free_time"  # every possible time is busy on every session


@dataclass(frozen=True)
class MemberSlot:
    member_id: str
    slot: SlotTime | None  # None with a problem
    sessions: int  # how many sessions the slot has over the horizon
    conflicts: tuple[date, ...] = ()  # local dates of sessions that collide
    problem: SlotProblem | None = None


@dataclass(frozen=True)
class PersonalSlots:
    members: tuple[MemberSlot, ...]  # in the order the calendars were given

    @property
    def outside_working_hours_for_everyone(self) -> bool:
        return bool(self.members) and all(
            m.problem is SlotProblem.OUTSIDE_WORKING_HOURS for m in self.members
        )


class Unavailable(StrEnum):
    BUSY = "busy"
    OUTSIDE_HOURS = "outside_working_hours"


@dataclass(frozen=True)
class Absence:
    """A member who cannot attend some team sessions: the session dates (organiser's zone)."""

    member_id: str
    dates: tuple[date, ...]
    reasons: tuple[Unavailable, ...]  # one per date


@dataclass(frozen=True)
class TeamSession:
    slot: SlotTime | None  # in the organiser's zone; None with a problem
    sessions: int
    attendance: int  # member-sessions that can be attended
    possible: int  # members × sessions
    absences: tuple[Absence, ...] = ()  # members who miss at least one session
    problem: SlotProblem | None = None


# --- public functions ----------------------------------------------------------------------


def search_windows(plan: PlanSpec) -> list[TimeSpan]:
    """The UTC spans to ask free/busy for: the days around every possible session, in every
    zone (UTC−12…+14), merged. One span for weekly plans; for monthly ones a short span per
    month, so a year-long plan does not fetch (or scan) a year of meetings."""
    dates = sorted({d for days in plan.day_patterns() for d in plan.occurrence_dates(days)})
    spans: list[TimeSpan] = []
    for day in dates or [plan.horizon.start]:
        start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=UTC)
        end = datetime.combine(day + timedelta(days=2), time(0), tzinfo=UTC)
        if spans and start - spans[-1].end < timedelta(days=7):  # one call beats two
            spans[-1] = TimeSpan(spans[-1].start, end)
        else:
            spans.append(TimeSpan(start, end))
    return spans


def occurrence_spans(
    plan: PlanSpec, slot: SlotTime, *, since: datetime | None = None
) -> list[tuple[date, TimeSpan]]:
    """Each session of a slot: its local date and its UTC span. With `since` (the time an
    edit took effect), only the sessions starting then or later: the earlier ones belong to
    the series of the revision before."""
    tz = zone(slot.time_zone)
    spans = []
    for day in plan.occurrence_dates(slot.days):
        start = datetime.combine(day, slot.start, tzinfo=tz).astimezone(UTC)
        if since is None or start >= since:
            spans.append((day, TimeSpan(start, start + plan.duration)))
    return spans


def last_day_before(slot: SlotTime, cut: datetime) -> date:
    """The last local date whose session of `slot` started before `cut`: where a series ends
    when an edit at `cut` replaces it (Graph's range endDate is inclusive and by date)."""
    local = cut.astimezone(zone(slot.time_zone))
    started = datetime.combine(local.date(), slot.start, tzinfo=local.tzinfo) < local
    return local.date() if started else local.date() - timedelta(days=1)


def find_personal_slots(plan: PlanSpec, members: Sequence[MemberCalendar]) -> PersonalSlots:
    return PersonalSlotFinder(plan).place(members)


class PersonalSlotFinder:
    """Places members chunk by chunk (booking reads calendars in chunks), carrying how many
    are out per cell from every earlier chunk, so later chunks spread around earlier ones.
    Within a chunk the most constrained go first; across chunks, earlier chunks go first."""

    def __init__(self, plan: PlanSpec) -> None:
        self._search = _Search(plan)
        self.load = SpreadLoad()  # how many placed members are out, per cell

    def place(self, members: Sequence[MemberCalendar]) -> PersonalSlots:
        search, load = self._search, self.load
        options = {m.member_id: search.options(m) for m in members}
        placed: dict[str, MemberSlot] = {}
        # The most constrained go first, so the flexible ones make room by spreading around them.
        for member in sorted(members, key=lambda m: (len(options[m.member_id][0]), m.member_id)):
            best, slot = options[member.member_id]
            if slot is not None:
                placed[member.member_id] = slot
                continue
            chosen = min(best, key=lambda c: (load.overlap(c.cells), c.start, c.day))
            load.add(chosen.cells)
            placed[member.member_id] = search.member_slot(member.member_id, chosen)
        return PersonalSlots(tuple(placed[m.member_id] for m in members))


def find_team_session(
    plan: PlanSpec, organiser_zone: str, members: Sequence[MemberCalendar]
) -> TeamSession:
    """One time in the organiser's zone that the most member-sessions can attend. Include the
    organiser in `members` when their own calendar should count."""
    search = _Search(plan)
    starts = [search.free_starts(m, window=False) for m in members]
    candidates = search.candidates(zone(organiser_zone))
    if not members or not any(w & c.starts for c in candidates for _, w in starts):
        return TeamSession(None, 0, 0, 0, problem=SlotProblem.OUTSIDE_WORKING_HOURS)

    def key(candidate: _Candidate) -> tuple[int, ...]:
        attend = sum((free & candidate.starts).bit_count() for free, _ in starts)
        rank = _rank(candidate, attend, candidate.sessions * len(members))
        return (*rank, candidate.start, candidate.day)

    chosen = min(candidates, key=key)
    absences: list[Absence] = []
    for member, (free, working) in zip(members, starts, strict=True):
        missed: list[tuple[date, Unavailable]] = []
        for day, base in zip(chosen.dates, chosen.bases, strict=True):
            at = base + chosen.start
            if not free >> at & 1:
                busy = working >> at & 1
                missed.append((day, Unavailable.BUSY if busy else Unavailable.OUTSIDE_HOURS))
        if missed:
            dates, reasons = tuple(d for d, _ in missed), tuple(r for _, r in missed)
            absences.append(Absence(member.member_id, dates, reasons))
    possible = chosen.sessions * len(members)
    attendance = possible - sum(len(a.dates) for a in absences)
    slot = SlotTime(chosen.days, cell_time(chosen.start), organiser_zone)
    if attendance == 0:
        return TeamSession(
            None, chosen.sessions, 0, possible, tuple(absences), SlotProblem.NO_FREE_TIME
        )
    return TeamSession(slot, chosen.sessions, attendance, possible, tuple(absences))


# --- the search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    zone: str  # IANA name of the zone the start is read in
    day: int  # index of the first weekday of `days`, for tie-breaks (7 for day-of-month)
    days: tuple[Weekday, ...]
    start: int  # local cell of the start
    dates: tuple[date, ...]  # local session dates
    bases: tuple[int, ...]  # UTC cell of local midnight per date
    starts: int  # UTC start cell of each session, as bits
    cells: int  # UTC cells the sessions occupy
    lunch: int  # 1 when a session overlaps 12:00–13:00 local
    off_preference: int  # 1 when outside the preferred part of the day
    tier: int  # its tier when it fits (see the module docstring): 0, 1, or 2 for lunch
    sessions: int


class _Search:
    """One run of the finder. Everything derived from the plan alone is computed once and
    shared: candidates and window cells per zone, working-hours cells per set of hours."""

    def __init__(self, plan: PlanSpec) -> None:
        self.plan = plan
        runs = [(days, tuple(plan.occurrence_dates(days))) for days in plan.day_patterns()]
        self.patterns = [(days, dates) for days, dates in runs if dates]
        all_dates = sorted({d for _, dates in self.patterns for d in dates})
        self.dates = all_dates
        self.grid = Grid.around(all_dates or [plan.horizon.start])
        self.length = -(-plan.duration_minutes // CELL_MINUTES)
        self.window = window_cells(plan)
        self._free: dict[str, int] = {}  # free start cells per member, for their conflicts
        self._by_zone: dict[str, tuple[list[_Candidate], int]] = {}
        self._hours: dict[WorkingHours, int] = {}

    def candidates(self, tz: ZoneInfo) -> list[_Candidate]:
        return self._zone(tz)[0]

    def _zone(self, tz: ZoneInfo) -> tuple[list[_Candidate], int]:
        """Candidates and window cells for members in `tz`."""
        cached = self._by_zone.get(tz.key)
        if cached is not None:
            return cached
        first, last = self.window
        candidates: list[_Candidate] = []
        for days, dates in self.patterns:
            bases = tuple(self.grid.base(tz, d, first) for d in dates)
            anchor = sum(1 << b for b in bases if b >= 0)
            occupied = widen(anchor, self.length)
            day = _WEEK.index(days[0]) if days else 7
            for start in range(first, last - self.length + 1):
                end = start + self.length
                lunch = start < LUNCH[1] and end > LUNCH[0]
                preferred = in_preferred_part(self.plan.preference, start, end)
                candidates.append(
                    _Candidate(
                        zone=tz.key,
                        day=day,
                        days=days,
                        start=start,
                        dates=dates,
                        bases=bases,
                        starts=anchor << start,
                        cells=occupied << start,
                        lunch=int(lunch),
                        off_preference=int(not preferred),
                        tier=2 if lunch else (0 if preferred else 1),
                        sessions=len(dates),
                    )
                )
        absolute = self.plan.cadence.kind is CadenceKind.MONTHLY_ABSOLUTE
        window_dates = [
            d for d in self.dates if absolute or _WEEK[d.weekday()] in self.plan.window.days
        ]
        window = self.grid.local_cells(tz, window_dates, first, last - first)
        self._by_zone[tz.key] = (candidates, window)
        return candidates, window

    def free_starts(self, member: MemberCalendar, *, window: bool) -> tuple[int, int]:
        """Cells where a session could start: free and allowed, and merely allowed."""
        allowed = self._zone(zone(member.time_zone))[1] if window else run(self.grid.size)
        if member.working_hours is not None:
            hours = self._hours.get(member.working_hours)
            if hours is None:
                hours = self.grid.working_hours(member.working_hours, self.dates) or 0
                self._hours[member.working_hours] = hours
            allowed &= hours
        free = allowed & ~self.grid.busy(member.busy)
        return starts_of_runs(free, self.length), starts_of_runs(allowed, self.length)

    def options(self, member: MemberCalendar) -> tuple[list[_Candidate], MemberSlot | None]:
        """The member's equally best candidates, or a finished slot when they have none."""
        free, allowed = self.free_starts(member, window=True)
        scored: list[tuple[tuple[int, ...], _Candidate]] = []
        for c in self.candidates(zone(member.time_zone)):
            if not allowed & c.starts:
                continue  # outside their working hours on every session
            # _rank, inlined: this runs for every member and candidate.
            n, free_n = c.sessions, (free & c.starts).bit_count()
            tier = c.tier if free_n and 2 * free_n >= n else 2
            scored.append(((tier, -free_n, n - free_n, c.lunch, c.off_preference), c))
        if not scored:
            problem = SlotProblem.OUTSIDE_WORKING_HOURS
            return [], MemberSlot(member.member_id, None, 0, problem=problem)
        top = min(key for key, _ in scored)
        best = [candidate for key, candidate in scored if key == top]
        if top[1] == 0:  # even the best time collides with every session
            problem = SlotProblem.NO_FREE_TIME
            return [], MemberSlot(member.member_id, None, best[0].sessions, problem=problem)
        self._free[member.member_id] = free
        return best, None

    def member_slot(self, member_id: str, chosen: _Candidate) -> MemberSlot:
        free = self._free.pop(member_id)  # a finder lives for a whole booking run
        conflicts = tuple(
            d
            for d, b in zip(chosen.dates, chosen.bases, strict=True)
            if not free >> (b + chosen.start) & 1
        )
        slot = SlotTime(chosen.days, cell_time(chosen.start), chosen.zone)
        return MemberSlot(member_id, slot, chosen.sessions, conflicts)


def window_cells(plan: PlanSpec) -> tuple[int, int]:
    """The window in whole cells: a start at 09:10 rounds up to 09:15, an end down."""
    start = -(-minute_of_day(plan.window.start) // CELL_MINUTES)
    end = minute_of_day(plan.window.end) // CELL_MINUTES
    return start, min(end, CELLS_PER_DAY)


def in_preferred_part(preference: DayPart, start: int, end: int) -> bool:
    if preference is DayPart.MORNING:
        return end <= LUNCH[0]
    if preference is DayPart.AFTERNOON:
        return start >= LUNCH[1]
    return True


def _rank(candidate: _Candidate, free: int, total: int) -> tuple[int, ...]:
    """Smaller is better; see the module docstring. `free` of `total` sessions are free (in
    team mode: member-sessions). `_Search.options` inlines this for speed."""
    fits = free > 0 and 2 * free >= total
    return (
        candidate.tier if fits else 2,
        -free,
        total - free,
        candidate.lunch,
        candidate.off_preference,
    )
