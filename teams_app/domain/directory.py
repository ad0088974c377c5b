"""Directory values: people, pages of people, and the SharePoint sites and lists the product owns.

Pure: no SDK types, no I/O. Names, mail addresses and UPNs are personal data, so they stay out of
`repr` (and with it out of logs); object ids are what code passes around.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer answer. `cursor` is opaque; pass it back for the next page."""

    items: tuple[T, ...]
    cursor: str | None = field(default=None, repr=False)

    @property
    def has_more(self) -> bool:
        return self.cursor is not None


@dataclass(frozen=True)
class Person:
    object_id: str  # Entra ID object id: stable, the key everything else uses
    display_name: str = field(repr=False)
    user_principal_name: str = field(repr=False)
    mail: str | None = field(default=None, repr=False)
    given_name: str | None = field(default=None, repr=False)
    surname: str | None = field(default=None, repr=False)
    job_title: str | None = field(default=None, repr=False)
    department: str | None = None
    office_location: str | None = field(default=None, repr=False)
    preferred_language: str | None = None
    account_enabled: bool | None = None

    @property
    def mailbox(self) -> str:
        """The address calendar calls use; Graph accepts the object id or the UPN."""
        return self.mail or self.user_principal_name


@dataclass(frozen=True)
class Group:
    """An Entra ID group, as a choice of whom a plan is for."""

    id: str  # Entra ID object id
    display_name: str
    member_count: int | None = None  # None: not known without another round trip


@dataclass(frozen=True)
class PeopleQuery:
    """Which users to list. Every field is optional; set fields are combined with AND."""

    department: str | None = None
    job_title: str | None = None
    enabled_only: bool = True
    page_size: int = 100


# --- SharePoint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    id: str  # "<hostname>,<site collection id>,<web id>"
    web_url: str
    display_name: str = ""


class ColumnKind(StrEnum):
    TEXT = "text"
    NOTE = "note"  # multi-line text; cannot be indexed by SharePoint
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE_TIME = "dateTime"
    CHOICE = "choice"
    MULTI_CHOICE = "multiChoice"  # a choice column shown as check boxes: a list of choices


@dataclass(frozen=True)
class ListColumn:
    name: str  # internal name, used in filters and item fields
    kind: ColumnKind = ColumnKind.TEXT
    indexed: bool = False  # every column the product filters on (5,000-item view threshold)
    unique: bool = False  # enforceUniqueValues; SharePoint requires the column to be indexed
    required: bool = False
    choices: tuple[str, ...] = ()
    display_name: str | None = None

    def __post_init__(self) -> None:
        if self.unique and not self.indexed:
            raise ValueError(f"column {self.name}: unique values need an index")
        if self.indexed and self.kind is ColumnKind.NOTE:
            raise ValueError(f"column {self.name}: multi-line text cannot be indexed")
        if self.kind in (ColumnKind.CHOICE, ColumnKind.MULTI_CHOICE) and not self.choices:
            raise ValueError(f"column {self.name}: a choice column lists its choices")


MAX_INDEXED_COLUMNS = 20  # SharePoint's limit per list


@dataclass(frozen=True)
class ListSchema:
    """A list the product owns: its columns and the unique key that makes writes idempotent."""

    name: str  # display name, also the URL segment when created
    columns: tuple[ListColumn, ...]
    key_column: str = "LoopKey"
    description: str = ""

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"list {self.name}: column names repeat")
        key = self.column(self.key_column)
        if key is None or not key.unique:
            raise ValueError(f"list {self.name}: key column {self.key_column} must be unique")
        if len(self.indexed_columns) > MAX_INDEXED_COLUMNS:
            raise ValueError(f"list {self.name}: at most {MAX_INDEXED_COLUMNS} indexed columns")

    def column(self, name: str) -> ListColumn | None:
        return next((column for column in self.columns if column.name == name), None)

    @property
    def indexed_columns(self) -> tuple[ListColumn, ...]:
        return tuple(column for column in self.columns if column.indexed)


class ListChangeKind(StrEnum):
    LIST_CREATED = "list_created"
    COLUMN_ADDED = "column_added"
    COLUMN_INDEXED = "column_indexed"  # an existing column got the index it needs
    COLUMN_RENAMED_BACK = "column_renamed_back"  # someone changed its display name
    CHOICES_ADDED = "choices_added"  # a form offers a choice the column did not have


@dataclass(frozen=True)
class ListChange:
    kind: ListChangeKind
    column: str | None = None  # the internal name
    was: str | None = None  # a renamed column's display name before it was put back


@dataclass(frozen=True)
class ListProvisioning:
    """What making a list match its schema found and did; no changes: it matched already."""

    ref: ListRef
    changes: tuple[ListChange, ...] = ()


@dataclass(frozen=True)
class ListRef:
    site_id: str
    list_id: str
    name: str
    key_column: str = "LoopKey"
    indexed: frozenset[str] = frozenset()  # the columns a query may filter on


FieldValue = str | int | float | bool | datetime | tuple[str, ...] | None


@dataclass(frozen=True)
class ListItem:
    id: str
    fields: Mapping[str, object] = field(repr=False)  # may hold people's answers
    etag: str | None = None
    created: bool = False  # True when an upsert created it rather than updating


@dataclass(frozen=True)
class AppInstallation:
    """The Teams app installed in a person's personal scope, and the chat the bot can use."""

    user_id: str
    installation_id: str | None
    chat_id: str | None
    newly_installed: bool
