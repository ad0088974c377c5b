"""Whether the bot can reach a person in Teams, and if not, why.

A bot may only start a personal chat with someone who has the app installed. The product
installs it for them through Graph and opens the chat; when that cannot be done, the reason is
kept so the plan's owner (and their admin) can see who misses their cards and what would fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Unreachable(StrEnum):
    # The service has no Teams app catalog id, so it cannot install the app for anyone.
    NOT_INSTALLED = "not_installed"
    # Graph refused the installation (403): an app permission or setup policy blocks it.
    INSTALL_BLOCKED = "install_blocked"
    # The directory no longer knows the person (404): they left the organisation.
    NOT_IN_DIRECTORY = "not_in_directory"
    # The person removed the app (Teams answered 403/404 in their chat). Not reinstalled behind
    # their back: adding it again from Teams' Apps brings them back.
    UNINSTALLED = "uninstalled"
    # Teams would not open a personal chat although the app is installed.
    NO_CHAT = "no_chat"


@dataclass(frozen=True)
class UnreachablePerson:
    user_id: str
    reason: Unreachable
    since: datetime
