"""The `learning-loop` command line: thin commands over bootstrap, use cases and the job store.

This module only assembles the command line; each command or command group lives in the module
named for it and adds itself with `register(app)`.
"""

from __future__ import annotations

import typer

from teams_app.cli import (
    campaigns,
    clock,
    db,
    demo,
    doctor,
    emulator,
    install,
    jobs,
    manifest,
    notify,
    partners,
    plans,
    privacy,
    reflections,
    reports,
    results,
    serve,
)

app = typer.Typer(help="Learning Loop: protected learning time, check-ins and reflection in Teams.",
                  no_args_is_help=True, pretty_exceptions_enable=False)

# `learning-loop --help` lists the commands in this order, then the groups in this order.
serve.register(app)  # serve, worker
demo.register(app)
notify.register(app)
emulator.register(app)  # graph-emulator
db.register(app)
jobs.register(app)
clock.register(app)
plans.register(app)  # plan
install.register(app)
results.register(app)  # provision, outbox
campaigns.register(app)  # campaign
reports.register(app)  # report
privacy.register(app)  # privacy export, erase, log
partners.register(app)  # partners pair
reflections.register(app)  # reflect
manifest.register(app)
doctor.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
