"""`learning-loop graph-emulator`: the local Microsoft Graph emulator (graph/emulator)."""

from __future__ import annotations

from typing import Annotated

import typer

from teams_app.cli.common import console


def register(app: typer.Typer) -> None:
    app.command("graph-emulator")(graph_emulator)


def graph_emulator(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 5039,
    seed: Annotated[str, typer.Option(help="demo (the demo organisation) or empty.")] = "demo",
) -> None:
    """Run the local Microsoft Graph emulator at http://127.0.0.1:<port>/v1.0."""
    from aiohttp import web

    from graph.emulator import create_emulator_app

    if seed not in {"demo", "empty"}:
        console.print("[red]--seed must be demo or empty.[/red]")
        raise typer.Exit(2)
    console.print(f"Graph emulator on http://127.0.0.1:{port}/v1.0 (seed {seed}); "
                  f"control API at http://127.0.0.1:{port}/_emulator/")
    web.run_app(create_emulator_app(seed), host="127.0.0.1", port=port, print=None)
