"""What `learning-loop doctor` found: one result per check, and the Graph application
permissions each feature needs (the admin guide's list), so a refusal names both."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CheckStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # not applicable here (local mode, a feature switched off), with a note


@dataclass(frozen=True)
class CheckResult:
    check: str  # what was checked, e.g. "Graph: MailboxSettings.Read"
    status: CheckStatus
    detail: str  # what was seen; never a token or a person's words
    fix: str = ""  # what the admin does about a failure

    @classmethod
    def ok(cls, check: str, detail: str) -> CheckResult:
        return cls(check, CheckStatus.OK, detail)

    @classmethod
    def failed(cls, check: str, detail: str, fix: str) -> CheckResult:
        return cls(check, CheckStatus.FAILED, detail, fix)

    @classmethod
    def skipped(cls, check: str, detail: str) -> CheckResult:
        return cls(check, CheckStatus.SKIPPED, detail)


@dataclass(frozen=True)
class DoctorReport:
    results: tuple[CheckResult, ...]

    @property
    def healthy(self) -> bool:
        return all(result.status is not CheckStatus.FAILED for result in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status is CheckStatus.FAILED)


class GraphPermission(StrEnum):
    """The Microsoft Graph application permissions the service uses."""

    CALENDARS = "Calendars.ReadWrite"
    MAILBOX_SETTINGS = "MailboxSettings.Read"
    USERS = "User.Read.All"
    GROUP_MEMBERS = "GroupMember.Read.All"
    APP_INSTALLATION = "TeamsAppInstallation.ReadWriteSelfForUser.All"
    SITES = "Sites.Selected"


# The features that stop working without each permission, in the admin's words.
FEATURES: dict[GraphPermission, str] = {
    GraphPermission.CALENDARS: "booking and defending learning time in Outlook calendars",
    GraphPermission.MAILBOX_SETTINGS: "people's time zones, working hours and languages",
    GraphPermission.USERS: "who may plan for whom (managers and their reports)",
    GraphPermission.GROUP_MEMBERS: "plans and campaigns for groups, learning leads",
    GraphPermission.APP_INSTALLATION: "reaching people who never opened a chat with the bot",
    GraphPermission.SITES: "results in the SharePoint lists",
}


def grant_fix(permission: GraphPermission) -> str:
    """How an admin grants a permission that Graph refused."""
    feature = FEATURES[permission]
    if permission is GraphPermission.SITES:
        return (f"Needed for {feature}. Grant the app Sites.Selected with admin consent and a "
                "write role on the site (POST /sites/{site-id}/permissions), or run "
                "learning-loop provision --site again if the site changed.")
    fix = (f"Needed for {feature}. Grant the application permission {permission} to the Graph "
           "app in Microsoft Entra ID and give admin consent.")
    if permission in (GraphPermission.CALENDARS, GraphPermission.MAILBOX_SETTINGS):
        fix += (" With Exchange RBAC for applications, also check that the probed mailbox is "
                "inside the app's management scope.")
    return fix
