"""The bulk paths write inner `$batch` requests as JSON themselves (graph/event_json.py); they
must be what the SDK's request builders make, field for field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from functools import partial

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.mailbox_settings.mailbox_settings_request_builder import (
    MailboxSettingsRequestBuilder,
)

from graph.batch import BatchRequest, BatchSender
from graph.calendar import _create_info
from graph.client import GraphConnection, build_graph
from graph.errors import Operation
from graph.event_json import create_event_request, mailbox_settings_request
from teams_app.domain.calendar import (
    Attendee,
    AttendeeKind,
    EventDraft,
    Recurrence,
    RecurrenceKind,
    ShowAs,
    Weekday,
    WeekIndex,
)
from teams_app.settings import Settings

MAILBOXES = ["4d5e0b2c-1111-4a2b-9c3d-000000000001", "ann.o'neil+learning@contoso.example"]
START, END = datetime(2026, 3, 3, 14), datetime(2026, 3, 3, 15)
DRAFTS = [
    EventDraft(subject="Lärtid: läsa", body_html="<p>Skyddad tid</p>", start=START, end=END,
               time_zone="Europe/Stockholm", transaction_id="p:m:1",
               recurrence=Recurrence.weekly((Weekday.TUESDAY,), starting=date(2026, 3, 3),
                                            count=10),
               categories=("Learning time",), marker="plan-1/member-1"),
    EventDraft(subject="Monthly", start=START, end=END, time_zone="America/New_York",
               transaction_id="p:m:2", reminder_minutes=None, show_as=ShowAs.TENTATIVE,
               recurrence=Recurrence(RecurrenceKind.MONTHLY_RELATIVE, date(2026, 3, 3),
                                     interval=2, days=(Weekday.TUESDAY,),
                                     week_index=WeekIndex.FIRST, end_date=date(2026, 12, 31))),
    EventDraft(subject="Team", start=START, end=END, time_zone="UTC", transaction_id="p:t:1",
               online_meeting=True, allow_new_time_proposals=True,
               attendees=(Attendee("ann@contoso.example", "Ann"),
                          Attendee("bo@contoso.example", kind=AttendeeKind.OPTIONAL)),
               recurrence=Recurrence(RecurrenceKind.MONTHLY_ABSOLUTE, date(2026, 3, 3),
                                     day_of_month=3)),
]


@pytest.fixture
async def graph() -> AsyncIterator[GraphConnection]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, anonymous=True, graph_base_url="http://127.0.0.1:9/v1.0",
        graph_auth="static", graph_static_token="t",
    )
    connection = build_graph(settings)
    yield connection
    await connection.aclose()


def _lower_headers(inner: dict[str, object]) -> dict[str, object]:
    headers = inner.get("headers") or {}
    assert isinstance(headers, dict)
    return {**inner, "headers": {str(k).lower(): v for k, v in headers.items()}}


@pytest.mark.parametrize("mailbox", MAILBOXES)
@pytest.mark.parametrize("draft", DRAFTS, ids=["weekly", "monthly-relative", "online-meeting"])
async def test_event_creates_match_the_sdk(
    graph: GraphConnection, mailbox: str, draft: EventDraft
) -> None:
    events = graph.client.users.by_user_id(mailbox).events
    sdk = BatchSender(graph)._build(
        BatchRequest("1", partial(_create_info, events, draft), Operation.WRITE_EVENTS, mailbox)
    )
    ours = {"id": "1", **create_event_request(mailbox, draft)}
    assert _lower_headers(ours) == _lower_headers(sdk)


@pytest.mark.parametrize("mailbox", MAILBOXES)
async def test_mailbox_settings_reads_match_the_sdk(graph: GraphConnection, mailbox: str) -> None:
    config = RequestConfiguration(
        query_parameters=MailboxSettingsRequestBuilder.MailboxSettingsRequestBuilderGetQueryParameters(
            select=["timeZone", "workingHours", "language"]
        )
    )
    info = graph.client.users.by_user_id(mailbox).mailbox_settings.to_get_request_information(
        config
    )
    sdk = BatchSender(graph)._build(BatchRequest("7", info, Operation.MAILBOX_SETTINGS, mailbox))
    assert {"id": "7", **mailbox_settings_request(mailbox)} == sdk
