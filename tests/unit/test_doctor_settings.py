"""Doctor's settings check: what pydantic's per-field validation lets through but a deployment
cannot run with, each named with its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from teams_app.domain.doctor import CheckStatus
from teams_app.settings import Settings
from teams_app.use_cases.doctor.configuration import check_settings

APP_ID = "5f0c3a9e-7b21-4d8c-a6e4-2c9b1d0e8f37"
TENANT = "9b3e6f4a-2c1d-4e8b-a7f5-0d6c3b2a1e90"
PRODUCTION: dict[str, Any] = {
    "app_id": APP_ID, "app_password": "bot-secret", "app_tenant_id": TENANT,
    "graph_auth": "secret", "graph_client_id": APP_ID, "graph_tenant_id": TENANT,
    "graph_client_secret": "graph-secret", "public_url": "https://learningloop.contoso.com",
}


def problems(**values: Any) -> dict[str, str]:
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    results = check_settings(settings)
    assert all(r.status is not CheckStatus.SKIPPED for r in results)
    return {r.check: r.detail for r in results if r.status is CheckStatus.FAILED}


def test_a_consistent_production_configuration_passes() -> None:
    assert problems(**PRODUCTION) == {}
    assert problems(anonymous=True, graph_auth="static", graph_static_token="t",
                    graph_base_url="http://127.0.0.1:5001/v1.0") == {}


@pytest.mark.parametrize(("change", "setting", "says"), [
    ({"app_password": None}, "APP_PASSWORD", "not set, though LEARNING_LOOP_APP_ID is"),
    ({"app_tenant_id": None}, "APP_TENANT_ID", "a single-tenant bot needs its tenant"),
    ({"graph_client_secret": None}, "GRAPH_CLIENT_SECRET", "not set (GRAPH_AUTH is secret)"),
    ({"graph_tenant_id": None}, "GRAPH_TENANT_ID", "not set (GRAPH_AUTH is secret)"),
    ({"graph_auth": "certificate"}, "GRAPH_CERTIFICATE_PATH", "not set"),
    ({"graph_auth": "certificate", "graph_certificate_path": Path("/nonexistent/cert.pem")},
     "GRAPH_CERTIFICATE_PATH", "no certificate file there"),
    ({"graph_auth": "static", "graph_static_token": "t"}, "GRAPH_AUTH",
     "static tokens are for the local Graph emulator only"),
    ({"graph_base_url": "http://graph.contoso.com/v1.0"}, "GRAPH_BASE_URL", "only reached over"),
    ({"app_id": "learning-loop"}, "APP_ID", "is not a GUID"),
    ({"learning_leads_group": "Learning leads"}, "LEARNING_LEADS_GROUP", "is not a GUID"),
    ({"public_url": "http://learningloop.contoso.com"}, "PUBLIC_URL", "must be an https://"),
    ({"graph_notification_url": "https://learningloop.contoso.com/api/graph"},
     "GRAPH_NOTIFICATION_SECRET", "not set, though LEARNING_LOOP_GRAPH_NOTIFICATION_URL is"),
    ({"graph_notification_secret": "s" * 32}, "GRAPH_NOTIFICATION_URL", "not set, though"),
    ({"doctor_mailbox": "ada@contoso.com", "rbac_outside_mailbox": "ADA@contoso.com"},
     "RBAC_OUTSIDE_MAILBOX", "names the same mailbox"),
])
def test_an_inconsistent_setting_is_named_with_what_is_wrong(
    change: dict[str, Any], setting: str, says: str
) -> None:
    found = problems(**(PRODUCTION | change))
    assert list(found) == [f"Settings: LEARNING_LOOP_{setting}"]
    assert says in found[f"Settings: LEARNING_LOOP_{setting}"]


def test_every_failure_has_a_fix() -> None:
    settings = Settings(_env_file=None, **(PRODUCTION | {  # type: ignore[call-arg]
        "app_password": None, "graph_client_id": None, "public_url": "ftp://x"}))
    results = check_settings(settings)
    assert len(results) == 3 and all(r.fix for r in results)
