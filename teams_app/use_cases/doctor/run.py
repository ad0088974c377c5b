"""All of doctor's checks, in the order an admin fixes them: settings, database, the bot's
credentials, Graph, the RBAC scope, the public endpoint."""

from __future__ import annotations

from teams_app.domain.doctor import CheckResult, CheckStatus, DoctorReport
from teams_app.ports.doctor import DoctorPorts
from teams_app.settings import Settings
from teams_app.use_cases.doctor.configuration import check_settings
from teams_app.use_cases.doctor.permissions import check_graph_permissions, check_rbac_scope
from teams_app.use_cases.doctor.platform import (
    check_bot_credentials,
    check_database,
    check_public_endpoint,
)


async def run_doctor(settings: Settings, ports: DoctorPorts) -> DoctorReport:
    results: list[CheckResult] = [*check_settings(settings)]
    database = await check_database(ports.schema)
    results.append(database)
    results.append(await check_bot_credentials(ports.credentials))
    results += await check_graph_permissions(
        settings, ports, database_ready=database.status is CheckStatus.OK)
    results.append(await check_rbac_scope(settings, ports))
    results.append(await check_public_endpoint(settings, ports.endpoint))
    return DoctorReport(tuple(results))
