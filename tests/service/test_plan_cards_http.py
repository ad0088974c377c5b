"""The manager's plan cards through the real aiohttp app, with the Graph emulator behind the
real msgraph-sdk adapter: `plan` and `plans`, Preview, Book with the card updated in place until
the summary, Edit and Cancel, and a clear answer for every bad input and fault. Card data is
sent as the Agents Playground sends it: every value a string."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph import demo_org
from graph.emulator.seeds import NO_MAILBOX_USER_ID
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import SlotRef, StoredOccurrence
from teams_app.domain.occurrences import Outcome, occurrence_key
from tests.builders import an_activity, an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.test_messages_http import card_of, texts

LEAD = demo_org.LEARNING_LEAD_ID
LEAD_NAME = demo_org.person(LEAD).display_name
REPORTS = demo_org.direct_reports(LEAD)
GOAL = "Finish the cloud security course"
CARD = "application/vnd.microsoft.card.adaptive"


def next_monday() -> str:
    today = datetime.now(UTC).date()
    return (today + timedelta(days=7 - today.weekday())).isoformat()


def plan_data(**changes: str | None) -> dict[str, Any]:
    """The plan card's data as the Playground sends it; None leaves an input out."""
    data: dict[str, Any] = {
        "verb": "plan.preview",
        "members": "reports",
        "mode": "personal",
        "cadence": "weekly",
        "preference": "any",
        "days": "mon,tue,wed,thu",
        "window_start": "09:00",
        "window_end": "16:00",
        "duration": "60",
        "starts_on": next_monday(),
        "occurrences": "4",
        "goal": GOAL,
        "material_url": "https://learn.example.com/cloud",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def start(
    start_service: ServiceFactory, emulator: GraphEmulator, **settings: Any
) -> RunningService:
    await emulator.control.reset("demo")
    return await start_service(
        graph_base_url=emulator.base_url,
        graph_auth="static",
        graph_static_token=TOKEN,
        graph_timeout_seconds=5.0,
        graph_max_retries=2,
        graph_retry_backoff_seconds=0.01,
        job_backoff_base=0.01,
        job_backoff_max=0.05,
        local_mode=True,
        **settings,
    )


async def execute(
    service: RunningService,
    connector: FakeConnector,
    verb: str,
    data: dict[str, Any] | None = None,
    *,
    user: str = LEAD,
    locale: str = "en-US",
    reply_to: str | None = None,
) -> dict[str, Any]:
    payload = {**(data or {}), "verb": verb}
    extra = {"replyToId": reply_to} if reply_to else {}
    status, body = await service.post(an_execute(
        connector.service_url, verb, payload, user_aad=user, user_name="Manager", locale=locale,
        **extra,
    ))
    assert status == 200, body
    assert body["statusCode"] == 200 and body["type"] == CARD, body
    card = body["value"]
    assert_valid_card(card)
    return card


def inputs(card: dict[str, Any]) -> dict[str, Any]:
    """Input id -> its value (None when empty), for every input on the card."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node.get("value")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                return node["data"]
            for value in node.values():
                if (found := walk(value)) is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                if (found := walk(value)) is not None:
                    return found
        return None

    found = walk(card)
    assert found is not None, f"no {verb} button"
    return found


async def plans_of(service: RunningService, owner: str = LEAD) -> list[Any]:
    async with service.runtime.services.uow() as tx:
        return await tx.plans.plans_of(owner)


async def run_jobs(service: RunningService, *, until_idle_for: float = 0.3) -> int:
    worker = service.runtime.worker(concurrency=4)
    ran, idle_since = 0, asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - idle_since < until_idle_for:
        done = await worker.run_once()
        ran += done
        if done:
            idle_since = asyncio.get_running_loop().time()
        await asyncio.sleep(0.02)
    return ran


# --- typing plan / plans -----------------------------------------------------------------------


@pytest.mark.parametrize(("word", "locale", "title"), [
    ("plan", "en-US", "Plan learning time"),
    ("Planera", "sv-SE", "Planera lärtid"),
    ("plannen", "nl-NL", "Leertijd plannen"),
    ("planen", "de-DE", "Lernzeit planen"),
])
async def test_typing_plan_sends_the_plan_card_with_the_sender_s_reports(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, word: str, locale: str, title: str,
) -> None:
    service = await start(start_service, graph_emulator)
    await service.post(an_activity(connector.service_url, text=word, user_aad=LEAD,
                                   locale=locale))
    (_, answer), = await connector.wait_for(1)
    card = card_of(answer)
    assert_valid_card(card)
    assert title in texts(card)
    members = next(n for n in _walk(card) if n.get("id") == "members")
    values = [c["value"] for c in members["choices"]]
    reports = [f"user:{p.object_id}" for p in REPORTS]
    # All reports at once, each report, then others of the manager's department.
    assert values[0] == "reports" and set(values[1:len(REPORTS) + 1]) == set(reports)
    assert values[len(REPORTS) + 1:] == [f"user:{NO_MAILBOX_USER_ID}"]
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
    members = next(n for n in _walk(card_of(answer)) if n.get("id") == "members")
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
    members = next(n for n in _walk(card_of(answer)) if n.get("id") == "members")
    assert [c["value"] for c in members["choices"]][0] == "reports"
    assert len(members["choices"]) == len(REPORTS) + 1  # the reports, without colleagues
    assert (await graph_emulator.control.limits())["fail_next"][0]["count"] < 10


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
    facts = {node["title"] for node in _walk(card_of(answer)) if "title" in node}
    assert {"planera", "planer", "help"} <= facts


async def test_without_graph_plan_says_what_is_missing(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await service.post(an_activity(connector.service_url, text="plan"))
    (_, answer), = await connector.wait_for(1)
    assert "Microsoft Graph, which is not set up" in texts(card_of(answer))


# --- preview ----------------------------------------------------------------------------------


async def test_preview_stores_the_plan_and_shows_each_report_s_time_in_their_zone(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.preview", plan_data())
    content = texts(card)
    assert "Proposed learning time" in content
    lines = content.split("\n")
    for person in REPORTS:
        when = lines[lines.index(person.display_name) + 1]
        assert re.fullmatch(r"(Monday|Tuesday|Wednesday|Thursday) \d\d:\d\d–\d\d:\d\d \(.+\)",
                            when), when
    # Mailboxes give Windows zones: Stockholm's is read as W. Europe (shown as Berlin).
    assert "(New York)" in content and "(London)" in content
    assert "Every week · Monday, Tuesday, Wednesday, Thursday · 09:00–16:00 · 60 minutes" in content
    assert "4 sessions" in content
    (plan,) = await plans_of(service)
    assert plan.owner_id == LEAD and plan.spec.goal == GOAL
    assert action_data(card, "plan.book") == {"verb": "plan.book", "plan_id": plan.id}
    assert action_data(card, "plan.edit")["plan_id"] == plan.id


async def test_a_team_session_preview_names_the_one_meeting_time(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.preview",
                         plan_data(mode="team", days="tue", duration="45"), locale="nl-NL")
    content = texts(card)
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
    assert message in texts(card)
    body = _walk_list(card)
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
    assert "outside everyone's working hours" in texts(card)
    assert inputs(card)["window_start"] == "20:00"
    assert await plans_of(service) == []


async def test_a_manager_without_reports_learns_that_nobody_is_chosen(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    loner = REPORTS[0].object_id  # has no reports of their own
    card = await execute(service, connector, "plan.preview", plan_data(), user=loner)
    assert "Choose at least one person" in texts(card)
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
    assert message in texts(card)
    assert "Traceback" not in texts(card)
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
    assert "I am not allowed to read the directory" in texts(card)
    assert inputs(card)["goal"] == GOAL


# --- book ----------------------------------------------------------------------------------------


async def test_book_straight_from_the_plan_card_stores_and_books(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    card = await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    assert "Booking learning time" in texts(card)
    (plan,) = await plans_of(service)
    assert await run_jobs(service) >= 1
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, plan.revision)
    assert progress is not None and progress.done == len(REPORTS)


async def test_book_pressed_again_while_booking_runs_follows_the_same_run(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    book = action_data(preview, "plan.book")
    first = await execute(service, connector, "plan.book", book, reply_to="card-1")
    queued = await service.runtime.jobs.list()
    again = await execute(service, connector, "plan.book", book, reply_to="card-1")
    assert f"Booking 0 of {len(REPORTS)}" in texts(first)
    assert f"Booking 0 of {len(REPORTS)}" in texts(again)
    assert len(await service.runtime.jobs.list()) == len(queued)  # nothing started twice
    await run_jobs(service)
    (plan,) = await plans_of(service)
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, plan.revision)
    assert progress is not None and (progress.total, progress.done) == (len(REPORTS),) * 2


async def test_book_after_an_edit_that_moves_time_follows_the_rebooking(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    (plan,) = await plans_of(service)
    edited = await execute(service, connector, "plan.preview",
                           plan_data(plan_id=plan.id, window_start="13:00", window_end="16:00"))
    card = await execute(service, connector, "plan.book", action_data(edited, "plan.book"))
    # The edit queued the rebooking; Book shows it running rather than "all booked" already.
    assert f"Booking 0 of {len(REPORTS)}" in texts(card)
    await run_jobs(service)
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan.id, 2)
        slots = [s for s in await tx.plans.slots(plan.id) if s.revision == 2]
    assert progress is not None and progress.done == len(REPORTS)
    assert len(slots) == len(REPORTS) and all(s.start.hour >= 13 for s in slots)


# --- edit, cancel, not yours, gone --------------------------------------------------------------


async def test_edit_fills_the_card_and_preview_saves_a_new_revision(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data(duration="45"))
    plan_id = action_data(preview, "plan.edit")["plan_id"]

    card = await execute(service, connector, "plan.edit", {"plan_id": plan_id})
    shown = inputs(card)
    assert "Edit learning plan" in texts(card)
    assert (shown["duration"], shown["goal"], shown["members"]) == (45, GOAL, "reports")
    assert shown["days"] == "mon,tue,wed,thu"
    assert action_data(card, "plan.preview")["plan_id"] == plan_id

    await execute(service, connector, "plan.preview",
                  plan_data(duration="30", plan_id=plan_id))
    (plan,) = await plans_of(service)
    assert (plan.id, plan.revision, plan.spec.duration_minutes) == (plan_id, 2, 30)


async def test_someone_else_s_plan_is_not_theirs_to_change(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(preview, "plan.book")["plan_id"]
    other = demo_org.MAARTEN_DE_VRIES  # a manager too, but not of this plan
    for verb in ("plan.edit", "plan.book", "plan.cancel"):
        card = await execute(service, connector, verb, {"plan_id": plan_id}, user=other)
        assert "Only the person who created this plan can change it" in texts(card), verb
    card = await execute(service, connector, "plan.preview",
                         plan_data(plan_id=plan_id, goal="Hijacked"), user=other)
    assert "Only the person who created this plan can change it" in texts(card)
    assert inputs(card)["goal"] == "Hijacked"  # the answers stay on the card
    (plan,) = await plans_of(service)
    assert (plan.revision, plan.spec.goal) == (1, GOAL)


async def test_an_unknown_plan_gets_a_clear_notice(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    for verb in ("plan.edit", "plan.book", "plan.cancel"):
        card = await execute(service, connector, verb, {"plan_id": "no-such-plan"})
        assert "I cannot find this plan any more" in texts(card), verb
    card = await execute(service, connector, "plan.book", {})
    assert "I cannot find this plan any more" in texts(card)


async def test_graph_down_when_booking_from_the_preview_offers_to_try_again(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(preview, "plan.book")["plan_id"]
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "getSchedule", "status": 503, "retry_after": 0.01, "count": 10},
    ])
    card = await execute(service, connector, "plan.book", {"plan_id": plan_id})
    assert "Outlook or the directory did not answer" in texts(card)
    assert action_data(card, "plan.book") == {"verb": "plan.book", "plan_id": plan_id}


async def test_plans_lists_the_manager_s_plans_and_cancel_removes_one(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.preview", plan_data(goal="Read the Kafka book"))
    second = await execute(service, connector, "plan.preview", plan_data())
    plan_id = action_data(second, "plan.book")["plan_id"]

    await service.post(an_activity(connector.service_url, text="Plans", user_aad=LEAD))
    (_, answer), = await connector.wait_for(1)
    listed = card_of(answer)
    assert_valid_card(listed)
    content = texts(listed)
    assert "Your learning plans" in content
    assert GOAL in content and "Read the Kafka book" in content
    assert "Not booked yet" in content and "Your direct reports" in content

    after = await execute(service, connector, "plan.cancel", {"plan_id": plan_id})
    assert GOAL not in texts(after) and "Read the Kafka book" in texts(after)
    again = await execute(service, connector, "plan.cancel", {"plan_id": plan_id})
    assert "Read the Kafka book" in texts(again)  # a second press changes nothing
    assert len(await plans_of(service)) == 1


async def test_plans_shows_booked_members_and_the_list_button(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    listed = await execute(service, connector, "plans.list")
    content = texts(listed)
    assert f"{len(REPORTS)} people" in content
    assert "No sessions have taken place yet" in content
    assert action_data(listed, "plan.new") == {"verb": "plan.new"}
    new = await execute(service, connector, "plan.new", {}, locale="de-DE")
    assert "Lernzeit planen" in texts(new)


async def test_plans_show_kept_of_booked_hours_of_the_sessions_held_so_far(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    await execute(service, connector, "plan.book", plan_data(verb="plan.book"))
    await run_jobs(service)
    (plan,) = await plans_of(service)
    now = service.runtime.services.clock.now()

    def session(member: str, days_ago: int, outcome: Outcome, hours: float = 1.0) -> Any:
        start = now - timedelta(days=days_ago)
        span = TimeSpan(start, start + timedelta(hours=hours))
        return StoredOccurrence(SlotRef(plan.id, member, 1), occurrence_key(start), span, outcome)

    first, second = REPORTS[0].object_id, REPORTS[1].object_id
    async with service.runtime.services.uow() as tx:
        await tx.occurrences.save_occurrences([
            session(first, 14, Outcome.KEPT, 1.5),
            session(first, 7, Outcome.LOST),
            session(second, 7, Outcome.KEPT),
            session(second, -7, Outcome.BOOKED),  # still ahead: not counted yet
        ], at=now)
        await tx.commit()
    for locale, line in (("en-US", "2.5 of 3.5 hours kept"), ("de-DE", "2,5 von 3,5")):
        listed = await execute(service, connector, "plans.list", locale=locale)
        assert line in texts(listed), texts(listed)


# --- helpers ------------------------------------------------------------------------------------


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    return found


def _walk_list(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's elements in reading order (column contents in place)."""
    return [n for n in _walk(card) if "type" in n and not n["type"].startswith("Action")]
