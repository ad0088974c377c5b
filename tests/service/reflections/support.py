"""A meeting to reflect on: an organiser and three colleagues in the Graph emulator (Swedish,
Dutch and German mailboxes), each with a chat with the bot; Lena, who has no Learning Loop;
a meeting chat whose members the test connector lists; the service in local mode so the clock
can move. Working hours span the whole day, so reminders and follow-ups are due at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from teams_app.adapters.sql.reflection_tables import (
    reflection_follow_ups,
    reflection_participants,
    reflection_rounds,
    reflections,
)
from teams_app.bot.reflections.handlers import MEETING_END
from teams_app.use_cases.reflections.follow_ups import DUE as FOLLOW_UPS_DUE
from teams_app.use_cases.reflections.outbox import EXPORT
from teams_app.use_cases.reflections.starting import CLOSE_DUE
from tests.builders import an_activity, an_install
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.plans.support import on_emulator
from tests.service.plans.support import run_jobs as run_jobs  # the one job runner
from tests.service.support import ALL_DAY, PeopleInChats
from tests.service.support import texts as texts

ZONE = "Europe/Stockholm"
CHAT = "19:meeting_weekly-sync@thread.v2"


def answers(sharing: str, takeaway: str, *, action: str = "", by: str = "",
            hindrances: str = "") -> dict[str, Any]:
    return {"takeaway": takeaway, "ways": "social,experiential", "hindrances": hindrances,
            "differently": "", "action": action, "action_by": by, "sharing": sharing}


@dataclass
class World(PeopleInChats):
    anna: str  # the organiser
    astrid: str
    bram: str
    clara: str
    lena: str  # in the meeting, without the app

    async def meeting_ends(self, *, meeting_id: str = "meeting-1",
                           end_time: str = "2026-11-25T10:00:00Z",
                           conversation_id: str = CHAT, **changes: Any) -> int:
        event = an_activity(
            self.connector.service_url, type="event", name=MEETING_END,
            conversation_id=conversation_id, conversation_type="groupChat",
            user_aad=self.anna, user_name="Anna Berg",
            value={"Id": meeting_id, "MeetingType": "Scheduled", "Title": "Weekly sync",
                   "EndTime": end_time},
            channelData={"tenant": {"id": "tenant-1"}, "meeting": {"id": meeting_id}},
        )
        event.update(changes)
        status, _ = await self.service.post(event)
        return status

    async def say(self, text: str, *, as_: str, conversation_id: str = CHAT,
                  conversation_type: str = "groupChat", locale: str = "en-US") -> list[str]:
        before = len(self.connector.sent_to(conversation_id))
        status, _ = await self.service.post(an_activity(
            self.connector.service_url, text=text, user_aad=as_,
            conversation_id=conversation_id, conversation_type=conversation_type,
            locale=locale))
        assert status in (200, 201, 202), status
        return [a.get("text") or "" for a in self.connector.sent_to(conversation_id)[before:]]

    def cards_in(self, conversation_id: str) -> list[dict[str, Any]]:
        return [attachment["content"] for activity in self.connector.sent_to(conversation_id)
                for attachment in activity.get("attachments") or []]

    async def rows(self, table: Any) -> list[dict[str, Any]]:
        async with self.service.runtime.engine.connect() as connection:
            found = (await connection.execute(select(table))).mappings().all()
        return [dict(row) for row in found]

    async def rounds(self) -> list[dict[str, Any]]:
        return await self.rows(reflection_rounds)

    async def participants(self) -> list[dict[str, Any]]:
        return await self.rows(reflection_participants)

    async def reflections(self) -> list[dict[str, Any]]:
        return await self.rows(reflections)

    async def follow_ups(self) -> list[dict[str, Any]]:
        return await self.rows(reflection_follow_ups)

    async def sweep(self) -> None:
        """Queue the periodic reflection jobs as their schedules do (the tests register no
        schedules), then run what is due."""
        async with self.services.uow() as tx:
            for kind in (CLOSE_DUE, FOLLOW_UPS_DUE, EXPORT):
                await tx.jobs.enqueue(kind, {})
            await tx.commit()
        await run_jobs(self.service)

    def now(self) -> datetime:
        return self.services.clock.now()


def facts(card: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(card, dict):
        if card.get("type") == "FactSet":
            found += card["facts"]
        for value in card.values():
            found += facts(value)
    elif isinstance(card, list):
        for item in card:
            found += facts(item)
    return found


def member(person: str, name: str) -> dict[str, Any]:
    # As Teams lists them (TeamsChannelAccount): the object id under `objectId`.
    return {"id": f"29:{person}", "name": name, "objectId": person, "userRole": "user"}


async def a_world(
    start_service: ServiceFactory, emulator: GraphEmulator, connector: FakeConnector,
    **settings: Any,
) -> World:
    await emulator.control.reset("empty")
    people = {}
    for name, zone, language in (("Anna Berg", ZONE, "sv-SE"),
                                 ("Astrid Lindqvist", ZONE, "sv-SE"),
                                 ("Bram de Vries", "Europe/Amsterdam", "nl-NL"),
                                 ("Clara Schmidt", "Europe/Berlin", "de-DE"),
                                 ("Lena Holm", ZONE, "sv-SE")):
        people[name] = (await emulator.control.add_user(
            name, time_zone=zone, working_hours=ALL_DAY, mailbox_language=language))["id"]
    settings.setdefault("reflection_k", 3)
    service = await start_service(**on_emulator(emulator, local_mode=True, graph_max_retries=1,
                                                 **settings))
    anna, astrid, bram, clara, lena = people.values()
    for person in (anna, astrid, bram, clara):
        await service.post(an_install(connector.service_url, user_aad=person,
                                      conversation_id=f"a:personal-{person}"))
    await connector.wait_for(4)
    connector.activities.clear()
    connector.members[CHAT] = [member(p, n) for n, p in people.items()] + [
        {"id": "28:bot", "name": "Learning Loop", "role": "bot"}]
    return World(service, emulator, connector, anna, astrid, bram, clara, lena)
