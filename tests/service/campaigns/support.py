"""A campaign to answer: an owner and two reports in the Graph emulator (Swedish and Dutch
mailboxes, each with a chat with the bot), someone outside the audience, the service in local
mode so the clock can move. Working hours span the whole day, so a prompt is due at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from tests.builders import an_install
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.plans.support import on_emulator
from tests.service.plans.support import run_jobs as run_jobs  # the one job runner
from tests.service.support import ALL_DAY as ALL_DAY
from tests.service.support import PeopleInChats
from tests.service.support import action_data as action_data
from tests.service.support import texts as texts

ZONE = "Europe/Stockholm"


@dataclass
class World(PeopleInChats):
    locale: ClassVar[str] = "sv-SE"
    owner: str
    astrid: str  # Swedish mailbox
    bram: str  # Dutch mailbox
    outsider: str  # has a chat with the bot, never asked
    campaigns: list[str] = field(default_factory=list)

    async def campaign(self, *, anonymous: bool = False, form: str = "learning_checkin",
                       people: tuple[str, ...] | None = None, **changes: Any) -> str:
        now = self.services.clock.now()
        values: dict[str, Any] = {
            "audience": Audience.of_people(*(people or (self.astrid, self.bram))),
            "timing": Timing.once(now), "closes_at": now + timedelta(days=14),
        }
        values.update(changes)
        spec = CampaignSpec(form_key=form, form_version=1, anonymous=anonymous, **values)
        created = await create_campaign(
            CreateCampaign(self.owner, spec), uow=self.services.uow, forms=self.services.forms,
            directory=self.services.directory, rights=self.services.rights,
            clock=self.services.clock, new_id=lambda: str(uuid.uuid4()),
        )
        self.campaigns.append(created.campaign_id)
        return created.campaign_id

    async def send(self, by: timedelta = timedelta(hours=1)) -> None:
        """Run the fan-out, move the clock past the send times, run the sends."""
        await run_jobs(self.service)
        await self.service.runtime.advance_clock(by)
        await run_jobs(self.service)


def input_values(card: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(card, dict):
        if str(card.get("type", "")).startswith("Input.") and "value" in card:
            found[card["id"]] = card["value"]
        for key, value in card.items():
            if key != "fallback":
                found.update(input_values(value))
    elif isinstance(card, list):
        for item in card:
            found.update(input_values(item))
    return found


async def a_world(
    start_service: ServiceFactory, emulator: GraphEmulator, connector: FakeConnector,
    **settings: Any,
) -> World:
    await emulator.control.reset("empty")
    owner = (await emulator.control.add_user("Anna Berg", time_zone=ZONE,
                                             working_hours=ALL_DAY))["id"]
    astrid = (await emulator.control.add_user("Astrid Lindqvist", time_zone=ZONE,
                                              working_hours=ALL_DAY, manager_id=owner,
                                              mailbox_language="sv-SE"))["id"]
    bram = (await emulator.control.add_user("Bram de Vries", time_zone="Europe/Amsterdam",
                                            working_hours=ALL_DAY, manager_id=owner,
                                            mailbox_language="nl-NL"))["id"]
    outsider = (await emulator.control.add_user("Olle Utanför", time_zone=ZONE,
                                                working_hours=ALL_DAY))["id"]
    service = await start_service(**on_emulator(emulator, local_mode=True, graph_max_retries=1,
                                                 **settings))
    for person in (astrid, bram, outsider):
        await service.post(an_install(connector.service_url, user_aad=person,
                                      conversation_id=f"a:personal-{person}"))
    await connector.wait_for(3)
    connector.activities.clear()
    return World(service, emulator, connector, owner, astrid, bram, outsider)
