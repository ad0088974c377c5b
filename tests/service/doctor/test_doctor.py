"""`learning-loop doctor` against a deployment: the service, its database, the Graph emulator
with permissions denied one at a time, the RBAC scope, the bot's credentials, /readyz."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider
from sqlalchemy import text
from typer.testing import CliRunner

from teams_app.adapters.sql.engine import create_engine
from teams_app.bot.connections import LocalConnections
from teams_app.cli.main import app as cli_app
from teams_app.domain.doctor import FEATURES, CheckStatus, GraphPermission
from tests.connector import LocalEntraConnections
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.doctor.support import (
    OUTSIDE,
    Deployment,
    by_check,
    deploy,
    examine,
    failed,
)
from tests.service.results.support import NOW, results_settings

APP_ID = "5f0c3a9e-7b21-4d8c-a6e4-2c9b1d0e8f37"
TENANT_ID = "9b3e6f4a-2c1d-4e8b-a7f5-0d6c3b2a1e90"


@pytest.fixture
async def deployment(tmp_path: Path, graph_emulator: GraphEmulator,
                     start_service: ServiceFactory) -> Deployment:
    return await deploy(tmp_path, graph_emulator, start_service)


async def test_a_working_deployment_passes_every_check(deployment: Deployment) -> None:
    report = await deployment.examine()
    assert failed(report) == {}
    statuses = {check: result.status for check, result in by_check(report).items()}
    assert statuses == {
        "Settings": CheckStatus.OK,
        "Database": CheckStatus.OK,
        "Bot credentials": CheckStatus.SKIPPED,  # anonymous local mode
        **{f"Graph: {permission}": CheckStatus.OK for permission in GraphPermission},
        "Exchange RBAC scope": CheckStatus.OK,
        "Public endpoint /readyz": CheckStatus.OK,
    }
    assert report.healthy
    assert by_check(report)["Graph: Sites.Selected"].detail == (
        "read the site and its 7 results lists")


@pytest.mark.parametrize("permission", list(GraphPermission))
async def test_a_missing_permission_fails_naming_it_and_its_feature(
    deployment: Deployment, permission: GraphPermission
) -> None:
    await deployment.deny(permission.value)
    report = await deployment.examine()
    assert not report.healthy
    (name, result), = failed(report).items()
    assert name == f"Graph: {permission}"
    assert result.detail.startswith("Graph refused (403")
    assert permission.value in result.fix and FEATURES[permission] in result.fix
    refused = (await deployment.emulator.control("GET", "/access"))["refused"]
    assert refused.get(permission.value, 0) >= 1  # the emulator's count: Graph really refused


async def test_the_probe_mailbox_outside_the_scope_fails_the_calendar_checks(
    deployment: Deployment,
) -> None:
    report = await deployment.examine(doctor_mailbox=OUTSIDE, rbac_outside_mailbox=None)
    assert set(failed(report)) == {"Graph: MailboxSettings.Read", "Graph: Calendars.ReadWrite"}
    assert "management scope" in failed(report)["Graph: Calendars.ReadWrite"].fix
    assert by_check(report)["Exchange RBAC scope"].status is CheckStatus.SKIPPED


async def test_calendars_open_beyond_the_scope_fail_the_rbac_check(
    deployment: Deployment,
) -> None:
    await deployment.emulator.control("PUT", "/access", {"denied": []})  # no scope at all
    report = await deployment.examine()
    (name, result), = failed(report).items()
    assert name == "Exchange RBAC scope"
    assert result.detail == "the calendar of a mailbox outside the scope was readable"
    assert "New-ManagementScope" in result.fix
    assert "Test-ServicePrincipalAuthorization" in result.fix


async def test_an_outside_mailbox_that_does_not_exist_is_reported(
    deployment: Deployment,
) -> None:
    report = await deployment.examine(rbac_outside_mailbox="nobody@contoso-learning.example")
    assert failed(report)["Exchange RBAC scope"].detail == (
        "the mailbox outside the scope does not exist")


async def test_probe_targets_that_do_not_exist_are_named(deployment: Deployment) -> None:
    report = await deployment.examine(doctor_mailbox="nobody@contoso-learning.example",
                                      doctor_group="00000000-0000-4000-8000-000000000000")
    assert failed(report)["Graph: User.Read.All"].fix.startswith("Set it to the address")
    assert "LEARNING_LOOP_DOCTOR_GROUP" in failed(report)["Graph: GroupMember.Read.All"].fix


async def test_unset_probe_targets_are_skipped_with_a_note(deployment: Deployment) -> None:
    # Without a mailbox named, the first user listed is probed: it must be inside the scope.
    await deployment.emulator.control("PUT", "/access", {"denied": []})
    report = await deployment.examine(doctor_mailbox=None, doctor_group=None,
                                      rbac_outside_mailbox=None, graph_teams_app_id=None)
    checks = by_check(report)
    assert checks["Graph: User.Read.All"].status is CheckStatus.OK  # the first user listed
    assert checks["Graph: Calendars.ReadWrite"].status is CheckStatus.OK
    assert checks["Graph: GroupMember.Read.All"].status is CheckStatus.SKIPPED
    assert "LEARNING_LOOP_DOCTOR_GROUP" in checks["Graph: GroupMember.Read.All"].detail
    app_installation = checks["Graph: TeamsAppInstallation.ReadWriteSelfForUser.All"]
    assert app_installation.status is CheckStatus.SKIPPED
    assert checks["Exchange RBAC scope"].status is CheckStatus.SKIPPED
    assert report.healthy


async def test_a_database_never_migrated_fails_and_is_not_created(
    deployment: Deployment,
) -> None:
    missing = deployment.tmp_path / "other.db"
    report = await deployment.examine(database_url=f"sqlite+aiosqlite:///{missing}")
    assert failed(report)["Database"].detail == "reachable, but no schema yet"
    sites = by_check(report)["Graph: Sites.Selected"]
    assert (sites.status, sites.detail) == (
        CheckStatus.SKIPPED, "the database, which names the lists, is not ready")
    assert not missing.exists()


async def test_no_lists_provisioned_skips_the_sharepoint_check(
    tmp_path: Path, graph_emulator: GraphEmulator, start_service: ServiceFactory
) -> None:
    await graph_emulator.control.reset("demo", now=NOW)
    service = await start_service(**results_settings(tmp_path, graph_emulator.base_url)
                                  .model_dump(include={"database_url"}))
    deployment = Deployment(tmp_path, graph_emulator, service)
    await deployment.deny()
    report = await deployment.examine()
    sites = by_check(report)["Graph: Sites.Selected"]
    assert sites.status is CheckStatus.SKIPPED
    assert "learning-loop provision --site" in sites.detail
    assert failed(report) == {}


async def test_a_database_behind_this_release_fails(deployment: Deployment) -> None:
    engine = create_engine(deployment.settings().database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    finally:
        await engine.dispose()
    report = await deployment.examine()
    database = failed(report)["Database"]
    assert database.detail.startswith("at revision 0003, this release needs ")
    assert "learning-loop db upgrade" in database.fix
    # The service itself says it is not ready, and doctor reports that too.
    assert failed(report)["Public endpoint /readyz"].detail == "answered 503, not ready"


async def test_an_unreachable_database_fails_without_showing_its_password(
    deployment: Deployment,
) -> None:
    report = await deployment.examine(
        database_url="postgresql+asyncpg://loop:s3cret-pw@127.0.0.1:9/learning")
    database = failed(report)["Database"]
    assert database.detail.startswith("not reachable: ")
    assert "s3cret-pw" not in json.dumps([vars(r) for r in report.results])


async def test_an_unreachable_public_endpoint_fails(deployment: Deployment) -> None:
    report = await deployment.examine(public_url="http://127.0.0.1:9")
    endpoint = failed(report)["Public endpoint /readyz"]
    assert endpoint.detail.startswith("no answer: ")
    assert "LEARNING_LOOP_PUBLIC_URL" in endpoint.fix


async def test_graph_not_configured_fails(deployment: Deployment) -> None:
    report = await deployment.examine(graph_auth="secret", graph_static_token=None)
    assert failed(report)["Microsoft Graph"].detail == "not configured"


# -- the bot's credentials (Entra ID itself is out of reach here: providers stand in) ---------


class _Refusing(AnonymousTokenProvider):
    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        raise ValueError("AADSTS7000215: Invalid client secret provided.")


class _Silent(AnonymousTokenProvider):
    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        await asyncio.sleep(30)
        return "late"


class _Connections(LocalConnections):
    def __init__(self, provider: AnonymousTokenProvider) -> None:
        super().__init__()
        self._provider = provider


def with_app_id(deployment: Deployment, **overrides: Any) -> Any:
    return deployment.settings(anonymous=False, app_id=APP_ID, app_password="secret",
                               app_tenant_id=TENANT_ID, **overrides)


async def test_bot_credentials_that_get_a_token_pass(deployment: Deployment) -> None:
    report = await examine(with_app_id(deployment), connections=LocalEntraConnections())
    assert by_check(report)["Bot credentials"].status is CheckStatus.OK
    assert failed(report) == {}


@pytest.mark.parametrize(("provider", "says"), [
    (_Refusing(), "no token from Microsoft Entra ID: ValueError: AADSTS7000215"),
    (_Silent(), "no token from Microsoft Entra ID: no token within 0.2 s"),
])
async def test_bot_credentials_refused_or_unanswered_fail(
    deployment: Deployment, provider: AnonymousTokenProvider, says: str
) -> None:
    report = await examine(with_app_id(deployment, token_seconds=0.2),
                           connections=_Connections(provider))
    credentials = failed(report)["Bot credentials"]
    assert credentials.detail.startswith(says)
    assert "LEARNING_LOOP_APP_PASSWORD" in credentials.fix


# -- the command ---------------------------------------------------------------------------------


def environment(deployment: Deployment) -> dict[str, str]:
    settings = deployment.settings()
    names = ("database_url", "anonymous", "graph_base_url", "graph_auth", "graph_static_token",
             "doctor_mailbox", "doctor_group", "rbac_outside_mailbox", "graph_teams_app_id",
             "public_url")
    return {f"LEARNING_LOOP_{name.upper()}": str(getattr(settings, name)).lower()
            if isinstance(getattr(settings, name), bool) else str(getattr(settings, name))
            for name in names}


async def run_cli(env: dict[str, str], *args: str, columns: int = 400) -> tuple[int, str]:
    result = await asyncio.to_thread(
        CliRunner().invoke, cli_app, ["doctor", *args], env={"COLUMNS": str(columns), **env})
    return result.exit_code, result.output


async def test_the_command_prints_the_table_and_exits_0(deployment: Deployment) -> None:
    code, output = await run_cli(environment(deployment))
    assert code == 0, output
    assert "Learning Loop doctor" in output and "All checks passed." in output
    assert "Graph: TeamsAppInstallation.ReadWriteSelfForUser.All" in output


async def test_the_command_exits_1_naming_the_missing_permission(deployment: Deployment) -> None:
    await deployment.deny("GroupMember.Read.All")
    code, output = await run_cli(environment(deployment), "--json", columns=40)
    assert code == 1
    report = json.loads(output)
    assert report["healthy"] is False
    (failure,) = [c for c in report["checks"] if c["status"] == "failed"]
    assert failure["check"] == "Graph: GroupMember.Read.All"
    assert FEATURES[GraphPermission.GROUP_MEMBERS] in failure["fix"]

    code, output = await run_cli(environment(deployment))
    assert code == 1 and "1 check failed." in output
    assert "GroupMember.Read.All" in output


async def test_settings_that_do_not_load_are_failures_in_the_table(
    deployment: Deployment,
) -> None:
    env = environment(deployment) | {"LEARNING_LOOP_PORT": "99999",
                                     "LEARNING_LOOP_HOST": "0.0.0.0"}
    code, output = await run_cli(env, "--json")
    assert code == 1
    checks = {c["check"]: c for c in json.loads(output)["checks"]}
    assert "Settings: LEARNING_LOOP_PORT" in checks
    assert all(c["status"] == "failed" for c in checks.values())


async def test_options_override_the_settings(deployment: Deployment) -> None:
    code, output = await run_cli(environment(deployment), "--json", "--public-url",
                                 "http://127.0.0.1:9")
    assert code == 1
    (failure,) = [c for c in json.loads(output)["checks"] if c["status"] == "failed"]
    assert failure["check"] == "Public endpoint /readyz"
