"""Logs carry ids, kinds, counts and durations; never what people wrote or who they are."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from teams_app.logs import configure_logging
from tests.builders import an_activity, an_install
from tests.connector import FakeConnector
from tests.service.conftest import ServiceFactory

SECRET = "I struggle with my manager Gunnar and want to quit"
NAME = "Astrid Lindqvist"


async def test_no_free_text_names_or_emails_reach_the_log(
    start_service: ServiceFactory, connector: FakeConnector, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json=True, cache=False)
    try:
        service = await start_service()
        await service.post(an_install(connector.service_url, user_name=NAME))
        await service.post(an_activity(connector.service_url, text=SECRET, user_name=NAME))
        await connector.wait_for(2)
        # A failing turn: the database error carries the row's values, the log must not.
        async with service.runtime.engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE conversations")
        await service.post(an_activity(connector.service_url, text=SECRET, user_name=NAME,
                                       conversation_id="a:personal-2"))
        await connector.wait_for(3)
        output = capfd.readouterr().err
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()

    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert {"welcome_sent", "turn_handled", "turn_failed"} <= {event["event"] for event in events}
    for fragment in (SECRET, "Gunnar", NAME, "Astrid", "Lindqvist"):
        assert fragment not in output
