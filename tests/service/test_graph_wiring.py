"""With Graph settings, the composition root gives the service the Graph ports (here against the
local emulator, through the real msgraph-sdk client); without them, the service runs without."""

from __future__ import annotations

from graph import demo_org
from graph.emulator import start_emulator
from tests.service.conftest import ServiceFactory


async def test_graph_ports_reach_the_configured_graph(start_service: ServiceFactory) -> None:
    runner, graph_url = await start_emulator(0, seed="demo", token="local-token")
    try:
        service = await start_service(graph_base_url=graph_url, graph_auth="static",
                                      graph_static_token="local-token")
        directory = service.runtime.services.directory
        assert directory is not None
        lead = demo_org.learning_lead()
        person = await directory.user(lead.object_id)
        assert person.display_name == lead.display_name
        reports = await directory.direct_reports(lead.object_id)
        assert {p.object_id for p in reports} == {
            p.object_id for p in demo_org.direct_reports(lead.object_id)}
        report = await service.runtime.readiness()
        assert report["graph"] == graph_url
    finally:
        await runner.cleanup()


async def test_without_graph_settings_the_service_runs_without_graph(
    start_service: ServiceFactory,
) -> None:
    service = await start_service()
    assert service.runtime.services.calendar is None
    assert (await service.runtime.readiness())["graph"] == "not configured"
