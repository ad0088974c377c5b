"""`learning-loop demo`: the service in local mode, the Agents Playground (teams_app/local/) as
its Teams client, and the demo organisation in the local Graph emulator as the people in it."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Annotated

import typer
from rich.console import Console

from graph import demo_org
from graph.demo_org import DemoPerson
from graph.emulator import start_emulator
from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, load_settings, run
from teams_app.cli.serve import serve
from teams_app.local.playground import PlaygroundError, PlaygroundProcess
from teams_app.local.playground_config import MEMBER_ID_FORMAT, personal_chat_id
from teams_app.logs import configure_logging
from teams_app.ports import GraphError
from teams_app.settings import Settings
from teams_app.use_cases.results.provisioning import provision_results


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    port: Annotated[int, typer.Option(help="Port of the bot endpoint.")] = 3978,
    playground_port: Annotated[int, typer.Option(help="Port of the Agents Playground.")] = 56150,
    graph_port: Annotated[int, typer.Option(help="Port of the local Graph emulator.")] = 5039,
    also_as: Annotated[
        str | None,
        typer.Option(
            "--also-as",
            help="Also open a second Playground (on the next port) as this demo person "
            "(e-mail or object id), to see the cards they get.",
        ),
    ] = None,
    database_url: DatabaseOption = "sqlite+aiosqlite:///.learning-loop/demo.db",
) -> None:
    """Start the service in local mode with the Agents Playground and a demo organisation."""
    member = None
    if also_as:
        member = demo_person(also_as)
        if member is None:
            console.print(f"[red]No demo person is {also_as!r}.[/red] Pick one of: "
                          + ", ".join(p.email for p in demo_org.people()))
            raise typer.Exit(2)
    settings = load_settings(
        anonymous=True, local_mode=True, host="127.0.0.1", port=port, database_url=database_url
    )
    configure_logging(json=False)
    run(run_demo(settings, playground_port=playground_port, graph_port=graph_port,
                 console=console, member=member))


def demo_person(who: str) -> DemoPerson | None:
    wanted = who.strip().lower()
    return next((p for p in demo_org.people()
                 if wanted in (p.object_id.lower(), p.email.lower(), p.mail_nickname)), None)


def demo_settings(
    settings: Settings, *, graph_url: str, token: str, playground_port: int
) -> Settings:
    """The service's settings for the local world: the emulator as Graph, the app installable
    for every demo person, and the lead's Playground as the Teams that opens personal chats
    (with its Teams user ids)."""
    return settings.model_copy(
        update={
            "graph_base_url": graph_url,
            "graph_auth": "static",
            "graph_static_token": token,
            # The learning lead the demo signs in as plans for anyone in the demo tenant.
            "learning_leads_group": settings.learning_leads_group
            or demo_org.LEARNING_LEADS_GROUP_ID,
            "graph_teams_app_id": settings.graph_teams_app_id or demo_org.TEAMS_APP_CATALOG_ID,
            "teams_member_id_format": MEMBER_ID_FORMAT,
            "teams_service_url": f"http://127.0.0.1:{playground_port}/_connector",
        }
    )


async def provision_demo_lists(runtime: Runtime, console: Console) -> None:
    """The results lists on the demo site, so answers land in the emulated SharePoint."""
    if runtime.services.lists is None:
        return
    try:
        forms = await runtime.form_catalog().every_version()
        await provision_results(demo_org.SHAREPOINT_SITE.url, forms=forms,
                                uow=runtime.services.uow, lists=runtime.services.lists,
                                clock=runtime.clock)
    except GraphError as error:
        console.print(f"[yellow]The demo's SharePoint lists were not provisioned:[/yellow] "
                      f"{type(error).__name__}")


async def run_demo(
    settings: Settings,
    *,
    playground_port: int,
    graph_port: int,
    console: Console,
    member: DemoPerson | None = None,
) -> None:
    stop = asyncio.Event()
    # The demo organisation's calendars, directory and SharePoint site live in the local Graph
    # emulator; the service reaches it through the same Graph client it uses in production.
    token = secrets.token_urlsafe(24)
    emulator, graph_url = await start_emulator(graph_port, seed="demo", token=token)
    settings = demo_settings(settings, graph_url=graph_url, token=token,
                             playground_port=playground_port)
    lead = demo_org.learning_lead()
    bot_endpoint = f"http://{settings.host}:{settings.port}/api/messages"
    playground = PlaygroundProcess(
        bot_endpoint=bot_endpoint, port=playground_port, current_user=lead,
        time_zone=lead.time_zone,
    )
    # A member's cards show only in a Playground whose current user they are (its web page
    # shows no one else's chats): a second one, as if the app had been installed for them.
    second = PlaygroundProcess(
        bot_endpoint=bot_endpoint, port=playground_port + 1, current_user=member,
        time_zone=member.time_zone,
    ) if member else None

    async def start_playground(runtime: Runtime) -> None:
        await provision_demo_lists(runtime, console)
        # The Playground asks the bot for its config on start, so it comes after the service.
        try:
            info = await playground.start()
            if second is not None and member is not None:
                second_info = await second.start()
                await second.announce_installation(personal_chat_id(member))
                console.print(f"{member.display_name}'s Teams: [bold]{second_info.url}[/bold]"
                              f" (cards in their Outlook's language, {member.locale}, until"
                              " they write to the bot: the Playground writes en-US)")
        except PlaygroundError as error:
            console.print(f"[red]The Agents Playground did not start:[/red] {error}")
            stop.set()
            return
        console.print(
            f"\n[bold green]Learning Loop is running.[/bold green] Open [bold]{info.url}[/bold]"
            f" in a browser; you are {lead.display_name}, a learning lead.\n"
            f"The demo organisation's Microsoft Graph (emulated) is at {graph_url}.\n"
            "Say [bold]help[/bold] to the bot, or [bold]plan[/bold] to plan learning time for "
            "your team. To see a proactive message from a job:\n"
            f"  .venv/bin/learning-loop notify --user {lead.object_id} --template help"
            f" --in 1m --database-url {settings.database_url}\n"
            "  .venv/bin/learning-loop clock advance 2m"
            f" --database-url {settings.database_url}\n"
            "Ctrl+C stops everything.\n"
        )

    try:
        await serve(settings, stop=stop, on_ready=start_playground)
    finally:
        with contextlib.suppress(Exception):
            await playground.stop()
        if second is not None:
            with contextlib.suppress(Exception):
                await second.stop()
        await emulator.cleanup()
