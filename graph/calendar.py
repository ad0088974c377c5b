"""GraphCalendar: teams_app.ports.Calendar on Microsoft Graph (Outlook calendars, app-only).

Every request is mailbox-scoped and runs inside GraphConnection.call, which applies the
per-mailbox and global limits and turns SDK errors into port errors. All reads ask for UTC
(`Prefer: outlook.timezone="UTC"`) so the domain gets instants, whatever a mailbox's zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.models.event import Event
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
    DeltaRequestBuilder,
)
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody,
)
from msgraph.generated.users.item.events.item.instances.instances_request_builder import (
    InstancesRequestBuilder,
)
from msgraph.generated.users.item.mailbox_settings.mailbox_settings_request_builder import (
    MailboxSettingsRequestBuilder,
)

from graph.batch import BatchRequest, BatchSender
from graph.calendar_bulk import mailbox_settings_batched, schedule_body, schedules_batched
from graph.calendar_mapping import (
    SLOT_PROPERTY,
    availability_from_graph,
    changes_to_graph,
    event_from_json,
    event_to_graph,
    iana_zone,
    merge_availability,
    working_hours_from_graph,
)
from graph.client import GraphConnection
from graph.errors import Operation
from graph.event_json import create_event_request
from graph.lists import odata_string
from teams_app.domain.calendar import (
    Availability,
    CalendarChanges,
    CalendarEvent,
    EventChanges,
    EventDraft,
    MailboxSettings,
    TimeSpan,
)
from teams_app.ports import GraphError, GraphNotFound, GraphRejected

SCHEDULES_PER_CALL = 20  # getSchedule's documented maximum
LONGEST_SCHEDULE_WINDOW = timedelta(days=61)  # getSchedule needs a window under 62 days
_UTC_PREFERENCE = 'outlook.timezone="UTC"'
_ANCHOR_TRIES = 3


class MissingTransactionId(ValueError):
    """An event create without a transactionId: the SDK retries POSTs, so it could book twice."""


class GraphCalendar:
    def __init__(self, graph: GraphConnection, *, page_size: int = 100) -> None:
        self._graph = graph
        self._page_size = page_size
        self._batches = BatchSender(graph)

    # --- reading -------------------------------------------------------------------------

    async def mailbox_settings(self, mailbox: str) -> MailboxSettings:
        config = RequestConfiguration(
            query_parameters=MailboxSettingsRequestBuilder.MailboxSettingsRequestBuilderGetQueryParameters(
                select=["timeZone", "workingHours", "language"]
            )
        )
        user = self._graph.client.users.by_user_id(mailbox)
        settings = await self._graph.call(
            Operation.MAILBOX_SETTINGS,
            lambda: user.mailbox_settings.get(request_configuration=config),
            mailbox=mailbox,
        )
        if settings is None:
            raise GraphRejected(status=None, detail="empty mailboxSettings")
        zone = iana_zone(settings.time_zone)
        return MailboxSettings(
            time_zone=zone,
            working_hours=working_hours_from_graph(settings.working_hours, fallback_zone=zone),
            language=settings.language.locale if settings.language else None,
        )

    async def free_busy(
        self, mailboxes: Sequence[str], window: TimeSpan, *, interval_minutes: int = 30
    ) -> list[Availability]:
        """Free/busy of many people: ≤ 20 per getSchedule call and windows under 62 days,
        all calls in parallel within the limits, merged back per person in the order asked.
        `mailboxes` are SMTP addresses (getSchedule does not take object ids)."""
        if not mailboxes:
            return []
        interval = timedelta(minutes=interval_minutes)
        pieces = window.split(LONGEST_SCHEDULE_WINDOW)
        chunks = [
            list(mailboxes[i : i + SCHEDULES_PER_CALL])
            for i in range(0, len(mailboxes), SCHEDULES_PER_CALL)
        ]
        if len(chunks) * len(pieces) > 1:
            # Many calls: in $batches as JSON (graph/calendar_bulk.py says why).
            calls = [
                (chunk, piece, partial(self._schedule_info, chunk, piece, interval))
                for chunk in chunks
                for piece in pieces
            ]
            answers = await schedules_batched(
                self._batches,
                calls,
                interval,
                lambda chunk, piece: self._schedule(chunk, piece, interval),
            )
        else:
            answers = [await self._schedule(chunks[0], pieces[0], interval)]
        by_mailbox: dict[str, list[Availability]] = {m.lower(): [] for m in mailboxes}
        for answer in answers:
            for availability in answer:
                by_mailbox.setdefault(availability.mailbox.lower(), []).append(availability)
        return [merge_availability(m, by_mailbox[m.lower()]) for m in mailboxes]

    async def mailbox_settings_batched(
        self, mailboxes: Sequence[str]
    ) -> dict[str, MailboxSettings | GraphError]:
        return await mailbox_settings_batched(self._batches, mailboxes)

    def _schedule_info(
        self, chunk: list[str], piece: TimeSpan, interval: timedelta
    ) -> RequestInformation:
        schedule = self._graph.client.users.by_user_id(chunk[0]).calendar.get_schedule
        return schedule.to_post_request_information(
            schedule_body(chunk, piece, interval), _utc_config()
        )

    async def _schedule(
        self, chunk: list[str], piece: TimeSpan, interval: timedelta
    ) -> list[Availability]:
        body = schedule_body(chunk, piece, interval)
        # App-only getSchedule is asked "as" one of the people, and the request occupies that
        # mailbox's slot. Someone without a mailbox cannot be asked (404 for the whole call),
        # so the next person in the chunk is tried; their own answer then says "no mailbox".
        response = None
        anchors = chunk[:_ANCHOR_TRIES]
        for tried, anchor in enumerate(anchors, start=1):
            schedule = self._graph.client.users.by_user_id(anchor).calendar.get_schedule
            try:
                response = await self._graph.call(
                    Operation.FREE_BUSY,
                    partial(schedule.post, body, request_configuration=_utc_config()),
                    mailbox=anchor,
                )
                break
            except GraphNotFound:
                if tried == len(anchors):
                    raise
        found = {
            (info.schedule_id or "").lower(): availability_from_graph(info, piece, interval)
            for info in (response.value if response and response.value else [])
        }
        return [
            found.get(m.lower()) or Availability(m, error="missingFromResponse") for m in chunk
        ]

    async def calendar_view(self, mailbox: str, window: TimeSpan) -> list[CalendarEvent]:
        """Every event and occurrence overlapping the window, following @odata.nextLink."""
        view = self._graph.client.users.by_user_id(mailbox).calendar_view
        first = view.to_get_request_information(
            _utc_config(
                self._page_size,
                CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
                    start_date_time=_iso(window.start), end_date_time=_iso(window.end)
                ),
            )
        )
        return [event_from_json(e) for e in await self._paged(first, mailbox)]

    async def series_instances(
        self, mailbox: str, series_id: str, window: TimeSpan
    ) -> list[CalendarEvent]:
        series = self._graph.client.users.by_user_id(mailbox).events.by_event_id(series_id)
        first = series.instances.to_get_request_information(
            _utc_config(
                self._page_size,
                InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
                    start_date_time=_iso(window.start), end_date_time=_iso(window.end)
                ),
            )
        )
        events = [event_from_json(e) for e in await self._paged(first, mailbox)]
        # Graph does not promise an order for instances.
        return sorted(events, key=lambda e: e.start)

    async def marked_series(self, mailbox: str, marker: str) -> list[CalendarEvent]:
        """Every event (series master or single) in the mailbox that carries `marker` in the
        product's extended property, whoever recorded it: Graph's filter on
        singleValueExtendedProperties, all pages."""
        events = self._graph.client.users.by_user_id(mailbox).events
        condition = (
            f"singleValueExtendedProperties/any(ep: ep/id eq {odata_string(SLOT_PROPERTY)} "
            f"and ep/value eq {odata_string(marker)})"
        )
        first = events.to_get_request_information(
            _utc_config(
                self._page_size,
                EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(filter=condition),
            )
        )
        return [event_from_json(e) for e in await self._paged(first, mailbox)]

    async def events_by_ical_uid(self, mailbox: str, ical_uid: str) -> list[CalendarEvent]:
        """The mailbox's events of one meeting: Exchange gives every attendee's copy the
        organiser's iCalUId, which is how a member's copy of a team session is found."""
        events = self._graph.client.users.by_user_id(mailbox).events
        first = events.to_get_request_information(
            _utc_config(
                self._page_size,
                EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
                    filter=f"iCalUId eq {odata_string(ical_uid)}"
                ),
            )
        )
        return [event_from_json(e) for e in await self._paged(first, mailbox)]

    async def _paged(self, first: RequestInformation, mailbox: str) -> list[dict[str, Any]]:
        """Every page, following @odata.nextLink; each page is its own request inside the
        mailbox limit, so a long scan never hogs a slot."""
        events: list[dict[str, Any]] = []
        info: RequestInformation | None = first
        while info is not None:
            page = await self._graph.call_json(Operation.READ_EVENTS, info, mailbox=mailbox)
            events.extend(page.get("value") or [])
            next_link = page.get("@odata.nextLink")
            info = self._follow(next_link) if next_link else None
        return events

    def _follow(self, link: str) -> RequestInformation:
        return self._graph.request_for_url(
            link, headers={"Prefer": f"{_UTC_PREFERENCE}, odata.maxpagesize={self._page_size}"}
        )

    async def delta_scan(
        self, mailbox: str, window: TimeSpan | None = None, *, delta_link: str | None = None
    ) -> CalendarChanges:
        """One round of calendarView delta: the first with a window, later ones from the
        stored link. Returns the changes and the new delta link for the caller to store."""
        if delta_link:
            info = self._follow(delta_link)
        elif window is not None:
            delta = self._graph.client.users.by_user_id(mailbox).calendar_view.delta
            info = delta.to_get_request_information(
                _utc_config(
                    self._page_size,
                    DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
                        start_date_time=_iso(window.start), end_date_time=_iso(window.end)
                    ),
                )
            )
            # The SDK writes the function call as `delta()`; Graph documents the bare `delta`
            # segment (both are served), and a plain path is what stored links look like.
            info.path_parameters["baseurl"] = self._graph.base_url
            info.url = str(info.url).replace("/delta()", "/delta")
        else:
            raise ValueError("the first delta scan needs a window")
        changed: dict[str, CalendarEvent] = {}
        removed: list[str] = []
        while True:
            page = await self._graph.call_json(Operation.READ_EVENTS, info, mailbox=mailbox)
            for event in page.get("value") or []:
                event_id = str(event.get("id") or "")
                if "@removed" in event:
                    removed.append(event_id)
                    changed.pop(event_id, None)
                else:
                    changed[event_id] = event_from_json(event)
            if page.get("@odata.deltaLink"):
                return CalendarChanges(
                    tuple(changed.values()), tuple(removed), str(page["@odata.deltaLink"])
                )
            if not page.get("@odata.nextLink"):
                raise GraphRejected(status=None, detail="delta page without next or delta link")
            info = self._follow(str(page["@odata.nextLink"]))

    # --- writing -------------------------------------------------------------------------

    async def create_event(self, mailbox: str, draft: EventDraft) -> CalendarEvent:
        events = self._graph.client.users.by_user_id(mailbox).events
        info = events.to_post_request_information(_create_body(draft), _utc_config())
        created = await self._graph.call_json(Operation.WRITE_EVENTS, info, mailbox=mailbox)
        return event_from_json(created)

    async def create_events_batched(
        self, drafts_by_mailbox: Mapping[str, Sequence[EventDraft]]
    ) -> dict[str, list[CalendarEvent | GraphError]]:
        """Many creates in `$batch`es of 20; per mailbox, results in draft order. A failed
        create is a GraphError in its place, not an exception: the others stand."""
        requests: list[BatchRequest] = []
        owners: dict[str, str] = {}
        for mailbox, drafts in drafts_by_mailbox.items():
            for draft in drafts:
                _require_transaction_id(draft)
                request_id = str(len(requests) + 1)
                # Written as JSON (graph/event_json.py): the SDK's model and URL template cost
                # more CPU per create than Graph's round trip when thousands go at once.
                prepared = create_event_request(mailbox, draft)
                requests.append(
                    BatchRequest(request_id, None, Operation.WRITE_EVENTS, mailbox, prepared)
                )
                owners[request_id] = mailbox
        results = await self._batches.send(requests)
        out: dict[str, list[CalendarEvent | GraphError]] = {m: [] for m in drafts_by_mailbox}
        for request in requests:  # in draft order per mailbox
            result = results[request.id]
            out[owners[request.id]].append(
                result.error if result.error is not None else event_from_json(result.body)
            )
        return out

    async def event(self, mailbox: str, event_id: str) -> CalendarEvent:
        """GET one event (a series master comes with its recurrence)."""
        item = self._graph.client.users.by_user_id(mailbox).events.by_event_id(event_id)
        info = item.to_get_request_information(_utc_config())
        return event_from_json(
            await self._graph.call_json(Operation.READ_EVENTS, info, mailbox=mailbox)
        )

    async def update_event(
        self, mailbox: str, event_id: str, changes: EventChanges
    ) -> CalendarEvent:
        """PATCH one event. On an occurrence's id this moves only that occurrence (Graph turns
        it into an exception of its series)."""
        item = self._graph.client.users.by_user_id(mailbox).events.by_event_id(event_id)
        info = item.to_patch_request_information(changes_to_graph(changes), _utc_config())
        updated = await self._graph.call_json(Operation.WRITE_EVENTS, info, mailbox=mailbox)
        return event_from_json(updated)

    async def cancel_event(self, mailbox: str, event_id: str, *, comment: str = "") -> None:
        """Cancel as organiser (attendees get a cancellation); on a series master, the series."""
        item = self._graph.client.users.by_user_id(mailbox).events.by_event_id(event_id)
        body = CancelPostRequestBody(comment=comment or None)
        await self._graph.call(
            Operation.WRITE_EVENTS, lambda: item.cancel.post(body), mailbox=mailbox
        )

    async def delete_event(self, mailbox: str, event_id: str) -> None:
        item = self._graph.client.users.by_user_id(mailbox).events.by_event_id(event_id)
        await self._graph.call(Operation.WRITE_EVENTS, lambda: item.delete(), mailbox=mailbox)


def _require_transaction_id(draft: EventDraft) -> None:
    if not draft.transaction_id.strip():
        raise MissingTransactionId(
            "every event create carries a transactionId derived from what it books"
        )


def _create_body(draft: EventDraft) -> Event:
    _require_transaction_id(draft)
    return event_to_graph(draft)


def _create_info(events: EventsRequestBuilder, draft: EventDraft) -> RequestInformation:
    return events.to_post_request_information(_create_body(draft), _utc_config())


def _utc_config(page_size: int | None = None, query: Any = None) -> RequestConfiguration[Any]:
    config: RequestConfiguration[Any] = RequestConfiguration(query_parameters=query)
    config.headers.add("Prefer", _UTC_PREFERENCE)
    if page_size:
        config.headers.add("Prefer", f"odata.maxpagesize={page_size}")
    return config


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
