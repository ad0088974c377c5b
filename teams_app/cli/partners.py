"""`learning-loop partners`: pair a plan's members as learning partners (drawn, or the owner's
own groups) and show who is paired with whom."""

from __future__ import annotations

import random
import uuid
from typing import Annotated

import typer
from rich.markup import escape

from teams_app.bootstrap import Runtime
from teams_app.cli.common import (
    DatabaseOption,
    console,
    db_settings,
    errors,
    person_id,
    run_with_runtime,
)
from teams_app.domain.partners import (
    DEFAULT_EVERY_WEEKS,
    MAX_EVERY_WEEKS,
    MIN_EVERY_WEEKS,
    BadEveryWeeks,
    BadPartnerGroups,
    Pairing,
    TooFewToPair,
)
from teams_app.use_cases.partners.pairing import NoPartnersPlan, PairPlan, pair_plan
from teams_app.use_cases.people_names import people_names

group = typer.Typer(help="Learning partners: pair a plan's members, show the pairs.",
                    no_args_is_help=True)
_GROUP_PROBLEMS = {
    "unknown": "a --group names someone who is not a member of the plan",
    "missing": "every member must be in one --group",
    "twice": "a member is in two --group options",
    "size": "each --group holds two people, or three",
    "trios": "a trio only when the number of members is odd, and only one",
}


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="partners")


@group.command("pair")
def pair(
    plan: Annotated[str, typer.Option(help="The plan's id.")],
    by: Annotated[str, typer.Option("--by", help="Who asks: only the owner (id or UPN).")],
    every_weeks: Annotated[int, typer.Option(
        help=f"Weeks between check-ins ({MIN_EVERY_WEEKS}-{MAX_EVERY_WEEKS}).")]
    = DEFAULT_EVERY_WEEKS,
    groups: Annotated[list[str] | None, typer.Option(
        "--group", help="Your own pairing: member ids (or UPNs), comma-separated; repeat. "
        "Without it, partners are drawn.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Pairs the plan's members and tells each person who their partners are."""

    async def go(runtime: Runtime) -> None:
        owner = await person_id(runtime, by, "--by")
        chosen = None
        if groups:
            chosen = [[await person_id(runtime, p.strip(), "--group")
                       for p in g.split(",") if p.strip()] for g in groups]
        pairing = await pair_plan(
            PairPlan(plan, owner, every_weeks, chosen), uow=runtime.services.uow,
            clock=runtime.services.clock, new_id=lambda: str(uuid.uuid4()),
            rng=random.SystemRandom())
        await _print(runtime, pairing)
        console.print("Each person gets a card with their partners (the service's job "
                      "workers send it).")

    run_with_runtime(db_settings(database_url), go, refusal=_refusal, to=errors)


async def _print(runtime: Runtime, pairing: Pairing) -> None:
    names = await people_names({p for g in pairing.groups for p in g},
                               directory=runtime.services.directory)
    for number, members in enumerate(pairing.groups, 1):
        shown = sorted((names.get(p, p) for p in members), key=str.casefold)
        console.print(f"{number}. " + " · ".join(escape(name) for name in shown))
    console.print(f"check-ins every {pairing.every_weeks} weeks; cycle {pairing.cycle}")


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, NoPartnersPlan):
        return "No active plan with that id is owned by --by: only its owner pairs it.", 2
    if isinstance(error, TooFewToPair):
        return "The plan needs at least two members to pair.", 2
    if isinstance(error, BadEveryWeeks):
        return f"--every-weeks must be {MIN_EVERY_WEEKS} to {MAX_EVERY_WEEKS}.", 2
    if isinstance(error, BadPartnerGroups):
        return f"Not a pairing of the plan's members: {_GROUP_PROBLEMS[error.problem]}.", 2
    return None
