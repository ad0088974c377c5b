"""The emulator's state: people, mailboxes, sites, subscriptions, all in memory.

Ids come from a seeded random generator so a seed and an rng_seed always produce the same
objects; the clock is the real UTC time plus an offset that tests and the demo may move.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

DEFAULT_WORKING_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


class Clock:
    """UTC now, shifted by an offset the control API can move."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, at: datetime) -> None:
        self.offset = at.astimezone(UTC) - datetime.now(UTC)


@dataclass
class WorkingHours:
    days: tuple[str, ...] = DEFAULT_WORKING_DAYS
    start: time = time(8, 0)
    end: time = time(17, 0)


@dataclass
class User:
    id: str
    display_name: str
    user_principal_name: str
    mail: str | None
    mail_nickname: str
    given_name: str | None = None
    surname: str | None = None
    job_title: str | None = None
    department: str | None = None
    office_location: str | None = None
    preferred_language: str | None = None
    account_enabled: bool = True
    manager_id: str | None = None
    time_zone: str = "UTC"  # Windows name, as mailboxSettings report it
    # mailboxSettings.language.locale: Outlook's language, set apart from the directory's
    # preferredLanguage (as in Exchange); None: the preferredLanguage, else en-US.
    mailbox_language: str | None = None
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    has_mailbox: bool = True

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "businessPhones": [],
            "displayName": self.display_name,
            "givenName": self.given_name,
            "jobTitle": self.job_title,
            "mail": self.mail,
            "mobilePhone": None,
            "officeLocation": self.office_location,
            "preferredLanguage": self.preferred_language,
            "surname": self.surname,
            "userPrincipalName": self.user_principal_name,
            "accountEnabled": self.account_enabled,
            "city": None,
            "country": None,
            "department": self.department,
            "mailNickname": self.mail_nickname,
            "usageLocation": None,
            "userType": "Member",
        }


# Properties GET /users returns without $select (Graph v1.0 default set).
DEFAULT_USER_PROPERTIES = ("businessPhones", "displayName", "givenName", "jobTitle", "mail",
                           "mobilePhone", "officeLocation", "preferredLanguage", "surname",
                           "userPrincipalName", "id")


@dataclass
class Group:
    id: str
    display_name: str
    description: str | None
    mail_nickname: str
    mail: str | None
    member_ids: list[str] = field(default_factory=list)
    owner_ids: list[str] = field(default_factory=list)

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "displayName": self.display_name,
            "description": self.description,
            "groupTypes": [],
            "mail": self.mail,
            "mailEnabled": self.mail is not None,
            "mailNickname": self.mail_nickname,
            "securityEnabled": True,
            "visibility": None,
        }


@dataclass
class EventRecord:
    """A stored event: a single instance, a series master or an exception."""

    id: str
    mailbox_id: str
    props: dict[str, Any]
    start: datetime  # UTC instant
    end: datetime
    start_zone: str  # the zone name the creator used (Windows or IANA)
    end_zone: str
    is_all_day: bool
    type: str  # singleInstance | seriesMaster | exception
    created: datetime
    modified: datetime
    change_key: str
    recurrence: dict[str, Any] | None = None
    series_master_id: str | None = None
    original_start: datetime | None = None  # exceptions: the occurrence they replace
    cancelled_starts: set[datetime] = field(default_factory=set)  # masters
    exception_ids: dict[datetime, str] = field(default_factory=dict)  # masters
    # Meetings: an organiser's event knows its attendees' copies (user id -> event id), and a
    # copy knows its organiser's event (mailbox id, event id); see meetings.py.
    copies: dict[str, str] = field(default_factory=dict)
    meeting_of: tuple[str, str] | None = None


@dataclass
class Mailbox:
    user_id: str
    events: dict[str, EventRecord] = field(default_factory=dict)
    by_transaction: dict[str, str] = field(default_factory=dict)


@dataclass
class Column:
    id: str
    name: str
    display_name: str
    type: str  # text | number | dateTime | boolean | choice | personOrGroup | lookup | currency ...
    facet: dict[str, Any]
    description: str = ""
    indexed: bool = False
    enforce_unique: bool = False
    required: bool = False
    hidden: bool = False
    read_only: bool = False
    column_group: str = "Custom Columns"

    def resource(self) -> dict[str, Any]:
        return {
            "columnGroup": self.column_group,
            "description": self.description,
            "displayName": self.display_name,
            "enforceUniqueValues": self.enforce_unique,
            "hidden": self.hidden,
            "id": self.id,
            "indexed": self.indexed,
            "name": self.name,
            "readOnly": self.read_only,
            "required": self.required,
            self.type: dict(self.facet),
        }


@dataclass
class ListItem:
    id: str
    etag_id: str
    fields: dict[str, Any]
    created: datetime
    modified: datetime
    version: int = 1


@dataclass
class SpList:
    id: str
    site_id: str
    display_name: str
    name: str
    description: str
    template: str
    columns: list[Column]
    created: datetime
    modified: datetime
    items: dict[str, ListItem] = field(default_factory=dict)
    next_item_id: int = 1
    version: int = 1

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        lowered = name.lower()
        for column in self.columns:
            if column.name.lower() == lowered or column.id == name:
                return column
        return None


@dataclass
class Site:
    id: str
    hostname: str
    path: str  # server-relative, e.g. /sites/LearningLoop
    display_name: str
    created: datetime
    lists: dict[str, SpList] = field(default_factory=dict)

    @property
    def web_url(self) -> str:
        return f"https://{self.hostname}{self.path}"


@dataclass
class Subscription:
    id: str
    resource: str
    change_types: tuple[str, ...]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expiration: datetime
    kind: str  # events | list
    target: tuple[str, ...]  # (mailbox id,) or (site id, list id)
    latest_tls: str = "v1_2"


@dataclass
class Installation:
    id: str
    user_id: str
    app_id: str
    installed_at: datetime


class EmulatorState:
    """Everything the Graph endpoints read and write."""

    def __init__(self, *, rng_seed: int = 0, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.clear(rng_seed)

    def clear(self, rng_seed: int = 0) -> None:
        """Forget everything (the clock keeps its offset) and restart the id generator."""
        self.rng = random.Random(rng_seed)
        self.seed_name = "empty"
        self.users: dict[str, User] = {}
        self._user_index: dict[str, User] = {}  # lower-cased id, UPN and mail (see find_user)
        self.groups: dict[str, Group] = {}
        self.mailboxes: dict[str, Mailbox] = {}
        self.sites: dict[str, Site] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.installations: dict[str, Installation] = {}
        self.delta_links: dict[str, Any] = {}  # deltatoken -> snapshot
        self.delta_pages: dict[str, Any] = {}  # skiptoken -> pending changes
        self.notifications: list[dict[str, Any]] = []  # what the emulator sent, for assertions

    # --- ids ---------------------------------------------------------------------------------
    def new_guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_event_id(self) -> str:
        raw = b"\x00\x00\x8c\xaa\x00" + self.rng.getrandbits(8 * 40).to_bytes(40, "big")
        return "AAMkAG" + base64.urlsafe_b64encode(raw).decode()

    def new_change_key(self) -> str:
        return base64.b64encode(self.rng.getrandbits(8 * 21).to_bytes(21, "big")).decode()

    def new_token(self) -> str:
        return base64.urlsafe_b64encode(self.rng.getrandbits(8 * 24).to_bytes(24, "big")).decode()

    # --- lookups -----------------------------------------------------------------------------
    def find_user(self, key: str) -> User | None:
        user = self.users.get(key)
        if user is not None:
            return user
        lowered = key.lower()
        # getSchedule names people by address; with 10,000 people a scan per address made the
        # emulator, not the client, the bottleneck. The index is only a hint: a hit is checked
        # against the live table (users can be replaced or removed), a miss scans as before.
        hinted = self._user_index.get(lowered)
        if hinted is not None and self.users.get(hinted.id) is hinted and _answers(hinted, lowered):
            return hinted
        index: dict[str, User] = {}
        found: User | None = None
        for candidate in self.users.values():
            for name in (candidate.id, candidate.user_principal_name, candidate.mail):
                if name:
                    index.setdefault(name.lower(), candidate)
            if found is None and _answers(candidate, lowered):
                found = candidate
        self._user_index = index
        return found

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        if user.has_mailbox:
            self.mailboxes.setdefault(user.id, Mailbox(user.id))
        return user

    def members(self, group: Group, *, transitive: bool) -> list[User | Group]:
        found: list[User | Group] = []
        seen: set[str] = set()
        queue = list(group.member_ids)
        while queue:
            member_id = queue.pop(0)
            if member_id in seen:
                continue
            seen.add(member_id)
            if member_id in self.users:
                found.append(self.users[member_id])
            elif member_id in self.groups:
                found.append(self.groups[member_id])
                if transitive:
                    queue.extend(self.groups[member_id].member_ids)
        return found


def _answers(user: User, lowered: str) -> bool:
    names = (user.id, user.user_principal_name, user.mail)
    return any(name and name.lower() == lowered for name in names)
