"""Every Graph application permission the enabled features need, each tested by one harmless
call, and the Exchange RBAC scope that limits calendar access to a group of mailboxes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from teams_app.domain.calendar import TimeSpan
from teams_app.domain.directory import PeopleQuery
from teams_app.domain.doctor import CheckResult, GraphPermission, grant_fix
from teams_app.ports import Directory, GraphError, GraphForbidden, GraphNotFound, Lists
from teams_app.ports.doctor import DoctorPorts
from teams_app.settings import Settings

GRAPH = "Microsoft Graph"
RBAC = "Exchange RBAC scope"
PROBE_WINDOW = timedelta(hours=1)


def check_name(permission: GraphPermission) -> str:
    return f"Graph: {permission}"


@dataclass(frozen=True)
class Probed:
    """The mailbox the probes use: what getSchedule takes (an address) and the object id."""

    address: str
    user_id: str


async def check_graph_permissions(
    settings: Settings, ports: DoctorPorts, *, database_ready: bool
) -> list[CheckResult]:
    """`database_ready`: the lists to probe are found in the database; one that is out of
    reach or not migrated is not opened (a missing SQLite file would be created)."""
    calendar, directory, lists = ports.calendar, ports.directory, ports.lists
    if calendar is None or directory is None or lists is None:
        return [CheckResult.failed(
            GRAPH, "not configured",
            "Set LEARNING_LOOP_GRAPH_AUTH and its credentials (client id, tenant id, secret "
            "or certificate), or a managed identity.")]
    results: list[CheckResult] = []
    probed, users = await _probed_mailbox(settings, directory)
    results.append(users)
    window = TimeSpan(ports.clock.now(), ports.clock.now() + PROBE_WINDOW)
    if probed is None:
        note = "no mailbox to probe: set LEARNING_LOOP_DOCTOR_MAILBOX"
        results += [CheckResult.skipped(check_name(p), note)
                    for p in (GraphPermission.MAILBOX_SETTINGS, GraphPermission.CALENDARS)]
    else:
        results.append(await _probe(
            GraphPermission.MAILBOX_SETTINGS, "read the probed mailbox's settings",
            lambda: calendar.mailbox_settings(probed.address), "LEARNING_LOOP_DOCTOR_MAILBOX"))
        results.append(await _probe(
            GraphPermission.CALENDARS, "getSchedule answered for the probed mailbox",
            lambda: calendar.free_busy([probed.address], window), "LEARNING_LOOP_DOCTOR_MAILBOX"))
    results.append(await _group_members(settings, directory))
    results.append(await _sites(ports, lists) if database_ready else CheckResult.skipped(
        check_name(GraphPermission.SITES), "the database, which names the lists, is not ready"))
    results.append(await _installed_apps(ports, probed))
    return results


async def check_rbac_scope(settings: Settings, ports: DoctorPorts) -> CheckResult:
    outside = settings.rbac_outside_mailbox
    if not outside:
        return CheckResult.skipped(
            RBAC, "LEARNING_LOOP_RBAC_OUTSIDE_MAILBOX is not set: the scope was not tested")
    if ports.calendar is None:
        return CheckResult.skipped(RBAC, "Microsoft Graph is not configured")
    window = TimeSpan(ports.clock.now(), ports.clock.now() + PROBE_WINDOW)
    try:
        await ports.calendar.calendar_view(outside, window)
    except GraphForbidden:
        return CheckResult.ok(RBAC, "Graph refused the calendar of a mailbox outside the scope")
    except GraphNotFound:
        return CheckResult.failed(RBAC, "the mailbox outside the scope does not exist",
                                  "Set LEARNING_LOOP_RBAC_OUTSIDE_MAILBOX to an existing "
                                  "mailbox that is not in the app's management scope.")
    except GraphError as error:
        return _no_answer(RBAC, error)
    return CheckResult.failed(
        RBAC, "the calendar of a mailbox outside the scope was readable",
        "Limit the app with New-ManagementScope and New-ManagementRoleAssignment (role "
        "Application Calendars.ReadWrite), then remove the tenant-wide Calendars.ReadWrite "
        "consent in Entra ID, which would otherwise still reach every mailbox; check with "
        "Test-ServicePrincipalAuthorization.")


async def _probed_mailbox(
    settings: Settings, directory: Directory
) -> tuple[Probed | None, CheckResult]:
    name = check_name(GraphPermission.USERS)
    configured = settings.doctor_mailbox
    try:
        if configured:
            person = await directory.user(configured)
        else:
            page = await directory.users(PeopleQuery(page_size=1))
            if not page.items:
                return None, CheckResult.ok(name, "listed users; the directory has none")
            person = page.items[0]
    except GraphForbidden as error:
        probed = Probed(configured, configured) if configured else None
        return probed, _refused(GraphPermission.USERS, error)
    except GraphNotFound:
        return None, CheckResult.failed(name, "LEARNING_LOOP_DOCTOR_MAILBOX names no user",
                                        "Set it to the address of a person with a mailbox.")
    except GraphError as error:
        return None, _no_answer(name, error)
    address = person.mail or person.user_principal_name
    return Probed(address, person.object_id), CheckResult.ok(name, "read a user")


async def _group_members(settings: Settings, directory: Directory) -> CheckResult:
    group = settings.doctor_group or settings.learning_leads_group
    if not group:
        return CheckResult.skipped(
            check_name(GraphPermission.GROUP_MEMBERS),
            "no group to probe: set LEARNING_LOOP_DOCTOR_GROUP")
    return await _probe(GraphPermission.GROUP_MEMBERS, "listed the probed group's members",
                        lambda: directory.group_members(group), "LEARNING_LOOP_DOCTOR_GROUP")


async def _sites(ports: DoctorPorts, lists: Lists) -> CheckResult:
    name = check_name(GraphPermission.SITES)
    async with ports.uow(read_only=True) as tx:
        provisioned = await tx.result_lists.all()
    refs = [entry.ref for entry in provisioned.values()]
    if not refs:
        return CheckResult.skipped(
            name, "no results lists yet: run learning-loop provision --site <site>")

    async def read_sites_and_lists() -> None:
        for site_id in sorted({ref.site_id for ref in refs}):
            await lists.site_by_id(site_id)
        for ref in refs:
            await lists.query_items(ref, {}, page_size=1)

    return await _probe(GraphPermission.SITES,
                        f"read the site and its {len(refs)} results lists",
                        read_sites_and_lists, "the provisioned site (learning-loop provision)")


async def _installed_apps(ports: DoctorPorts, probed: Probed | None) -> CheckResult:
    name = check_name(GraphPermission.APP_INSTALLATION)
    installer = ports.installer
    if installer is None:
        return CheckResult.skipped(
            name, "installing the app for people is off (LEARNING_LOOP_GRAPH_TEAMS_APP_ID)")
    if probed is None:
        return CheckResult.skipped(name, "no mailbox to probe: set LEARNING_LOOP_DOCTOR_MAILBOX")
    return await _probe(GraphPermission.APP_INSTALLATION, "listed the probed user's Teams apps",
                        lambda: installer.chat_id(probed.user_id), "LEARNING_LOOP_DOCTOR_MAILBOX")


async def _probe(permission: GraphPermission, done: str,
                 call: Callable[[], Awaitable[Any]], target: str) -> CheckResult:
    name = check_name(permission)
    try:
        await call()
    except GraphForbidden as error:
        return _refused(permission, error)
    except GraphNotFound:
        return CheckResult.failed(name, "the probed object was not found",
                                  f"Check {target}: it must name something that exists.")
    except GraphError as error:
        return _no_answer(name, error)
    return CheckResult.ok(name, done)


def _refused(permission: GraphPermission, error: GraphError) -> CheckResult:
    code = f" {error.detail}" if error.detail else ""
    return CheckResult.failed(check_name(permission),
                              f"Graph refused ({error.status}{code})", grant_fix(permission))


def _no_answer(name: str, error: GraphError) -> CheckResult:
    return CheckResult.failed(name, f"Graph did not answer ({type(error).__name__}, status "
                              f"{error.status})", "Try again; check this host reaches "
                              "graph.microsoft.com and LEARNING_LOOP_GRAPH_BASE_URL.")
