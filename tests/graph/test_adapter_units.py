"""The Graph adapter's pure parts: OData quoting, status mapping, limits, batch planning,
time-zone and event mapping, the notification handshake. No HTTP here; the adapter against
the emulator is in the other test_adapter_* modules."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta

import httpx
import pytest
from azure.identity.aio import ClientSecretCredential, ManagedIdentityCredential
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.schedule_information import ScheduleInformation
from msgraph.generated.models.schedule_item import ScheduleItem

from graph.batch import MAX_BATCH, BatchRequest, plan_batches
from graph.calendar_mapping import (
    availability_from_graph,
    event_from_json,
    event_to_graph,
    iana_zone,
    merge_availability,
    recurrence_from_json,
    to_utc,
    windows_zone,
)
from graph.client import build_graph
from graph.errors import Operation, error_for_status, retry_after_seconds, translate
from graph.limits import GraphLimits
from graph.lists import odata_literal, odata_string
from graph.subscriptions import handle_notification_request
from teams_app.domain.calendar import (
    Availability,
    BusyBlock,
    EventDraft,
    Recurrence,
    ShowAs,
    TimeSpan,
    Weekday,
    WeekIndex,
    WorkingHours,
)
from teams_app.domain.directory import ColumnKind, ListColumn, ListSchema
from teams_app.ports import (
    ExternalServiceError,
    GraphConflict,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
)
from teams_app.settings import Settings

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# --- odata_string -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("O'Brien", "'O''Brien'"),
        ("plain", "'plain'"),
        ("", "''"),
        ("''", "''''''"),
        ("x' or 1 eq 1 or 'a' eq 'a", "'x'' or 1 eq 1 or ''a'' eq ''a'"),
        ("Zoë 😀 & ; / ?", "'Zoë 😀 & ; / ?'"),
    ],
)
def test_odata_string_quotes_and_doubles_single_quotes(raw: str, quoted: str) -> None:
    assert odata_string(raw) == quoted


def test_odata_string_keeps_an_injection_inside_one_literal() -> None:
    literal = odata_string("a') or startswith(mail,'")
    # Exactly one literal: strip the outer quotes and no lone quote remains inside.
    inner = literal[1:-1]
    assert literal[0] == literal[-1] == "'"
    assert inner.replace("''", "").count("'") == 0


def test_odata_string_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        odata_string(5)  # type: ignore[arg-type]


def test_odata_literals_by_type() -> None:
    assert odata_literal(True) == "true"
    assert odata_literal(3) == "3"
    assert odata_literal(None) == "null"
    assert odata_literal(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "'2026-01-02T03:04:00Z'"


# --- status mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (404, GraphNotFound),
        (410, GraphNotFound),
        (403, GraphForbidden),
        (401, GraphForbidden),
        (429, GraphThrottled),
        (409, GraphConflict),
        (412, GraphConflict),
        (500, GraphUnavailable),
        (503, GraphUnavailable),
        (504, GraphUnavailable),
        (400, GraphRejected),
        (None, GraphUnavailable),
    ],
)
def test_status_codes_map_to_port_errors(status: int | None, kind: type) -> None:
    error = error_for_status(status, Operation.WRITE_EVENTS)
    assert type(error) is kind
    assert isinstance(error, ExternalServiceError)


def test_forbidden_names_the_permission_for_the_operation() -> None:
    cases = {
        Operation.WRITE_EVENTS: "Calendars.ReadWrite",
        Operation.MAILBOX_SETTINGS: "MailboxSettings.Read",
        Operation.READ_USERS: "User.Read.All",
        Operation.READ_GROUP_MEMBERS: "GroupMember.Read.All",
        Operation.INSTALL_APP: "TeamsAppInstallation.ReadWriteSelfForUser.All",
        Operation.MANAGE_LISTS: "Sites.Manage.All",
    }
    for operation, permission in cases.items():
        error = error_for_status(403, operation)
        assert isinstance(error, GraphForbidden)
        assert permission in error.permission
        assert permission in str(error)


def test_translation_is_by_status_not_message() -> None:
    misleading = APIError("Not Found: the item does not exist", 429, {"Retry-After": "2.5"})
    error = translate(misleading, Operation.READ_EVENTS)
    assert isinstance(error, GraphThrottled)
    assert error.retry_after == 2.5


def test_transport_failures_are_unavailable() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/v1.0/users")
    assert isinstance(
        translate(httpx.ReadTimeout("slow", request=request), Operation.READ_USERS),
        GraphUnavailable,
    )
    assert isinstance(
        translate(httpx.RemoteProtocolError("dropped", request=request), Operation.READ_USERS),
        GraphUnavailable,
    )
    assert isinstance(translate(TimeoutError(), Operation.READ_USERS), GraphUnavailable)


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"retry-after": "0.25"}) == 0.25
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


# --- limits -------------------------------------------------------------------------------


async def test_mailbox_limit_caps_concurrency_and_forgets_idle_mailboxes() -> None:
    limits = GraphLimits(per_mailbox=4, total=100)
    running = {"now": 0, "peak": 0}

    async def one() -> None:
        async with limits.mailbox("Ann@Contoso.example"):
            running["now"] += 1
            running["peak"] = max(running["peak"], running["now"])
            await asyncio.sleep(0.005)
            running["now"] -= 1

    await asyncio.gather(*(one() for _ in range(20)))
    assert running["peak"] == 4
    assert limits.tracked_mailboxes == 0


async def test_global_limit_caps_across_mailboxes() -> None:
    limits = GraphLimits(per_mailbox=4, total=3)

    async def one(i: int) -> None:
        async with limits.mailbox(f"m{i}"):
            await asyncio.sleep(0.005)

    await asyncio.gather(*(one(i) for i in range(12)))
    assert limits.peak_in_flight == 3


async def test_batches_sharing_mailboxes_do_not_deadlock() -> None:
    limits = GraphLimits(per_mailbox=4, total=10)

    async def batch(counts: dict[str, int]) -> None:
        async with limits.mailboxes(counts):
            await asyncio.sleep(0.002)

    jobs = [batch({"a": 3, "b": 3}), batch({"b": 3, "a": 3}), batch({"a": 2, "c": 4})] * 5
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=5)
    assert limits.peak_per_mailbox <= 4


# --- batch planning -----------------------------------------------------------------------


def _requests(mailboxes: list[str]) -> list[BatchRequest]:
    return [
        BatchRequest(str(i), None, Operation.WRITE_EVENTS, m)  # type: ignore[arg-type]
        for i, m in enumerate(mailboxes)
    ]


def test_batches_hold_at_most_twenty_and_four_per_mailbox() -> None:
    requests = _requests([f"m{i % 7}" for i in range(90)] + ["solo"] * 9)
    batches = plan_batches(requests, per_mailbox=4)
    assert sorted(r.id for b in batches for r in b) == sorted(r.id for r in requests)
    for batch in batches:
        assert len(batch) <= MAX_BATCH
        per: dict[str, int] = {}
        for r in batch:
            per[r.mailbox or ""] = per.get(r.mailbox or "", 0) + 1
        assert max(per.values()) <= 4


def test_two_thousand_mailboxes_fill_a_hundred_batches() -> None:
    batches = plan_batches(_requests([f"m{i}" for i in range(2000)]), per_mailbox=4)
    assert len(batches) == 100


# --- time zones and events ----------------------------------------------------------------


def test_windows_and_iana_names() -> None:
    assert iana_zone("W. Europe Standard Time") == "Europe/Berlin"
    assert iana_zone("Europe/Stockholm") == "Europe/Stockholm"
    assert iana_zone("UTC") == "UTC"
    assert iana_zone("Customized Time Zone", fallback="Europe/Oslo") == "Europe/Oslo"
    assert windows_zone("Europe/Stockholm") == "W. Europe Standard Time"


def test_graph_times_with_seven_digits_become_utc_instants() -> None:
    value = DateTimeTimeZone(
        date_time="2026-03-02T09:00:00.0000000", time_zone="W. Europe Standard Time"
    )
    assert to_utc(value) == T0


def test_a_weekly_draft_becomes_a_graph_event_with_its_transaction_id() -> None:
    draft = EventDraft(
        subject="Learning time",
        start=datetime(2026, 3, 3, 14, 0),
        end=datetime(2026, 3, 3, 15, 0),
        time_zone="Europe/Stockholm",
        transaction_id="plan-7:member-3",
        recurrence=Recurrence.weekly(
            (Weekday.TUESDAY,), starting=date(2026, 3, 3), every_weeks=2, count=10
        ),
        categories=("Learning Loop",),
    )
    event = event_to_graph(draft)
    assert event.transaction_id == "plan-7:member-3"
    assert event.start is not None and event.start.time_zone == "W. Europe Standard Time"
    assert event.recurrence is not None and event.recurrence.pattern is not None
    assert event.recurrence.pattern.interval == 2
    assert event.recurrence.range is not None
    assert event.recurrence.range.number_of_occurrences == 10


def test_recurrence_rules_validate() -> None:
    with pytest.raises(ValueError):
        Recurrence.weekly((), starting=date(2026, 1, 1))
    with pytest.raises(ValueError):
        Recurrence.weekly((Weekday.MONDAY,), starting=date(2026, 1, 1), count=3,
                          until=date(2026, 2, 1))
    rule = Recurrence.monthly_relative(
        WeekIndex.SECOND, Weekday.TUESDAY, starting=date(2026, 1, 13)
    )
    assert rule.week_index is WeekIndex.SECOND
    assert Recurrence.monthly_absolute(15, starting=date(2026, 1, 15)).day_of_month == 15


def test_availability_view_digits_become_blocks_and_merge_across_windows() -> None:
    window = TimeSpan(T0, T0 + timedelta(hours=2))
    info = ScheduleInformation(schedule_id="a@x", availability_view="0220")
    first = availability_from_graph(info, window, timedelta(minutes=30))
    assert [b.status for b in first.busy] == [ShowAs.BUSY, ShowAs.BUSY]
    merged = merge_availability("a@x", [first])
    busy = TimeSpan(T0 + timedelta(minutes=30), T0 + timedelta(minutes=90))
    assert merged.busy == (BusyBlock(busy, ShowAs.BUSY),)


def test_schedule_items_crossing_a_window_split_are_not_doubled() -> None:
    item = ScheduleItem(
        start=DateTimeTimeZone(date_time="2026-03-02T09:00:00", time_zone="UTC"),
        end=DateTimeTimeZone(date_time="2026-03-02T11:00:00", time_zone="UTC"),
    )
    parts = [
        availability_from_graph(
            ScheduleInformation(schedule_id="a@x", schedule_items=[item]),
            TimeSpan(T0 + timedelta(hours=h), T0 + timedelta(hours=h + 2)),
            timedelta(minutes=30),
        )
        for h in (0, 2)
    ]
    merged = merge_availability("a@x", parts)
    assert len(merged.busy) == 1


def test_time_span_split_covers_the_span() -> None:
    span = TimeSpan(T0, T0 + timedelta(days=130))
    pieces = span.split(timedelta(days=61))
    assert [p.duration.days for p in pieces] == [61, 61, 8]
    assert pieces[0].start == span.start and pieces[-1].end == span.end


def test_list_schema_needs_a_unique_indexed_key() -> None:
    with pytest.raises(ValueError):
        ListSchema("Responses", (ListColumn("LoopKey"),))
    with pytest.raises(ValueError):
        ListColumn("Answer", ColumnKind.NOTE, indexed=True)
    schema = ListSchema("Responses", (ListColumn("LoopKey", indexed=True, unique=True),))
    assert schema.indexed_columns[0].name == "LoopKey"


def test_availability_keeps_errors_per_person() -> None:
    assert not Availability("x@y", error="MailboxNotEnabledForRESTAPI").known
    hours = WorkingHours((Weekday.MONDAY,), time(8), time(17), "Europe/Stockholm")
    assert Availability("x@y", working_hours=hours).known


# --- notification handshake ---------------------------------------------------------------


def test_validation_token_is_echoed() -> None:
    assert handle_notification_request({"validationToken": "abc 123"}, None, "s") == (
        200,
        "abc 123",
        [],
    )


def _notification(state: str, **extra: object) -> dict[str, object]:
    return {
        "subscriptionId": "sub-1",
        "clientState": state,
        "changeType": "updated",
        "resource": "Users/u1/Events/e1",
        "resourceData": {"id": "e1"},
        "tenantId": "t",
        **extra,
    }


def test_notifications_with_the_right_client_state_are_accepted() -> None:
    body = json.dumps({"value": [_notification("secret"), _notification("forged")]})
    status, _, accepted = handle_notification_request({}, body.encode(), "secret")
    assert status == 202
    assert [n.resource_id for n in accepted] == ["e1"]


def test_forged_notifications_are_refused() -> None:
    body = json.dumps({"value": [_notification("forged")]})
    assert handle_notification_request({}, body, "secret")[0] == 403
    assert handle_notification_request({}, b"not json", "secret")[0] == 400


def test_lifecycle_notifications_carry_their_event() -> None:
    item = _notification("secret", lifecycleEvent="reauthorizationRequired")
    body = json.dumps({"value": [item]})
    _, _, accepted = handle_notification_request({}, body, "secret")
    assert accepted[0].lifecycle_event == "reauthorizationRequired"


# --- event JSON ---------------------------------------------------------------------------


def test_event_json_with_a_relative_monthly_rule() -> None:
    event = event_from_json({
        "id": "e1",
        "subject": "Reflection round",
        "start": {"dateTime": "2026-03-10T13:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2026-03-10T14:00:00.0000000", "timeZone": "UTC"},
        "type": "seriesMaster",
        "showAs": "tentative",
        "transactionId": "plan-3",
        "recurrence": {
            "pattern": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["tuesday"],
                        "index": "second", "firstDayOfWeek": "sunday", "dayOfMonth": 0},
            "range": {"type": "endDate", "startDate": "2026-03-10", "endDate": "2026-12-31",
                      "numberOfOccurrences": 0, "recurrenceTimeZone": "UTC"},
        },
    })
    assert event.start == datetime(2026, 3, 10, 13, tzinfo=UTC)
    assert event.show_as is ShowAs.TENTATIVE
    assert event.recurrence == Recurrence.monthly_relative(
        WeekIndex.SECOND, Weekday.TUESDAY, starting=date(2026, 3, 10), until=date(2026, 12, 31)
    )


def test_daily_series_are_not_mapped_to_a_rule() -> None:
    assert recurrence_from_json({"pattern": {"type": "daily"},
                                 "range": {"type": "noEnd", "startDate": "2026-03-10"}}) is None


# --- client construction ------------------------------------------------------------------


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, anonymous=True, **values)  # type: ignore[call-arg]


async def test_production_credentials_are_chosen_by_settings() -> None:
    secret = _settings(graph_auth="secret", graph_tenant_id="t", graph_client_id="c",
                       graph_client_secret="s3cret")
    assert "s3cret" not in repr(secret)
    connection = build_graph(secret)
    try:
        assert isinstance(connection.credential, ClientSecretCredential)
        assert connection.base_url == "https://graph.microsoft.com/v1.0"
    finally:
        await connection.aclose()
    managed = build_graph(_settings(graph_auth="managed_identity"))
    try:
        assert isinstance(managed.credential, ManagedIdentityCredential)
    finally:
        await managed.aclose()
    with pytest.raises(ValueError, match="SECRET"):
        build_graph(_settings(graph_auth="secret", graph_tenant_id="t"))


def test_a_static_token_only_goes_to_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        build_graph(_settings(graph_auth="static", graph_static_token="x",
                              graph_base_url="https://graph.microsoft.com/v1.0"))
    with pytest.raises(ValueError, match="https"):
        build_graph(_settings(graph_auth="secret", graph_base_url="http://graph.example/v1.0",
                              graph_tenant_id="t", graph_client_id="c", graph_client_secret="s"))
