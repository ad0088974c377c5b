"""Calendar reads for many mailboxes at once, in `$batch`es of 20 and read as plain JSON.

Booking a plan for 10,000 people reads 10,000 mailbox settings and 500 getSchedule answers
before the first event is written. One request each at 32 at a time and 150 ms of latency is
47 s of settings alone; in batches (Graph runs 4 inner requests of a batch at a time) the same
global limit moves four times as many, and JSON instead of the SDK's models keeps the client's
CPU from becoming the limit instead (benchmarks/bench_plan_booking.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)

from graph.batch import BatchRequest, BatchSender
from graph.errors import Operation
from graph.event_json import mailbox_settings_request
from graph.schedule_json import availability_from_json, mailbox_settings_from_json
from teams_app.domain.calendar import Availability, MailboxSettings, TimeSpan
from teams_app.ports import GraphError, GraphNotFound, GraphRejected

ScheduleRequest = Callable[[], RequestInformation]


async def mailbox_settings_batched(
    batches: BatchSender, mailboxes: Sequence[str]
) -> dict[str, MailboxSettings | GraphError]:
    """Each mailbox's settings, or the GraphError its read ended with (404: no mailbox)."""
    unique = list(dict.fromkeys(mailboxes))
    requests = [
        BatchRequest(str(n), None, Operation.MAILBOX_SETTINGS, m, mailbox_settings_request(m))
        for n, m in enumerate(unique, start=1)
    ]
    results = await batches.send(requests)
    out: dict[str, MailboxSettings | GraphError] = {}
    for request, mailbox in zip(requests, unique, strict=True):
        result = results[request.id]
        if result.error is not None:
            out[mailbox] = result.error
        elif not isinstance(result.body, dict):
            out[mailbox] = GraphRejected(status=result.status, detail="mailboxSettings not JSON")
        else:
            out[mailbox] = mailbox_settings_from_json(result.body)
    return out


async def schedules_batched(
    batches: BatchSender,
    calls: Sequence[tuple[list[str], TimeSpan, ScheduleRequest]],
    interval: timedelta,
    direct: Callable[[list[str], TimeSpan], Any],
) -> list[list[Availability]]:
    """getSchedule calls (chunk of ≤ 20 addresses, window, request asked as chunk[0]) sent in
    batches; one list of answers per call, in order. A call whose anchor has no mailbox (404 for
    the whole call) goes again through `direct`, which tries the chunk's next people."""
    requests = [
        BatchRequest(str(n), build, Operation.FREE_BUSY, chunk[0])
        for n, (chunk, _, build) in enumerate(calls, start=1)
    ]
    results = await batches.send(requests)
    answers: list[list[Availability]] = []
    for request, (chunk, piece, _) in zip(requests, calls, strict=True):
        result = results[request.id]
        if isinstance(result.error, GraphNotFound):
            answers.append(await direct(chunk, piece))
            continue
        if result.error is not None:
            raise result.error
        body = result.body if isinstance(result.body, dict) else {}
        found = {
            str(info.get("scheduleId") or "").lower(): availability_from_json(info, piece, interval)
            for info in body.get("value") or []
        }
        answers.append(
            [found.get(m.lower()) or Availability(m, error="missingFromResponse") for m in chunk]
        )
    return answers


def schedule_body(
    chunk: list[str], piece: TimeSpan, interval: timedelta
) -> GetSchedulePostRequestBody:
    return GetSchedulePostRequestBody(
        schedules=chunk,
        start_time=utc_dtz(piece.start),
        end_time=utc_dtz(piece.end),
        availability_view_interval=int(interval.total_seconds() // 60),
    )


def utc_dtz(instant: datetime) -> DateTimeTimeZone:
    return DateTimeTimeZone(
        date_time=instant.astimezone(UTC).replace(tzinfo=None).isoformat(), time_zone="UTC"
    )
