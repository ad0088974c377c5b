"""mailboxSettings.language: what Outlook shows a person in, served by the emulator as Graph
documents it (`language: {locale, displayName}`, apart from the directory's preferredLanguage)
and read through GraphCalendar, alone and in batches."""

from __future__ import annotations

from graph import demo_org
from graph.calendar import GraphCalendar
from graph.client import GraphConnection
from teams_app.domain.calendar import MailboxSettings
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator


async def test_the_emulator_serves_and_updates_the_mailbox_language(
    graph_emulator: GraphEmulator,
) -> None:
    lotte = (await graph_emulator.control.add_user(
        "Lotte", preferred_language="en-US", mailbox_language="nl-NL"))["id"]
    plain = (await graph_emulator.control.add_user("Plain"))["id"]

    settings = await graph_emulator.request("GET", f"/users/{lotte}/mailboxSettings")
    assert settings.status == 200
    assert settings.body["language"] == {"locale": "nl-NL", "displayName": "Dutch (Netherlands)"}
    part = await graph_emulator.request("GET", f"/users/{lotte}/mailboxSettings/language")
    assert part.body["@odata.context"].endswith("/mailboxSettings/language")
    assert (part.body["locale"], part.body["displayName"]) == ("nl-NL", "Dutch (Netherlands)")
    user = await graph_emulator.request("GET", f"/users/{lotte}?$select=preferredLanguage")
    assert user.body["preferredLanguage"] == "en-US"  # the directory's, a different property
    default = await graph_emulator.request("GET", f"/users/{plain}/mailboxSettings")
    assert default.body["language"]["locale"] == "en-US"

    changed = await graph_emulator.request(
        "PATCH", f"/users/{lotte}/mailboxSettings", json={"language": {"locale": "de-AT"}})
    assert changed.status == 200
    assert changed.body["language"] == {"locale": "de-AT", "displayName": "German (Austria)"}
    refused = await graph_emulator.request(
        "PATCH", f"/users/{lotte}/mailboxSettings", json={"language": {"locale": "not a one"}})
    assert refused.status == 400 and refused.body["error"]["code"] == "ErrorInvalidArgument"
    again = await graph_emulator.request("GET", f"/users/{lotte}/mailboxSettings/language")
    assert again.body["locale"] == "de-AT"


async def test_the_demo_people_read_outlook_in_swedish_dutch_german_and_english(
    graph_emulator: GraphEmulator,
) -> None:
    await graph_emulator.control.reset("demo")
    found = {}
    for person in demo_org.people():
        answer = await graph_emulator.request(
            "GET", f"/users/{person.object_id}/mailboxSettings/language")
        found[person.object_id] = answer.body["locale"]
    assert {locale.split("-")[0] for locale in found.values()} == {"sv", "nl", "de", "en"}
    assert found[demo_org.ERIK_JOHANSSON] == "sv-SE"
    assert found[demo_org.LOTTE_JANSSEN] == "nl-NL"
    assert found[demo_org.JONAS_BECKER] == "de-DE"


async def test_the_adapter_reads_the_mailbox_language_alone_and_in_batches(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lotte = str((await graph_emulator.control.add_user("Lotte", mailbox_language="nl-NL"))["id"])
    jonas = str((await graph_emulator.control.add_user("Jonas", mailbox_language="de-DE"))["id"])
    calendar = GraphCalendar(graph)

    assert (await calendar.mailbox_settings(lotte)).language == "nl-NL"
    both = await calendar.mailbox_settings_batched([lotte, jonas])
    assert [s.language for s in both.values() if isinstance(s, MailboxSettings)] == \
        ["nl-NL", "de-DE"]
