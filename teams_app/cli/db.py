"""`learning-loop db`: the database schema."""

from __future__ import annotations

import typer

from teams_app.bootstrap import migrate
from teams_app.cli.common import DatabaseOption, console, db_settings, run


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Database schema.", no_args_is_help=True)
    group.command("upgrade")(db_upgrade)
    app.add_typer(group, name="db")


def db_upgrade(database_url: DatabaseOption = None) -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = db_settings(database_url)

    current, head = run(migrate(settings.database_url))
    console.print(f"Database at revision [bold]{current}[/bold] (head {head}).")
