"""Seeds: `empty` (nobody) and `demo` (graph.demo_org's people, groups and site, with busy
calendars for the coming eight weeks).

The demo calendars are generated, deterministically, from the people and a `now`: recurring
team meetings and 1:1s organised by each manager (a copy of the series in every attendee's
mailbox, sharing one iCalUId, as Exchange keeps them), focus blocks, some tentative meetings,
a working-from-home day and a few out-of-office weeks. demo_org stays the one source of who is
who; the only account added here is one without a mailbox, which the brief asks for.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from graph import demo_org
from graph.emulator.events import apply
from graph.emulator.store import EmulatorState, Group, Mailbox, Site, User, WorkingHours
from graph.emulator.timezones import require_zone

SEEDS = ("empty", "demo")
WEEKS = 8
# A directory account with no Exchange mailbox: mailbox endpoints answer 404
# MailboxNotEnabledForRESTAPI for it.
NO_MAILBOX_USER_ID = "0c9d6a5e-6f0b-4a53-9e55-3b1f9f7c2d41"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def load(state: EmulatorState, seed: str, *, now: datetime, rng_seed: int = 0) -> None:
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; use one of {', '.join(SEEDS)}")
    state.clear(rng_seed)
    state.seed_name = seed
    if seed == "demo":
        _demo(state, now)


def user_from_person(person: demo_org.DemoPerson) -> User:
    return User(
        id=person.object_id, display_name=person.display_name,
        user_principal_name=person.user_principal_name, mail=person.email,
        mail_nickname=person.mail_nickname, given_name=person.given_name,
        surname=person.surname, job_title=person.job_title, department=person.department,
        office_location=person.office_location, preferred_language=person.locale,
        mailbox_language=person.locale,
        manager_id=person.manager_id, time_zone=person.windows_time_zone,
        working_hours=WorkingHours(person.working_days, person.working_hours_start,
                                   person.working_hours_end))


def _demo(state: EmulatorState, now: datetime) -> None:
    for person in demo_org.people():
        state.add_user(user_from_person(person))
    state.add_user(User(
        id=NO_MAILBOX_USER_ID, display_name="Nils Ekberg",
        user_principal_name=f"nils.ekberg@{demo_org.DOMAIN}", mail=None,
        mail_nickname="nils.ekberg", given_name="Nils", surname="Ekberg",
        job_title="External Facilitator (no mailbox)", department="People & Learning",
        office_location="Stockholm", preferred_language="sv-SE",
        time_zone="W. Europe Standard Time", has_mailbox=False))
    for group in demo_org.groups():
        state.groups[group.id] = Group(group.id, group.display_name, group.description,
                                       group.mail_nickname, group.mail, list(group.member_ids),
                                       list(group.owner_ids))
    site = demo_org.SHAREPOINT_SITE
    state.sites[site.id] = Site(site.id, site.hostname, site.server_relative_path,
                                site.display_name, created=now - timedelta(days=120))
    _Calendars(state, now).build()


class _Calendars:
    def __init__(self, state: EmulatorState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.rng = random.Random(f"demo-calendars:{now.date().isoformat()}")

    def monday(self, person: demo_org.DemoPerson) -> date:
        local = self.now.astimezone(require_zone(person.windows_time_zone)).date()
        return local - timedelta(days=local.weekday())

    def add(self, owner_id: str, body: dict[str, Any]) -> Any:
        owner = self.state.users[owner_id]
        record = apply(self.state, owner, body, now=self.now, tenant_id=demo_org.TENANT_ID)
        self.state.mailboxes.setdefault(owner_id, Mailbox(owner_id)).events[record.id] = record
        return record

    def meeting(self, organizer: demo_org.DemoPerson, attendees: list[demo_org.DemoPerson],
                body: dict[str, Any]) -> None:
        invitees = [a for a in attendees if a.object_id != organizer.object_id]
        body = {**body, "attendees": [
            {"emailAddress": {"address": a.email, "name": a.display_name}, "type": "required"}
            for a in invitees]}
        master = self.add(organizer.object_id, body)
        copy = {**body, "organizer": {"emailAddress": {"address": organizer.email,
                                                       "name": organizer.display_name}}}
        for attendee in invitees:
            record = self.add(attendee.object_id, copy)
            record.props["iCalUId"] = master.props["iCalUId"]

    def series(self, organizer: demo_org.DemoPerson, subject: str, days: list[str],
               start: time, minutes: int, *, interval: int = 1, zone: str | None = None,
               week_offset: int = 0) -> dict[str, Any]:
        zone = zone or organizer.windows_time_zone
        monday = self.monday(organizer) + timedelta(weeks=week_offset)
        first = min(monday + timedelta(days=DAYS.index(d)) for d in days)
        begin = datetime.combine(first, start)
        return {
            "subject": subject, "showAs": "busy",
            "start": {"dateTime": begin.isoformat(), "timeZone": zone},
            "end": {"dateTime": (begin + timedelta(minutes=minutes)).isoformat(),
                    "timeZone": zone},
            "isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness",
            "recurrence": {
                "pattern": {"type": "weekly", "interval": interval, "daysOfWeek": days,
                            "firstDayOfWeek": "monday"},
                "range": {"type": "endDate", "startDate": first.isoformat(),
                          "endDate": (monday + timedelta(weeks=WEEKS, days=-1)).isoformat(),
                          "recurrenceTimeZone": zone}},
        }

    def build(self) -> None:
        people = {p.object_id: p for p in demo_org.people()}
        lead, engineering = demo_org.learning_lead(), people[demo_org.MAARTEN_DE_VRIES]
        chief = people[demo_org.CHARLOTTE_EVANS]
        circle = [people[i] for i in demo_org.group(demo_org.LEARNING_CIRCLE_GROUP_ID).member_ids]
        team = [people[i] for i in demo_org.group(demo_org.ENGINEERING_GROUP_ID).member_ids]
        self.meeting(lead, circle, self.series(lead, "Learning Circle weekly", ["tuesday"],
                                               time(15, 0), 45))
        self.meeting(engineering, team, self.series(
            engineering, "Engineering stand-up", list(DAYS[:5]), time(9, 30), 15))
        self.meeting(chief, [chief, lead, engineering], self.series(
            chief, "People leadership sync", ["thursday"], time(14, 0), 60, interval=2))
        for manager in (chief, lead, engineering):
            for index, report in enumerate(demo_org.direct_reports(manager.object_id)):
                day = DAYS[index % 5]
                start = time(11 + (index // 5), 30 if index % 2 else 0)
                self.meeting(manager, [manager, report], self.series(
                    manager, f"1:1 {manager.given_name} / {report.given_name}", [day], start,
                    30, interval=2, week_offset=index % 2))
        for person in demo_org.people():
            self.personal(person)

    def personal(self, person: demo_org.DemoPerson) -> None:
        zone = person.windows_time_zone
        monday = self.monday(person)
        for week in range(WEEKS):
            for _ in range(2):
                day = monday + timedelta(weeks=week,
                                         days=DAYS.index(self.rng.choice(person.working_days)))
                start = datetime.combine(day, person.working_hours_start) + \
                    timedelta(hours=self.rng.randint(1, 3))
                self.add(person.object_id, {
                    "subject": "Focus time", "showAs": "busy", "sensitivity": "private",
                    "isReminderOn": False,
                    "start": {"dateTime": start.isoformat(), "timeZone": zone},
                    "end": {"dateTime": (start + timedelta(hours=2)).isoformat(),
                            "timeZone": zone}})
            if self.rng.random() < 0.5:
                day = monday + timedelta(weeks=week, days=self.rng.randint(0, 3))
                start = datetime.combine(day, time(13, 0))
                self.add(person.object_id, {
                    "subject": "Vendor demo (maybe)", "showAs": "tentative",
                    "start": {"dateTime": start.isoformat(), "timeZone": zone},
                    "end": {"dateTime": (start + timedelta(hours=1)).isoformat(),
                            "timeZone": zone}})
        away = {demo_org.SOFIA_BERGSTROM: 2, demo_org.LENA_HOFFMANN: 4,
                demo_org.JAMES_WHITFIELD: 6}
        if person.object_id in away:
            first = monday + timedelta(weeks=away[person.object_id])
            self.add(person.object_id, {
                "subject": "Vacation", "showAs": "oof", "isAllDay": True,
                "start": {"dateTime": f"{first.isoformat()}T00:00:00", "timeZone": zone},
                "end": {"dateTime": f"{(first + timedelta(days=5)).isoformat()}T00:00:00",
                        "timeZone": zone}})
        if person.object_id == demo_org.EMILY_CARTER:
            self.add(person.object_id, {
                "subject": "Working from home", "showAs": "workingElsewhere", "isAllDay": True,
                "start": {"dateTime": f"{(monday + timedelta(days=4)).isoformat()}T00:00:00",
                          "timeZone": zone},
                "end": {"dateTime": f"{(monday + timedelta(days=5)).isoformat()}T00:00:00",
                        "timeZone": zone},
                "recurrence": {"pattern": {"type": "weekly", "interval": 1,
                                           "daysOfWeek": ["friday"]},
                               "range": {"type": "numbered",
                                         "startDate": (monday + timedelta(days=4)).isoformat(),
                                         "numberOfOccurrences": WEEKS}}})
