"""A person's language for cards no turn of theirs asked for: what they last did in Teams, else
their mailbox's language from Graph (kept, so each card costs no Graph call), else the default.
The service runs here with German as its default, so a fallback shows."""

from __future__ import annotations

from typing import Any

from cards import translator_for
from teams_app.domain.languages import LanguageSource, PersonLanguage
from teams_app.ports import JobState
from teams_app.use_cases.notifications import Recipient, ScheduleNotification, schedule_notification
from tests.builders import an_activity, an_install
from tests.card_texts import texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.defend.support import booked_plan, run_jobs
from tests.service.plans.support import on_emulator

SETTINGS = "GET /users/{user}/mailboxSettings"


def intro(language: str) -> str:
    return translator_for(language)("help.intro")


async def started(start_service: ServiceFactory, emulator: GraphEmulator) -> RunningService:
    await emulator.control.reset("empty")
    return await start_service(**on_emulator(emulator, default_locale="de", graph_max_retries=1))


async def person(emulator: GraphEmulator, name: str, **fields: Any) -> str:
    return str((await emulator.control.add_user(name, **fields))["id"])


async def installed(service: RunningService, connector: FakeConnector, user: str) -> None:
    """The app installed for them (their chat stored); Teams' event says nothing of language."""
    await service.post(an_install(connector.service_url, user_aad=user, locale="en-US",
                                  conversation_id=f"a:personal-{user}"))
    await connector.wait_for(1)
    connector.activities.clear()


async def says(service: RunningService, connector: FakeConnector, user: str, locale: str,
               conversation: str | None = None, kind: str = "personal") -> None:
    await service.post(an_activity(connector.service_url, text="help", user_aad=user,
                                   locale=locale, conversation_type=kind,
                                   conversation_id=conversation or f"a:personal-{user}"))
    await connector.wait_for(1)
    connector.activities.clear()


async def proactive_card(service: RunningService, connector: FakeConnector, user: str,
                         key: str) -> str:
    """The texts of a help card a job sends them (what any proactive card does for language)."""
    job_id = await schedule_notification(
        ScheduleNotification(Recipient(user_id=user), "help", key),
        uow=service.runtime.services.uow)
    await run_jobs(service)
    assert job_id is not None
    job = await service.runtime.jobs.get(job_id)
    assert job is not None and job.state is JobState.DONE
    (sent,) = connector.sent_to(f"a:personal-{user}")
    connector.activities.clear()
    return texts(sent["attachments"][0]["content"])


async def kept(service: RunningService, user: str) -> PersonLanguage | None:
    async with service.runtime.services.uow() as tx:
        return await tx.languages.get(user)


async def test_someone_who_never_wrote_gets_their_mailbox_language_read_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await started(start_service, graph_emulator)
    lotte = await person(graph_emulator, "Lotte", mailbox_language="nl-NL")
    await installed(service, connector, lotte)
    await graph_emulator.control.clear_stats()

    assert intro("nl") in await proactive_card(service, connector, lotte, "one")
    assert intro("nl") in await proactive_card(service, connector, lotte, "two")

    stats = await graph_emulator.control.stats()
    assert stats["requests"].get(SETTINGS) == 1  # the second card asked nobody
    found = await kept(service, lotte)
    assert found is not None and (found.locale, found.source) == ("nl-NL", LanguageSource.MAILBOX)


async def test_what_they_last_wrote_beats_their_mailbox_and_in_any_chat(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await started(start_service, graph_emulator)
    erik = await person(graph_emulator, "Erik", mailbox_language="sv-SE")
    await installed(service, connector, erik)
    assert intro("sv") in await proactive_card(service, connector, erik, "before")

    await says(service, connector, erik, "nl-NL")
    assert intro("nl") in await proactive_card(service, connector, erik, "after")
    await graph_emulator.control.advance_clock(30 * 86_400)  # the mailbox is not asked again
    await says(service, connector, erik, "en-GB", "19:team@thread.v2", kind="groupChat")
    assert intro("en") in await proactive_card(service, connector, erik, "in a group")
    found = await kept(service, erik)
    assert found is not None and (found.locale, found.source) == ("en-GB", LanguageSource.ACTIVITY)


async def test_a_language_the_cards_do_not_speak_or_no_mailbox_gives_the_default(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await started(start_service, graph_emulator)
    amelie = await person(graph_emulator, "Amélie", mailbox_language="fr-FR")
    nils = await person(graph_emulator, "Nils", has_mailbox=False, preferred_language="sv-SE")
    for who in (amelie, nils):
        await installed(service, connector, who)
        assert intro("de") in await proactive_card(service, connector, who, f"to {who}")
        await says(service, connector, who, "fr-FR")  # in French: nothing to keep
        found = await kept(service, who)
        assert found is not None and found.locale is None
        assert found.source is LanguageSource.MAILBOX


async def test_graph_failing_still_delivers_the_card_in_the_default_and_asks_again_later(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await started(start_service, graph_emulator)
    jonas = await person(graph_emulator, "Jonas", mailbox_language="sv-SE")
    await installed(service, connector, jonas)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "mailboxSettings", "status": 503, "retry_after": 0.01, "count": 10}])

    assert intro("de") in await proactive_card(service, connector, jonas, "down")
    assert await kept(service, jonas) is None  # an outage is not remembered as an answer

    await graph_emulator.control.set_limits(fail_next=[])
    assert intro("sv") in await proactive_card(service, connector, jonas, "up")


async def test_the_same_language_again_writes_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await started(start_service, graph_emulator)
    anna = await person(graph_emulator, "Anna")
    await installed(service, connector, anna)
    await says(service, connector, anna, "de-DE")
    first = await kept(service, anna)
    await says(service, connector, anna, "de-DE")
    await says(service, connector, anna, "de_de")  # the same language, written otherwise
    assert await kept(service, anna) == first
    await says(service, connector, anna, "sv-SE")
    found = await kept(service, anna)
    assert found is not None and first is not None
    assert found.locale == "sv-SE" and found.at > first.at


async def test_booking_keeps_the_mailbox_languages_it_read_for_the_members_cards(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(start_service, graph_emulator, connector)
    found = await kept(plan.service, plan.member)
    assert found is not None and (found.locale, found.source) == ("sv-SE", LanguageSource.MAILBOX)
    silent = await kept(plan.service, plan.silent)
    assert silent is not None and silent.locale == "en-US"  # a mailbox never set: Graph's en-US
