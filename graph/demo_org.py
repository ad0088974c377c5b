"""The demo organisation: the one source of people, groups and the site used in local mode.

The Agents Playground config (teams_app/local/playground_config.py) and the local Graph
emulator both read this module, so a person chatting in the Playground is the same
person whose calendar the emulator serves. Pure data and lookups: no I/O, no clock, nothing
built at run time.

All names, addresses and ids are fictional. Addresses use `contoso-learning.example`, a domain
reserved by RFC 2606 that can never reach a real mailbox or tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

DOMAIN = "contoso-learning.example"
TENANT_ID = "9b3e6f4a-2c1d-4e8b-a7f5-0d6c3b2a1e90"
ORGANISATION_NAME = "Contoso Learning"
# The id the organisation's Teams app catalog gave Learning Loop when the admin uploaded it; the
# service installs the app for people under this id (POST /users/{id}/teamwork/installedApps).
TEAMS_APP_CATALOG_ID = "5f0c9a7e-3b1d-4e2a-8c6f-9d8e7b6a5c41"

# Graph's dayOfWeek values (as in mailboxSettings.workingHours.daysOfWeek).
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday")
MONDAY_TO_THURSDAY: tuple[str, ...] = WEEKDAYS[:4]


@dataclass(frozen=True)
class DemoPerson:
    object_id: str  # Entra ID (AAD) object id: a fixed GUID
    display_name: str
    given_name: str
    surname: str
    mail_nickname: str  # the part before @ in mail and user principal name
    job_title: str
    department: str
    office_location: str
    time_zone: str  # IANA, e.g. "Europe/Stockholm"
    windows_time_zone: str  # Windows name, as Graph's mailboxSettings return it
    # preferredLanguage and the mailbox's language: what their proactive cards speak until they
    # write to the bot (the Agents Playground always writes en-US)
    locale: str
    manager_id: str | None
    working_hours_start: time
    working_hours_end: time
    working_days: tuple[str, ...] = WEEKDAYS

    @property
    def email(self) -> str:
        return f"{self.mail_nickname}@{DOMAIN}"

    @property
    def user_principal_name(self) -> str:
        return self.email


@dataclass(frozen=True)
class DemoGroup:
    id: str  # Entra ID group object id
    display_name: str
    description: str
    mail_nickname: str
    member_ids: tuple[str, ...]
    owner_ids: tuple[str, ...] = ()

    @property
    def mail(self) -> str:
        return f"{self.mail_nickname}@{DOMAIN}"


@dataclass(frozen=True)
class DemoSite:
    id: str  # Graph site id: "<hostname>,<site collection id>,<web id>"
    hostname: str
    server_relative_path: str
    display_name: str

    @property
    def url(self) -> str:
        return f"https://{self.hostname}{self.server_relative_path}"


# --- people ----------------------------------------------------------------------------------

CHARLOTTE_EVANS = "a6981a08-020f-4467-96ab-ed4e00f03b67"  # Chief People Officer
INGRID_LINDQVIST = "e9209bd9-1572-4bb3-83ad-18fd46453f8d"  # learning lead, 7 direct reports
MAARTEN_DE_VRIES = "f54a3531-f21e-497d-a4c4-6d14b7a2a4f7"  # engineering manager, 5 reports
ERIK_JOHANSSON = "b0e02dd0-0f84-45a1-87c1-3f5cb2d7a796"
SOFIA_BERGSTROM = "82761119-9c90-4b16-8a0d-827cde8d9861"
LOTTE_JANSSEN = "d1a62926-0ab4-4c49-9f06-b5c79d7ab8cc"
JONAS_BECKER = "4eea92a7-84f9-40c3-af5d-147ceb18f449"
EMILY_CARTER = "d4b534e0-7985-41c7-af24-e7b0637846ab"
ANNA_SCHMIDT = "a45b4b9e-80f8-4653-99b1-f329452018da"
OLIVER_HUGHES = "45b0343f-c870-4520-8e11-4348c7eaebeb"
PIETER_BAKKER = "e55b38bd-9d91-4673-a834-8acdc7b138ba"
LENA_HOFFMANN = "8e379db3-866a-4062-b41e-94e37308cf8e"
JAMES_WHITFIELD = "078e1442-2696-4f28-b1c1-1dfb9c961f6f"
KARIN_NYSTROM = "f3b8549e-445c-40db-8791-5ac8245e47eb"
MICHAEL_BROOKS = "3d63e22f-0d7a-4ce0-8757-c4da114071dd"

LEARNING_LEAD_ID = INGRID_LINDQVIST

_STOCKHOLM = ("Europe/Stockholm", "W. Europe Standard Time")
_AMSTERDAM = ("Europe/Amsterdam", "W. Europe Standard Time")
_BERLIN = ("Europe/Berlin", "W. Europe Standard Time")
_LONDON = ("Europe/London", "GMT Standard Time")
_NEW_YORK = ("America/New_York", "Eastern Standard Time")


def _person(
    object_id: str,
    given_name: str,
    surname: str,
    nickname: str,
    job_title: str,
    department: str,
    office: str,
    zone: tuple[str, str],
    locale: str,
    manager_id: str | None,
    hours: tuple[time, time] = (time(8, 0), time(17, 0)),
    days: tuple[str, ...] = WEEKDAYS,
) -> DemoPerson:
    return DemoPerson(
        object_id=object_id,
        display_name=f"{given_name} {surname}",
        given_name=given_name,
        surname=surname,
        mail_nickname=nickname,
        job_title=job_title,
        department=department,
        office_location=office,
        time_zone=zone[0],
        windows_time_zone=zone[1],
        locale=locale,
        manager_id=manager_id,
        working_hours_start=hours[0],
        working_hours_end=hours[1],
        working_days=days,
    )


# A table: one person per block, so ruff's formatter is told to leave it alone.
# fmt: off
_PEOPLE: tuple[DemoPerson, ...] = (
    # The learning lead first: the default "current user" of the Playground.
    _person(INGRID_LINDQVIST, "Ingrid", "Lindqvist", "ingrid.lindqvist",
            "Head of Learning & Development", "People & Learning", "Stockholm",
            _STOCKHOLM, "sv-SE", CHARLOTTE_EVANS),
    _person(ERIK_JOHANSSON, "Erik", "Johansson", "erik.johansson",
            "Learning Experience Designer", "People & Learning", "Stockholm",
            _STOCKHOLM, "sv-SE", INGRID_LINDQVIST),
    _person(LOTTE_JANSSEN, "Lotte", "Janssen", "lotte.janssen",
            "Data Analyst", "People & Learning", "Amsterdam",
            _AMSTERDAM, "nl-NL", INGRID_LINDQVIST, (time(8, 30), time(17, 0))),
    _person(JONAS_BECKER, "Jonas", "Becker", "jonas.becker",
            "Product Owner, Learning Platform", "People & Learning", "Berlin",
            _BERLIN, "de-DE", INGRID_LINDQVIST, (time(8, 30), time(16, 30)),
            MONDAY_TO_THURSDAY),
    _person(EMILY_CARTER, "Emily", "Carter", "emily.carter",
            "Sales Enablement Specialist", "Sales", "New York",
            _NEW_YORK, "en-US", INGRID_LINDQVIST, (time(9, 0), time(17, 30))),
    _person(SOFIA_BERGSTROM, "Sofia", "Bergström", "sofia.bergstrom",
            "Customer Success Specialist", "Customer Success", "Stockholm",
            _STOCKHOLM, "sv-SE", INGRID_LINDQVIST, (time(7, 30), time(16, 0))),
    _person(ANNA_SCHMIDT, "Anna", "Schmidt", "anna.schmidt",
            "HR Business Partner", "People & Learning", "Berlin",
            _BERLIN, "de-DE", INGRID_LINDQVIST),
    _person(OLIVER_HUGHES, "Oliver", "Hughes", "oliver.hughes",
            "Onboarding Coordinator", "People & Learning", "London",
            _LONDON, "en-GB", INGRID_LINDQVIST, (time(9, 0), time(17, 30))),
    _person(MAARTEN_DE_VRIES, "Maarten", "de Vries", "maarten.devries",
            "Engineering Manager", "Engineering", "Amsterdam",
            _AMSTERDAM, "nl-NL", CHARLOTTE_EVANS),
    _person(PIETER_BAKKER, "Pieter", "Bakker", "pieter.bakker",
            "Backend Engineer", "Engineering", "Amsterdam",
            _AMSTERDAM, "nl-NL", MAARTEN_DE_VRIES, (time(9, 0), time(17, 30))),
    _person(LENA_HOFFMANN, "Lena", "Hoffmann", "lena.hoffmann",
            "Frontend Engineer", "Engineering", "Berlin",
            _BERLIN, "de-DE", MAARTEN_DE_VRIES),
    _person(JAMES_WHITFIELD, "James", "Whitfield", "james.whitfield",
            "Site Reliability Engineer", "Engineering", "London",
            _LONDON, "en-GB", MAARTEN_DE_VRIES, (time(10, 0), time(18, 30))),
    _person(KARIN_NYSTROM, "Karin", "Nyström", "karin.nystrom",
            "QA Engineer", "Engineering", "Stockholm",
            _STOCKHOLM, "sv-SE", MAARTEN_DE_VRIES),
    _person(MICHAEL_BROOKS, "Michael", "Brooks", "michael.brooks",
            "Solutions Architect", "Engineering", "New York",
            _NEW_YORK, "en-US", MAARTEN_DE_VRIES, (time(8, 30), time(17, 0))),
    _person(CHARLOTTE_EVANS, "Charlotte", "Evans", "charlotte.evans",
            "Chief People Officer", "Executive", "London",
            _LONDON, "en-GB", None),
)
# fmt: on

_BY_ID: dict[str, DemoPerson] = {p.object_id: p for p in _PEOPLE}


# --- groups and site ---------------------------------------------------------------------------

LEARNING_CIRCLE_GROUP_ID = "c443f57b-b38a-4e27-9560-b0ef39a92724"
ENGINEERING_GROUP_ID = "3362ac73-ceab-42be-bed6-6f52c20888b7"
LEARNING_LOOP_PILOT_GROUP_ID = "3b20b805-2757-4b2f-888c-526c572e3063"
LEARNING_LEADS_GROUP_ID = "7f1d2c4e-5a6b-4c8d-9e0f-1a2b3c4d5e6f"

_GROUPS: tuple[DemoGroup, ...] = (
    DemoGroup(
        id=LEARNING_CIRCLE_GROUP_ID,
        display_name="Learning Circle",
        description="Ingrid's team: protected learning time, check-ins and reflection rounds.",
        mail_nickname="learning-circle",
        member_ids=(
            INGRID_LINDQVIST,
            *(p.object_id for p in _PEOPLE if p.manager_id == INGRID_LINDQVIST),
        ),
        owner_ids=(INGRID_LINDQVIST,),
    ),
    DemoGroup(
        id=ENGINEERING_GROUP_ID,
        display_name="Engineering",
        description="Maarten's engineering team.",
        mail_nickname="engineering",
        member_ids=(
            MAARTEN_DE_VRIES,
            *(p.object_id for p in _PEOPLE if p.manager_id == MAARTEN_DE_VRIES),
        ),
        owner_ids=(MAARTEN_DE_VRIES,),
    ),
    DemoGroup(
        id=LEARNING_LOOP_PILOT_GROUP_ID,
        display_name="Learning Loop pilot",
        description="Mailboxes the Learning Loop app may read and write (Exchange RBAC scope).",
        mail_nickname="learning-loop-pilot",
        member_ids=tuple(p.object_id for p in _PEOPLE),
        owner_ids=(INGRID_LINDQVIST,),
    ),
    DemoGroup(
        # The demo runs with this group as its learning leads setting, so the person it signs
        # in as may plan for anyone (DESIGN.md section 7). Its admins own it, not a person.
        id=LEARNING_LEADS_GROUP_ID,
        display_name="Learning leads",
        description="Learning leads: they may plan learning time for anyone.",
        mail_nickname="learning-leads",
        member_ids=(INGRID_LINDQVIST,),
    ),
)

SHAREPOINT_SITE = DemoSite(
    id=(
        "contoso-learning.sharepoint.example,"
        "9804fa5d-edd8-431e-a75a-1b21cf41aa4b,fd8e09f6-6292-49d4-9cfa-944310dbeaa9"
    ),
    hostname="contoso-learning.sharepoint.example",
    server_relative_path="/sites/LearningLoop",
    display_name="Learning Loop",
)


# --- lookups -------------------------------------------------------------------------------------


def people() -> tuple[DemoPerson, ...]:
    """Everyone, the learning lead first, in a stable order."""
    return _PEOPLE


def person(object_id: str) -> DemoPerson:
    """The person with this object id; KeyError if there is none."""
    try:
        return _BY_ID[object_id]
    except KeyError:
        raise KeyError(f"no demo person with object id {object_id!r}") from None


def find_person(object_id: str) -> DemoPerson | None:
    return _BY_ID.get(object_id)


def learning_lead() -> DemoPerson:
    return _BY_ID[LEARNING_LEAD_ID]


def direct_reports(manager_id: str) -> tuple[DemoPerson, ...]:
    return tuple(p for p in _PEOPLE if p.manager_id == manager_id)


def groups() -> tuple[DemoGroup, ...]:
    return _GROUPS


def group(group_id: str) -> DemoGroup:
    """The group with this id; KeyError if there is none."""
    for g in _GROUPS:
        if g.id == group_id:
            return g
    raise KeyError(f"no demo group with id {group_id!r}")
