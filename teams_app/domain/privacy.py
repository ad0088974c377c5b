"""A person's own data (DESIGN.md section 8): what is held about them, the fingerprint an
erase confirmation is made from, the keyed hash the erasure log names them by, and the signed
download link of their export. Pure: keys and times come in as values."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DATABASE = "database"


def sharepoint(list_name: str) -> str:
    """Where an item was written: the SharePoint list's name."""
    return f"sharepoint:{list_name}"


@dataclass(frozen=True)
class Holding:
    """One thing Learning Loop holds about a person. `details` is the exported content (their
    answers among it): never logged."""

    source: str  # the PersonalData source: plans, campaigns, languages, conversations, reach
    kind: str  # membership, slot, response, prompt, language, chat, unreachable, ...
    item_id: str
    recorded_at: datetime | None
    stored_in: tuple[str, ...] = (DATABASE,)
    details: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # Counted in the erase confirmation's fingerprint: what an erase takes away. A chat or a
    # language changes with every turn, so it must not make a confirmation old.
    significant: bool = True


@dataclass(frozen=True)
class Erased:
    """What one source erased: counts by kind (nothing else goes to the erasure log), the
    SharePoint items to delete (list kind, item key) and the person's calendar series to
    delete (event ids, and the marks a series in flight will carry)."""

    counts: Mapping[str, int] = field(default_factory=dict)
    list_items: tuple[tuple[str, str], ...] = ()
    calendar_series: tuple[str, ...] = ()
    calendar_marks: tuple[str, ...] = ()


def merge(parts: Iterable[Erased]) -> Erased:
    counts: dict[str, int] = {}
    items: list[tuple[str, str]] = []
    series: list[str] = []
    marks: list[str] = []
    for part in parts:
        for kind, count in part.counts.items():
            counts[kind] = counts.get(kind, 0) + count
        items.extend(part.list_items)
        series.extend(part.calendar_series)
        marks.extend(part.calendar_marks)
    return Erased({k: v for k, v in counts.items() if v}, tuple(items), tuple(series),
                  tuple(marks))


def fingerprint(holdings: Iterable[Holding]) -> str:
    """What an erase confirmation was made from: the significant holdings, by id and time. An
    erase that already ran, a new answer or an edited one changes it; a new chat does not."""
    parts = sorted(
        f"{h.source}|{h.kind}|{h.item_id}|{h.recorded_at.isoformat() if h.recorded_at else ''}"
        for h in holdings if h.significant
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def person_hash(key: bytes, person_id: str) -> str:
    """The erasure log's name for a person. Keyed: an object id can be read from the directory,
    so a plain hash of every employee's id would undo a plain hash of one; with the key (kept
    out of the log), an admin can still answer "was this person's data erased, and when?"."""
    return hmac.new(key, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()


class BadLink(ValueError):
    """A download link that was not made here, was changed, or has expired."""


def sign_link(key: bytes, person_id: str, expires: datetime) -> str:
    """A token naming the person and when it expires, signed so neither can be changed."""
    payload = f"{person_id}|{int(expires.timestamp())}"
    mac = hmac.new(key, f"export:{payload}".encode(), hashlib.sha256).digest()
    return f"{_b64(payload.encode())}.{_b64(mac)}"


def open_link(key: bytes, token: str, *, now: datetime) -> str:
    """The person a token was made for; BadLink when forged, changed or expired."""
    try:
        payload_part, mac_part = token.split(".", 1)
        payload = _unb64(payload_part).decode()
        person_id, expires = payload.rsplit("|", 1)
        expected = hmac.new(key, f"export:{payload}".encode(), hashlib.sha256).digest()
        valid = hmac.compare_digest(expected, _unb64(mac_part))
        expires_at = int(expires)
    except ValueError as error:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise BadLink("unreadable") from error
    if not valid or not person_id:
        raise BadLink("signature")
    if now.timestamp() >= expires_at:
        raise BadLink("expired")
    return person_id


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
