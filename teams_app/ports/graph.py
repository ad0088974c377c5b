"""Microsoft Graph ports (implemented in graph/). Domain types only; no SDK type crosses them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from teams_app.domain.calendar import (
    Availability,
    CalendarChanges,
    CalendarEvent,
    ChangeType,
    EventChanges,
    EventDraft,
    MailboxSettings,
    Subscription,
    TimeSpan,
)
from teams_app.domain.directory import (
    AppInstallation,
    FieldValue,
    Group,
    ListItem,
    ListProvisioning,
    ListRef,
    ListSchema,
    Page,
    PeopleQuery,
    Person,
    Site,
)
from teams_app.ports.errors import GraphError


class Calendar(Protocol):
    """A person's Outlook calendar. `mailbox` is an Entra object id or a UPN."""

    async def mailbox_settings(self, mailbox: str) -> MailboxSettings: ...
    async def mailbox_settings_batched(
        self, mailboxes: Sequence[str]
    ) -> dict[str, MailboxSettings | GraphError]: ...  # per mailbox; GraphNotFound: none
    async def free_busy(
        self, mailboxes: Sequence[str], window: TimeSpan, *, interval_minutes: int = 30
    ) -> list[Availability]: ...  # one per mailbox, in the order asked
    async def calendar_view(self, mailbox: str, window: TimeSpan) -> list[CalendarEvent]: ...
    async def create_event(self, mailbox: str, draft: EventDraft) -> CalendarEvent: ...
    async def create_events_batched(
        self, drafts_by_mailbox: Mapping[str, Sequence[EventDraft]]
    ) -> dict[str, list[CalendarEvent | GraphError]]: ...  # per mailbox, in draft order
    async def series_instances(
        self, mailbox: str, series_id: str, window: TimeSpan
    ) -> list[CalendarEvent]: ...
    async def event(self, mailbox: str, event_id: str) -> CalendarEvent: ...  # GET one
    async def update_event(
        self, mailbox: str, event_id: str, changes: EventChanges
    ) -> CalendarEvent: ...  # one occurrence (becomes an exception) or a whole event
    async def cancel_event(self, mailbox: str, event_id: str, *, comment: str = "") -> None: ...
    async def delete_event(self, mailbox: str, event_id: str) -> None: ...
    # Series and single events carrying the product's mark (EventDraft.marker), all pages.
    async def marked_series(self, mailbox: str, marker: str) -> list[CalendarEvent]: ...
    # A meeting's events in this mailbox (an attendee's copy of a series), by its iCalUId.
    async def events_by_ical_uid(self, mailbox: str, ical_uid: str) -> list[CalendarEvent]: ...
    async def delta_scan(
        self, mailbox: str, window: TimeSpan | None = None, *, delta_link: str | None = None
    ) -> CalendarChanges: ...  # first scan needs the window; later ones the stored link


class Directory(Protocol):
    async def user(self, id_or_upn: str) -> Person: ...
    async def users(self, query: PeopleQuery, *, cursor: str | None = None) -> Page[Person]: ...
    async def group_members(self, group_id: str) -> list[Person]: ...  # transitive, users only
    async def direct_reports(self, user_id: str) -> list[Person]: ...
    async def groups_of(self, user_id: str) -> list[Group]: ...  # direct member; all pages
    async def group_owners(self, group_id: str) -> list[str]: ...  # users' object ids
    async def member_groups_among(
        self, user_id: str, group_ids: Sequence[str]
    ) -> set[str]: ...  # those of the groups the user is in, through nested groups too


class Lists(Protocol):
    """SharePoint lists the organisation owns. Writes are idempotent through the key column."""

    async def site_by_url(self, url: str) -> Site: ...
    async def site_by_id(self, site_id: str) -> Site: ...
    async def root_site(self) -> Site: ...  # the tenant's root site
    async def search_sites(self, words: str) -> list[Site]: ...  # by name, title or address
    async def ensure_list(self, site_id: str, schema: ListSchema) -> ListRef: ...
    # As ensure_list, saying what it changed (created, added, indexed, renamed back);
    # known_list_id finds the list where it was put before, whatever its title now.
    async def provision_list(
        self, site_id: str, schema: ListSchema, *, known_list_id: str | None = None
    ) -> ListProvisioning: ...
    async def add_item(self, ref: ListRef, fields: Mapping[str, FieldValue]) -> ListItem: ...
    async def update_item(
        self, ref: ListRef, item_id: str, fields: Mapping[str, FieldValue]
    ) -> ListItem: ...
    async def upsert_item(
        self, ref: ListRef, key: str, fields: Mapping[str, FieldValue], *, assume_new: bool = False
    ) -> ListItem: ...  # assume_new: create first, look up only when the key already exists
    async def item_by_key(self, ref: ListRef, key: str) -> ListItem | None: ...
    # Deletes the item whose key column holds `key`; False when there is none (gone already).
    async def delete_item(self, ref: ListRef, key: str) -> bool: ...
    async def query_items(
        self,
        ref: ListRef,
        where: Mapping[str, FieldValue],
        *,
        page_size: int = 200,
        cursor: str | None = None,
    ) -> Page[ListItem]: ...  # equality on indexed columns only


class TeamsAppInstaller(Protocol):
    async def install_for_user(self, user_id: str) -> AppInstallation: ...  # already = success
    async def chat_id(self, user_id: str) -> str | None: ...


class Subscriptions(Protocol):
    async def create(
        self,
        resource: str,
        change_types: Iterable[ChangeType],
        *,
        client_state: str,
        expires_at: datetime,
    ) -> Subscription: ...
    async def renew(self, subscription_id: str, *, expires_at: datetime) -> Subscription: ...
    async def delete(self, subscription_id: str) -> None: ...  # gone already = success
