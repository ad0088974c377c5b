"""A booked plan to defend: two members with empty calendars in the Graph emulator (one with a
chat with the bot, one without), the service in local mode so tests can move its clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from teams_app.domain.bookings import BookedSlot
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanSpec
from teams_app.domain.occurrence_records import SlotRef, StoredOccurrence
from teams_app.use_cases.defend.scan import DefendMailbox, MailboxDefended, defend_mailbox
from teams_app.use_cases.plans.booking import BookMemberSlot, BookPlan, book_member_slot, book_plan
from teams_app.use_cases.plans.planning import create_plan
from tests.builders import an_execute, an_install
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import on_emulator
from tests.service.plans.support import run_jobs as run_jobs  # the one job runner

ZONE = "Europe/Stockholm"
HOURS = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
         "startTime": "08:00:00", "endTime": "17:00:00"}


@dataclass
class Booked:
    service: RunningService
    emulator: GraphEmulator
    connector: FakeConnector
    plan_id: str
    owner: str
    member: str  # has a chat with the bot; Outlook in Swedish
    silent: str  # has no chat with the bot

    @property
    def services(self) -> Any:
        return self.service.runtime.services

    async def slot(self, member: str | None = None) -> BookedSlot:
        async with self.services.uow() as tx:
            found = await tx.plans.slot(self.plan_id, member or self.member, 1)
        assert found is not None and found.event_id
        return found

    def ref(self, member: str | None = None) -> SlotRef:
        return SlotRef(self.plan_id, member or self.member, 1)

    async def stored(self, member: str | None = None) -> list[StoredOccurrence]:
        async with self.services.uow() as tx:
            return await tx.occurrences.occurrences(self.ref(member))

    async def instances(self, member: str | None = None) -> list[dict[str, Any]]:
        """The series' instances as Graph lists them, by start."""
        who = member or self.member
        slot = await self.slot(who)
        now = self.services.clock.now()
        start = (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = (now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        response = await self.emulator.request(
            "GET",
            f"/users/{who}/events/{slot.event_id}/instances"
            f"?startDateTime={start}&endDateTime={end}",
            headers={"Prefer": 'outlook.timezone="UTC"'},
        )
        assert response.status == 200, response.body
        return sorted(response.body["value"], key=lambda e: e["start"]["dateTime"])

    async def defend(self, member: str | None = None) -> MailboxDefended:
        calendar = self.services.calendar
        assert calendar is not None
        return await defend_mailbox(
            DefendMailbox(
                member or self.member,
                timedelta(days=self.services.settings.defend_lookahead_days),
            ),
            uow=self.services.uow,
            calendar=calendar,
            clock=self.services.clock,
        )

    async def press(self, action: dict[str, Any], *, user: str | None = None) -> dict[str, Any]:
        """Press a card button as the member (or `user`); returns the card Teams would show."""
        data = action["data"]
        status, body = await self.service.post(an_execute(
            self.connector.service_url, data["verb"], data, user_aad=user or self.member,
            conversation_id=f"a:personal-{user or self.member}", locale="sv-SE",
        ))
        assert status == 200, body
        assert body["statusCode"] == 200
        assert body["type"] == "application/vnd.microsoft.card.adaptive"
        return body["value"]

    async def advance(self, by: timedelta) -> None:
        """Move the service's and the emulator's clocks together."""
        await self.service.runtime.advance_clock(by)
        await self.emulator.control.advance_clock(by.total_seconds())


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=UTC)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def start_of(instance: dict[str, Any]) -> datetime:
    return utc(instance["start"]["dateTime"][:19])




def a_spec(*members: str, occurrences: int = 4) -> PlanSpec:
    today = datetime.now(UTC).date()
    next_monday = today + timedelta(days=7 - today.weekday())
    return PlanSpec(
        members=MemberSource.of_people(*members),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow(
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY),
            time(9, 0),
            time(16, 0),
        ),
        horizon=Horizon(next_monday, occurrences=occurrences),
        goal="Finish the cloud security course",
    )


async def booked_plan(
    start_service: ServiceFactory,
    emulator: GraphEmulator,
    connector: FakeConnector,
    *,
    occurrences: int = 4,
    **settings: Any,
) -> Booked:
    await emulator.control.reset("empty")
    owner = (await emulator.control.add_user("Anna Berg", time_zone=ZONE,
                                             working_hours=HOURS))["id"]
    member = (await emulator.control.add_user("Astrid Lindqvist", time_zone=ZONE,
                                              working_hours=HOURS, manager_id=owner,
                                              mailbox_language="sv-SE"))["id"]
    silent = (await emulator.control.add_user("Bram de Vries", time_zone=ZONE,
                                              working_hours=HOURS, manager_id=owner))["id"]
    service = await start_service(**on_emulator(
        emulator, local_mode=True, graph_max_retries=1,
        **{"defend_lookahead_days": 35, **settings},  # all four sessions in reach
    ))
    await service.post(an_install(connector.service_url, user_aad=member, locale="sv-SE",
                                  conversation_id=f"a:personal-{member}"))
    await connector.wait_for(1)
    services = service.runtime.services
    receipt = await create_plan(
        CreatePlan(owner, a_spec(member, silent, occurrences=occurrences)), uow=services.uow(),
        clock=services.clock,
        new_id=lambda: str(uuid.uuid4()),
    )
    await book_plan(BookPlan(receipt.plan_id, owner), uow=services.uow,
                    calendar=services.calendar, directory=services.directory,
                    clock=services.clock, rights=services.rights)
    for who in (member, silent):  # the series as the booking job makes them, whatever the batch
        await book_member_slot(BookMemberSlot(receipt.plan_id, who, 1), uow=services.uow,
                               calendar=services.calendar, clock=services.clock)
    await run_jobs(service)
    connector.activities.clear()
    return Booked(service, emulator, connector, receipt.plan_id, owner, member, silent)
