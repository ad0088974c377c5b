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
from graph.emulator import start_emulator
from teams_app.bootstrap import Runtime
from teams_app.cli.common import DatabaseOption, console, load_settings, run
from teams_app.cli.serve import serve
from teams_app.local.playground import PlaygroundError, PlaygroundProcess
from teams_app.logs import configure_logging
from teams_app.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    port: Annotated[int, typer.Option(help="Port of the bot endpoint.")] = 3978,
    playground_port: Annotated[int, typer.Option(help="Port of the Agents Playground.")] = 56150,
    graph_port: Annotated[int, typer.Option(help="Port of the local Graph emulator.")] = 5039,
    database_url: DatabaseOption = "sqlite+aiosqlite:///.learning-loop/demo.db",
) -> None:
    """Start the service in local mode with the Agents Playground and a demo organisation."""
    settings = load_settings(
        anonymous=True, local_mode=True, host="127.0.0.1", port=port, database_url=database_url
    )
    configure_logging(json=False)
    run(run_demo(settings, playground_port=playground_port, graph_port=graph_port,
                 console=console))


async def run_demo(
    settings: Settings, *, playground_port: int, graph_port: int, console: Console
) -> None:
    stop = asyncio.Event()
    # The demo organisation's calendars, directory and SharePoint site live in the local Graph
    # emulator; the service reaches it through the same Graph client it uses in production.
    token = secrets.token_urlsafe(24)
    emulator, graph_url = await start_emulator(graph_port, seed="demo", token=token)
    settings = settings.model_copy(
        update={
            "graph_base_url": graph_url,
            "graph_auth": "static",
            "graph_static_token": token,
            # The learning lead the demo signs in as plans for anyone in the demo tenant.
            "learning_leads_group": settings.learning_leads_group
            or demo_org.LEARNING_LEADS_GROUP_ID,
        }
    )
    lead = demo_org.learning_lead()
    playground = PlaygroundProcess(
        bot_endpoint=f"http://{settings.host}:{settings.port}/api/messages",
        port=playground_port,
        current_user=lead,
        time_zone=lead.time_zone,
    )

    async def start_playground(_runtime: Runtime) -> None:
        # The Playground asks the bot for its config on start, so it comes after the service.
        try:
            info = await playground.start()
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
        await emulator.cleanup()
