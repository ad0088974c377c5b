"""`learning-loop plan`: learning plans from the command line (views.py: list and show;
commands.py: create, book and cancel; support.py and input.py: what they share)."""

from __future__ import annotations

import typer

from teams_app.cli.plans import commands, views


def register(app: typer.Typer) -> None:
    plan = typer.Typer(help="Learning plans: protected learning time in Outlook calendars.",
                       no_args_is_help=True)
    views.register(plan)  # list, show
    commands.register(plan)  # create, book, cancel
    app.add_typer(plan, name="plan")
