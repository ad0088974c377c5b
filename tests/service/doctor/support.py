"""A deployment doctor can examine: the service running on SQLite, Graph in the emulator with
the results lists provisioned and the app's mailboxes limited to an RBAC scope."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import demo_org
from teams_app.bootstrap import build_doctor
from teams_app.domain.doctor import CheckResult, CheckStatus, DoctorReport
from teams_app.settings import Settings
from teams_app.use_cases.doctor.run import run_doctor
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.results.support import NOW, SITE_URL, provision, results_settings

INSIDE = demo_org.person(demo_org.ERIK_JOHANSSON).user_principal_name
OUTSIDE = demo_org.person(demo_org.SOFIA_BERGSTROM).user_principal_name


@dataclass
class Deployment:
    tmp_path: Path
    emulator: GraphEmulator
    service: RunningService

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "public_url": self.service.url,
            "doctor_mailbox": INSIDE,
            "doctor_group": demo_org.ENGINEERING_GROUP_ID,
            "rbac_outside_mailbox": OUTSIDE,
            "graph_teams_app_id": demo_org.TEAMS_APP_CATALOG_ID,
            **overrides,
        }
        return results_settings(self.tmp_path, self.emulator.base_url, **values)

    async def examine(self, **overrides: Any) -> DoctorReport:
        return await examine(self.settings(**overrides))

    async def deny(self, *permissions: str, scope: list[str] | None = None) -> None:
        await self.emulator.control("PUT", "/access", {
            "denied": list(permissions), "mailbox_scope": [INSIDE] if scope is None else scope})


async def examine(settings: Settings, **build: Any) -> DoctorReport:
    runtime = build_doctor(settings, **build)
    try:
        return await run_doctor(settings, runtime.ports)
    finally:
        await runtime.close()


async def deploy(tmp_path: Path, emulator: GraphEmulator,
                 start_service: ServiceFactory) -> Deployment:
    await emulator.control.reset("demo", now=NOW)
    settings = results_settings(tmp_path, emulator.base_url)
    service = await start_service(**settings.model_dump(
        include={"database_url", "graph_base_url", "graph_auth", "graph_static_token"}))
    await provision(service.runtime, SITE_URL)
    deployment = Deployment(tmp_path, emulator, service)
    await deployment.deny(scope=[INSIDE])  # the app reaches this one mailbox only
    return deployment


def by_check(report: DoctorReport) -> dict[str, CheckResult]:
    return {result.check: result for result in report.results}


def failed(report: DoctorReport) -> dict[str, CheckResult]:
    return {r.check: r for r in report.results if r.status is CheckStatus.FAILED}
