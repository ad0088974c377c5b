"""What the service sends to people: text or one Adaptive Card, never both built in a handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OutboundMessage:
    text: str | None = field(default=None, repr=False)
    card: dict[str, Any] | None = field(default=None, repr=False)
    summary: str | None = field(default=None, repr=False)  # shown in notifications for cards

    def __post_init__(self) -> None:
        if not self.text and self.card is None:
            raise ValueError("a message needs text or a card")
