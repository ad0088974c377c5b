"""The results capability against the Graph emulator and SQLite: a runtime wired as in
production (bootstrap), the demo site, and readers of what SharePoint holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph import demo_org
from teams_app.bootstrap import Runtime
from teams_app.ports import Lists
from teams_app.settings import Settings
from teams_app.use_cases.results.provisioning import ProvisionReport, provision_results
from tests.graph.conftest import TOKEN, GraphEmulator

SITE_URL = demo_org.SHAREPOINT_SITE.url
NOW = "2026-03-02T07:00:00Z"
CHECKINS = "Learning Loop check-ins"


def results_settings(tmp_path: Path, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'results.db'}",
        "anonymous": True,
        "host": "127.0.0.1",
        "graph_base_url": base_url,
        "graph_auth": "static",
        "graph_static_token": TOKEN,
        "graph_timeout_seconds": 2.0,
        "graph_max_retries": 2,
        "graph_retry_backoff_seconds": 0.02,
        "job_backoff_base": 0.01,
        "job_backoff_max": 0.05,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def lists_of(runtime: Runtime) -> Lists:
    assert runtime.services.lists is not None
    return runtime.services.lists


async def provision(runtime: Runtime, site: str = SITE_URL) -> ProvisionReport:
    forms = await runtime.form_catalog().every_version()
    return await provision_results(site, forms=forms, uow=runtime.services.uow,
                                   lists=lists_of(runtime), clock=runtime.clock)


async def stored_list(emulator: GraphEmulator, name: str) -> dict[str, Any]:
    found = [x for x in await emulator.control.objects("lists") if x["displayName"] == name]
    assert len(found) == 1, f"{len(found)} lists called {name}"
    return found[0]


async def stored_keys(emulator: GraphEmulator, name: str = CHECKINS) -> list[str]:
    """The LoopKey of every item, in the order SharePoint made them (the store of record)."""
    items = (await stored_list(emulator, name))["items"]
    return [str(i["fields"].get("LoopKey")) for i in sorted(items, key=lambda i: int(i["id"]))]
