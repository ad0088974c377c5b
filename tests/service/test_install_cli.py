"""`learning-loop install --group ID` against the Graph emulator and the fake connector: the app
installed for the group's members (nested groups too) and their chats opened, except who already
had it, whom a policy blocks and who removed it; a second run reaches nobody twice; bad input
and missing settings are refused with exit code 2 and what to set; Ctrl-C's stop lets those
under way finish and a re-run goes on."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from graph import demo_org
from teams_app.bootstrap import bootstrap
from teams_app.cli.main import app
from teams_app.domain.reach import Unreachable
from teams_app.jobs.support import personal_chats
from teams_app.settings import Settings
from teams_app.use_cases.reach_group import GroupInstall, group_people, reach_each
from tests.builders import an_activity, an_install
from tests.connector import FakeConnector, Fault
from tests.graph.conftest import TOKEN, GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory

CATALOG_ID = "5f0c9a7e-3b1d-4e2a-8c6f-9d8e7b6a5c41"
GROUP = demo_org.LEARNING_CIRCLE_GROUP_ID
PEOPLE = list(demo_org.group(GROUP).member_ids)
CHATTED, HAD_APP, BLOCKED, REMOVED = PEOPLE[:4]
NEW = PEOPLE[4:]


def env_for(service: RunningService, emulator: GraphEmulator,
            connector: FakeConnector) -> dict[str, str]:
    return {
        "LEARNING_LOOP_DATABASE_URL": service.runtime.services.settings.database_url,
        "LEARNING_LOOP_GRAPH_BASE_URL": emulator.base_url,
        "LEARNING_LOOP_GRAPH_AUTH": "static",
        "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
        "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
        "LEARNING_LOOP_GRAPH_RETRY_BACKOFF_SECONDS": "0.05",
        "LEARNING_LOOP_GRAPH_TEAMS_APP_ID": CATALOG_ID,
        "LEARNING_LOOP_TEAMS_SERVICE_URL": connector.service_url,
        "LEARNING_LOOP_LOG_JSON": "true",
        "COLUMNS": "200",
    }


async def cli(env: dict[str, str], *args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, ["install", *args], env=env,
                                   catch_exceptions=False)


async def installed(emulator: GraphEmulator) -> Counter[str]:
    return Counter(i["userId"] for i in await emulator.control.objects("installedApps")
                   if i["teamsAppId"] == CATALOG_ID)


def opened(connector: FakeConnector) -> Counter[str]:
    return Counter(c["members"][0]["aadObjectId"] for c in connector.created)


def said(result: Result) -> str:
    return " ".join(result.output.split())


async def a_group_in_every_state(
    start_service: ServiceFactory, emulator: GraphEmulator, connector: FakeConnector
) -> RunningService:
    """One member chatted with the bot, one got the app through a setup policy, one is blocked
    by an app permission policy, one removed the app; the rest never had it."""
    await emulator.control.reset("demo")
    service = await start_service()
    for person, action in ((CHATTED, "add"), (REMOVED, "add"), (REMOVED, "remove")):
        status, _ = await service.post(an_install(
            connector.service_url, user_aad=person, conversation_id=f"a:personal-{person}")
            if action == "add" else an_activity(
            connector.service_url, type="installationUpdate", action="remove",
            user_aad=person, conversation_id=f"a:personal-{person}"))
        assert status in (200, 201, 202)
    had = await emulator.request(
        "POST", f"/users/{HAD_APP}/teamwork/installedApps",
        json={"teamsApp@odata.bind": f"{emulator.base_url}/appCatalogs/teamsApps/{CATALOG_ID}"})
    assert had.status == 201
    await emulator.control.set_limits(fail_next=[
        {"match": rf"POST /users/{BLOCKED}/teamwork/installedApps$", "status": 403,
         "code": "Forbidden", "count": 100}])
    connector.activities.clear()
    return service


async def test_installs_for_the_group_names_who_cannot_be_reached_and_resumes(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await a_group_in_every_state(start_service, graph_emulator, connector)
    env = env_for(service, graph_emulator, connector)

    first = await cli(env, "--group", GROUP, "--concurrency", "3")

    assert first.exit_code == 1, first.output
    text = said(first)
    assert f"Installed now: {len(NEW)}" in text and "Already had it: 2" in text
    assert "Could not be reached: 2" in text
    assert "installing the app for them was refused (Graph 403)" in text
    assert "TeamsAppInstallation.ReadWriteSelfForUser.All" in text  # what the admin can do
    assert "they removed the app from Teams" in text
    assert "not reinstalled behind their back" in text
    assert demo_org.person(BLOCKED).display_name in text and BLOCKED in text
    assert "Traceback" not in first.output
    assert await installed(graph_emulator) == Counter([HAD_APP, *NEW])
    assert opened(connector) == Counter([HAD_APP, *NEW])  # not who chatted, nor who is blocked
    assert connector.activities == []  # installing sends nobody a message
    async with service.runtime.services.uow() as tx:
        for person in [CHATTED, HAD_APP, *NEW]:
            assert await tx.conversations.personal_chat_of(person) is not None
        marked = await tx.conversations.unreachable_among(PEOPLE)
    assert {p: m.reason for p, m in marked.items()} == {
        BLOCKED: Unreachable.INSTALL_BLOCKED, REMOVED: Unreachable.UNINSTALLED}

    # The admin lifts the block: the next run reaches only him, and nobody twice.
    await graph_emulator.control.set_limits(fail_next=[])
    second = await cli(env, "--group", GROUP)
    assert second.exit_code == 1, second.output
    text = said(second)
    assert "Installed now: 1" in text and f"Already had it: {len(PEOPLE) - 2}" in text
    assert "Could not be reached: 1" in text and "they removed the app from Teams" in text
    assert await installed(graph_emulator) == Counter([HAD_APP, BLOCKED, *NEW])
    assert opened(connector) == Counter([HAD_APP, BLOCKED, *NEW])
    assert REMOVED not in await installed(graph_emulator)


async def test_everyone_reached_exits_0_and_a_second_run_makes_no_graph_install(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    service = await start_service()
    env = env_for(service, graph_emulator, connector)
    group = demo_org.ENGINEERING_GROUP_ID
    members = demo_org.group(group).member_ids

    first = await cli(env, "--group", group)
    assert first.exit_code == 0, first.output
    assert f"Installed now: {len(members)}" in said(first)
    assert f"All {len(members)} can be reached in Teams" in said(first)

    again = await cli(env, "--group", group)
    assert again.exit_code == 0, again.output
    assert "Installed now: 0" in said(again)
    assert f"Already had it: {len(members)}" in said(again)
    assert set((await installed(graph_emulator)).values()) == {1}
    assert set(opened(connector).values()) == {1}


async def test_the_permission_denied_for_everyone_is_counted_per_person_with_the_fix(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    service = await start_service()
    await graph_emulator.control("PUT", "/access",
                                 {"denied": ["TeamsAppInstallation.ReadWriteSelfForUser.All"]})
    result = await cli(env_for(service, graph_emulator, connector), "--group", GROUP)
    assert result.exit_code == 1, result.output
    assert f"Could not be reached: {len(PEOPLE)}" in said(result)
    assert "installing the app for them was refused (Graph 403)" in said(result)
    assert await installed(graph_emulator) == Counter()
    assert connector.created == []


async def test_someone_teams_stays_busy_for_is_left_for_the_next_run(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    service = await start_service()
    env = {**env_for(service, graph_emulator, connector), "LEARNING_LOOP_SEND_MAX_ATTEMPTS": "2",
           "LEARNING_LOOP_SEND_BASE_DELAY": "0.01"}
    # The first person's chat: 502 on both tries; the second's: a 503, which is not retried.
    connector.create_faults.extend([Fault(502), Fault(502), Fault(503)])

    first = await cli(env, "--group", GROUP, "--concurrency", "1")
    assert first.exit_code == 1, first.output
    assert f"Installed now: {len(PEOPLE)}" not in said(first)
    assert f"Installed now: {len(PEOPLE) - 2}" in said(first)
    assert "Not answered for 2" in said(first) and "run the command again" in said(first)
    assert len(opened(connector)) == len(PEOPLE) - 2
    assert "Traceback" not in first.output

    again = await cli(env, "--group", GROUP)
    assert again.exit_code == 0, again.output
    # Graph had installed the app for them before Teams failed: now it says they have it.
    assert "Installed now: 0" in said(again) and f"Already had it: {len(PEOPLE)}" in said(again)
    assert await installed(graph_emulator) == Counter(PEOPLE)
    assert opened(connector) == Counter(PEOPLE)


async def test_bad_input_and_missing_settings_exit_2_with_what_to_do(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    service = await start_service()
    env = env_for(service, graph_emulator, connector)

    unknown = await cli(env, "--group", "00000000-0000-4000-8000-000000000000")
    assert unknown.exit_code == 2 and "no group with that id" in said(unknown)

    no_app = await cli({k: v for k, v in env.items()
                        if k != "LEARNING_LOOP_GRAPH_TEAMS_APP_ID"}, "--group", GROUP)
    assert no_app.exit_code == 2 and "LEARNING_LOOP_GRAPH_TEAMS_APP_ID" in said(no_app)

    no_graph = await cli({k: v for k, v in env.items() if k != "LEARNING_LOOP_GRAPH_AUTH"
                          and k != "LEARNING_LOOP_GRAPH_STATIC_TOKEN"}, "--group", GROUP)
    assert no_graph.exit_code == 2 and "Microsoft Graph is not configured" in said(no_graph)

    zero = await cli(env, "--group", GROUP, "--concurrency", "0")
    assert zero.exit_code == 2

    await graph_emulator.control("PUT", "/access", {"denied": ["GroupMember.Read.All"]})
    denied = await cli(env, "--group", GROUP)
    assert denied.exit_code == 2 and "GroupMember.Read.All" in said(denied)

    for result in (unknown, no_app, no_graph, denied):
        assert "Traceback" not in result.output
    assert await installed(graph_emulator) == Counter()


async def test_a_stop_lets_those_under_way_finish_and_the_next_run_goes_on(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    service = await start_service()
    settings: dict[str, Any] = {
        "anonymous": True, "database_url": service.runtime.services.settings.database_url,
        "graph_base_url": graph_emulator.base_url, "graph_auth": "static",
        "graph_static_token": TOKEN, "graph_teams_app_id": CATALOG_ID,
        "teams_service_url": connector.service_url}
    runtime = await bootstrap(Settings(**settings))
    try:
        chats = personal_chats(runtime.services)
        people = await group_people(GROUP, directory=runtime.services.directory, chats=chats)
        stop = asyncio.Event()
        first = GroupInstall(total=len(people))
        async for reached in reach_each(people, chats=chats, concurrency=2, stop=stop):
            first.add(reached)
            stop.set()  # as Ctrl-C does, once the first person is done
        assert 1 <= first.installed == first.done <= 4 < len(people)  # two workers, one each more
        assert sum((await installed(graph_emulator)).values()) == first.done

        rest = GroupInstall(total=len(people))
        async for reached in reach_each(people, chats=chats, concurrency=2):
            rest.add(reached)
        assert (rest.installed, rest.already) == (len(people) - first.done, first.done)
        assert rest.all_reached
    finally:
        await runtime.close()
    assert await installed(graph_emulator) == Counter(people)
    assert opened(connector) == Counter(people)
