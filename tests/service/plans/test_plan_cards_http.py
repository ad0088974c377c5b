"""The manager's plan card through the real aiohttp app, with the Graph emulator behind the
real msgraph-sdk adapter: `plan` in every language, Preview, and a clear answer under its input
for every bad answer and fault. Card data is sent as the Agents Playground sends it: every value
a string."""

from __future__ import annotations

import re

import pytest

from graph import demo_org
from graph.emulator.seeds import NO_MAILBOX_USER_ID
from teams_app.domain.learning_plans import MemberSourceKind
from tests.builders import an_activity
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.plans.cards_support import (
    GOAL,
    LEAD,
    LEAD_NAME,
    REPORTS,
    action_data,
    execute,
    inputs,
    next_monday,
    plan_data,
    plans_of,
    run_jobs,
    start,
    walk,
    walk_list,
)

LEARNING_CIRCLE = demo_org.LEARNING_CIRCLE_GROUP_ID  # Ingrid is in it

# --- typing plan / plans -----------------------------------------------------------------------


@pytest.mark.parametrize(("word", "locale", "title", "group"), [
    ("plan", "en-US", "Plan learning time", "Group"),
    ("Planera", "sv-SE", "Planera lärtid", "Grupp"),
    ("plannen", "nl-NL", "Leertijd plannen", "Groep"),
    ("planen", "de-DE", "Lernzeit planen", "Gruppe"),
])
async def test_typing_plan_sends_the_plan_card_with_the_sender_s_reports_and_groups(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, word: str, locale: str, title: str, group: str,
) -> None:
    service = await start(start_service, graph_emulator)
    await service.post(an_activity(connector.service_url, text=word, user_aad=LEAD,
                                   locale=locale))
    (_, answer), = await connector.wait_for(1)
    card = card_of(answer)
    assert_valid_card(card)
    assert title in all_texts(card)
    members = next(n for n in walk(card) if n.get("id") == "members")
    values = [c["value"] for c in members["choices"]]
    reports = [f"user:{p.object_id}" for p in REPORTS]
    # All reports at once, the manager, the groups the manager is in, each report, then others
    # of the manager's department.
    assert values[:5] == ["reports", f"user:{LEAD}", f"group:{LEARNING_CIRCLE}",
                          f"group:{demo_org.LEARNING_LEADS_GROUP_ID}",
                          f"group:{demo_org.LEARNING_LOOP_PILOT_GROUP_ID}"]
    assert [c["title"] for c in members["choices"][2:5]] == [
        f"{group}: Learning Circle", f"{group}: Learning leads", f"{group}: Learning Loop pilot"]
    assert set(values[5:len(REPORTS) + 5]) == set(reports)
    assert values[len(REPORTS) + 5:] == [f"user:{NO_MAILBOX_USER_ID}"]
    assert {p.display_name for p in REPORTS} <= {c["title"] for c in members["choices"]}
    assert inputs(card)["starts_on"] == next_monday()


async def test_someone_without_reports_is_offered_their_department(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    erik = REPORTS[0]  # People & Learning, no reports of his own
    await service.post(an_activity(connector.service_url, text="plan", user_aad=erik.object_id))
    (_, answer), = await connector.wait_for(1)
    members = next(n for n in walk(card_of(answer)) if n.get("id") == "members")
    titles = [c["title"] for c in members["choices"]]
    assert "reports" not in [c["value"] for c in members["choices"]]
    assert LEAD_NAME in titles and erik.display_name not in titles
    department = [p for p in demo_org.people()
                  if p.department == erik.department and p.object_id != erik.object_id]
    assert {p.display_name for p in department} <= set(titles)


async def test_the_department_list_failing_still_gives_the_plan_card(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "^GET /users$", "status": 503, "retry_after": 0.01, "count": 10},
    ])
    await service.post(an_activity(connector.service_url, text="plan", user_aad=LEAD))
    (_, answer), = await connector.wait_for(1)
    members = next(n for n in walk(card_of(answer)) if n.get("id") == "members")
    assert [c["value"] for c in members["choices"]][:2] == ["reports", f"user:{LEAD}"]
    assert len(members["choices"]) == len(REPORTS) + 5  # reports, self, 3 groups; no colleagues
    assert (await graph_emulator.control.limits())["fail_next"][0]["count"] < 10


async def test_the_groups_failing_still_gives_the_plan_card_without_them(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "memberOf", "status": 403, "code": "Authorization_RequestDenied",
         "count": 10},
    ])
    await service.post(an_activity(connector.service_url, text="plan", user_aad=LEAD))
    (_, answer), = await connector.wait_for(1)
    members = next(n for n in walk(card_of(answer)) if n.get("id") == "members")
    values = [c["value"] for c in members["choices"]]
    assert values[:2] == ["reports", f"user:{LEAD}"]
    assert not [v for v in values if v.startswith("group:")]
    assert f"user:{NO_MAILBOX_USER_ID}" in values  # colleagues still offered


async def test_plan_in_a_group_chat_points_to_the_personal_chat(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await service.post(an_activity(connector.service_url, text="plan", user_aad=LEAD,
                                   conversation_id="19:group@thread.v2",
                                   conversation_type="groupChat"))
    (_, answer), = await connector.wait_for(1)
    assert "personal chat" in answer["text"]
    assert not answer.get("attachments")


async def test_help_lists_plan_and_plans(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(an_activity(connector.service_url, text="hjälp", locale="sv-SE"))
    (_, answer), = await connector.wait_for(1)
    facts = {node["title"] for node in walk(card_of(answer)) if "title" in node}
    assert {"planera", "planer", "help"} <= facts


async def test_without_graph_plan_says_what_is_missing(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(an_activity(connector.service_url, text="plan"))
    (_, answer), = await connector.wait_for(1)
    assert "Microsoft Graph, which is not set up" in all_texts(card_of(answer))


# --- preview ----------------------------------------------------------------------------------


async def test_preview_stores_the_plan_and_shows_each_report_s_time_in_their_zone(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.preview", plan_data())
    content = all_texts(card)
    assert "Proposed learning time" in content
    lines = content.split("\n")
    for person in REPORTS:
        when = lines[lines.index(person.display_name) + 1]
        # en-US: CLDR's "10:00 – 11:00 AM", with thin and narrow no-break spaces.
        assert re.fullmatch(r"(Monday|Tuesday|Wednesday|Thursday) \d{1,2}:\d\d(\u202f[AP]M)?"
                            r"\u2009–\u2009\d{1,2}:\d\d\u202f[AP]M \(.+\)", when), when
    # Mailboxes give Windows zones, which stand for many cities: the zone is named by its
    # abbreviation, true for Stockholm and Berlin alike (no "Berlin" for a Stockholm person).
    assert "(EST)" in content and "(GMT)" in content and "(CET)" in content
    assert "Berlin" not in content
    assert ("Every week · Monday, Tuesday, Wednesday, and Thursday · 9:00\u202fAM\u2009–\u2009"
            "4:00\u202fPM · 60 minutes") in content
    assert "4 sessions" in content
    (plan,) = await plans_of(service)
    assert plan.owner_id == LEAD and plan.spec.goal == GOAL
    assert action_data(card, "plan.book") == {"verb": "plan.book", "plan_id": plan.id,
                                              "revision": 1}
    assert action_data(card, "plan.edit")["plan_id"] == plan.id


async def test_a_group_the_manager_owns_previews_and_books_its_members(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    circle = [LEAD, *(p.object_id for p in REPORTS)]  # Ingrid and her team
    preview = await execute(service, connector, "plan.preview",
                            plan_data(members=f"group:{LEARNING_CIRCLE}"))
    lines = all_texts(preview).split("\n")
    for name in (LEAD_NAME, *(p.display_name for p in REPORTS)):
        assert name in lines, name
    (plan,) = await plans_of(service)
    assert plan.spec.members.kind is MemberSourceKind.GROUP
    assert plan.spec.members.group_id == LEARNING_CIRCLE

    edit = await execute(service, connector, "plan.edit", {"plan_id": plan.id})
    members = next(n for n in walk(edit) if n.get("id") == "members")
    assert members["value"] == f"group:{LEARNING_CIRCLE}"
    assert {"title": "Group: Learning Circle", "value": f"group:{LEARNING_CIRCLE}"} in \
        members["choices"]

    await execute(service, connector, "plan.book", action_data(preview, "plan.book"))
    await run_jobs(service)
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, plan.revision)
        booked = {m.member_id for m in await tx.plans.members(plan.id)}
    assert progress is not None and (progress.total, progress.done) == (len(circle),) * 2
    assert booked == set(circle)


async def test_a_team_session_preview_names_the_one_meeting_time(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.preview",
                         plan_data(mode="team", days="tue", duration="45"), locale="nl-NL")
    content = all_texts(card)
    assert "Voorgestelde leertijd" in content
    meeting = re.search(r"Eén Teams-vergadering voor iedereen: dinsdag (\d\d:\d\d)–", content)
    assert meeting is not None, content
    (plan,) = await plans_of(service)
    assert plan.spec.mode.value == "team_session"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"members": None}, "members", "Choose at least one person"),
    ({"members": "someone-else"}, "members", "Choose one of the options"),
    ({"members": "group:g-1,reports"}, "members", "Choose one group on its own"),
    ({"days": None}, "days", "Choose at least one day"),
    ({"duration": "300"}, "duration", "between 15 and 240 minutes"),
    ({"duration": "forty"}, "duration", "between 15 and 240 minutes"),
    ({"duration": "45.5"}, "duration", "between 15 and 240 minutes"),
    ({"window_start": "10:00", "window_end": "10:30"}, "duration",
     "A 60-minute session does not fit in this window"),
    ({"window_start": "16:00", "window_end": "09:00"}, "window_end",
     "must end after it starts"),
    ({"window_start": "9 o'clock"}, "window_start", "Enter a time such as 09:00"),
    ({"window_start": "09:10"}, "window_start", "quarter hour"),
    ({"starts_on": "2026-02-30"}, "starts_on", "not a date I can read"),
    ({"starts_on": None}, "starts_on", "Choose the date of the first session"),
    ({"starts_on": "2020-01-06"}, "starts_on", "The start date has passed"),
    ({"occurrences": None}, "ends_on", "Give an end date or a number of sessions."),
    ({"ends_on": "2020-01-06", "occurrences": None}, "ends_on",
     "end date must be after the start date"),
    ({"ends_on": "2099-01-05"}, "ends_on", "not both"),
    ({"occurrences": "0"}, "occurrences", "between 1 and 104"),
    ({"occurrences": "many"}, "occurrences", "between 1 and 104"),
    ({"cadence": "daily"}, "cadence", "Choose one of the options"),
    ({"mode": "solo"}, "mode", "Choose one of the options"),
    ({"goal": "   "}, "goal", "Write a goal"),
    ({"goal": "x" * 501}, "goal", "500 characters"),
    ({"material_url": "http://learn.example.com"}, "material_url", "must start with https://"),
    ({"material_url": "javascript:alert(1)"}, "material_url", "must start with https://"),
])
async def test_bad_answers_come_back_under_their_input_with_every_answer_kept(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, changes: dict[str, str | None], field: str, message: str,
) -> None:
    service = await start(start_service, graph_emulator)
    sent = plan_data(**changes)
    card = await execute(service, connector, "plan.preview", sent)
    assert message in all_texts(card)
    body = walk_list(card)
    position = next(i for i, n in enumerate(body) if n.get("id") == field)
    assert message in body[position + 1].get("text", ""), "the message sits under its input"
    shown = inputs(card)
    for name in ("goal", "window_start", "window_end", "starts_on", "material_url"):
        if name in sent and name != field:
            assert shown[name] == sent[name], name
    assert shown["days"] == sent.get("days"), "a multi-select comes back as it was"
    assert await plans_of(service) == []  # nothing is stored until the card is right


async def test_a_window_outside_everyone_s_working_hours_is_an_inline_error(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.preview",
                         plan_data(window_start="20:00", window_end="23:00"))
    assert "outside everyone's working hours" in all_texts(card)
    assert inputs(card)["window_start"] == "20:00"
    assert await plans_of(service) == []


async def test_a_manager_without_reports_learns_that_nobody_is_chosen(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    loner = REPORTS[0].object_id  # has no reports of their own
    card = await execute(service, connector, "plan.preview", plan_data(), user=loner)
    assert "Choose at least one person" in all_texts(card)
    assert await plans_of(service, loner) == []


@pytest.mark.parametrize(("status", "message"), [
    (403, "I am not allowed to read the directory or the calendars"),
    (404, "The directory does not know you or someone in this plan"),
    (429, "Outlook is busy right now"),
    (503, "Outlook or the directory did not answer"),
])
async def test_graph_faults_during_preview_keep_the_card_and_say_what_happened(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, status: int, message: str,
) -> None:
    service = await start(start_service, graph_emulator)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "getSchedule", "status": status, "retry_after": 0.01, "count": 10,
         **({"code": "ErrorAccessDenied"} if status == 403 else {})},
    ])
    card = await execute(service, connector, "plan.preview", plan_data())
    assert message in all_texts(card)
    assert "Traceback" not in all_texts(card)
    assert inputs(card)["goal"] == GOAL
    assert await plans_of(service) == []


async def test_graph_fault_reading_the_reports_still_answers_with_a_card(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "directReports", "status": 403, "code": "Authorization_RequestDenied",
         "count": 10},
    ])
    card = await execute(service, connector, "plan.preview", plan_data())
    assert "I am not allowed to read the directory" in all_texts(card)
    assert inputs(card)["goal"] == GOAL
