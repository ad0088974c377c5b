"""Domain errors carry a stable code that presenters turn into a translated message."""

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
