"""`learning-loop demo`: the service in local mode with the Agents Playground (teams_app/local/)."""

from __future__ import annotations

from typing import Annotated

import typer

from teams_app.cli.common import DatabaseOption, console, load_settings, run
from teams_app.logs import configure_logging


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    port: Annotated[int, typer.Option(help="Port of the bot endpoint.")] = 3978,
    playground_port: Annotated[int, typer.Option(help="Port of the Agents Playground.")] = 56150,
    graph_port: Annotated[int, typer.Option(help="Port of the local Graph emulator.")] = 5039,
    database_url: DatabaseOption = "sqlite+aiosqlite:///.learning-loop/demo.db",
) -> None:
    """Start the service in local mode with the Agents Playground and a demo organisation."""
    from teams_app.local.demo import run_demo

    settings = load_settings(
        anonymous=True, local_mode=True, host="127.0.0.1", port=port, database_url=database_url
    )
    configure_logging(json=False)
    run(run_demo(settings, playground_port=playground_port, graph_port=graph_port,
                 console=console))
