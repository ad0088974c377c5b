"""`learning-loop partners`: pair a plan's members or a reflection round's participants as
learning partners (drawn, or the owner's or organiser's own groups) and show who is paired with
whom."""

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
from teams_app.use_cases.partners.rounds import NoPartnersRound, PairRound, pair_round
from teams_app.use_cases.people_names import people_names

group = typer.Typer(help="Learning partners: pair a plan's members or a reflection round's "
                    "participants, show the pairs.", no_args_is_help=True)
_GROUP_PROBLEMS = {
    "unknown": "a --group names someone not among {people}",
    "missing": "each of {people} must be in one --group",
    "twice": "someone is in two --group options",
    "size": "each --group holds two people, or three",
    "trios": "a trio only when {people} are odd in number, and only one",
}


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="partners")


@group.command("pair")
def pair(
    by: Annotated[str, typer.Option(
        "--by", help="Who asks: only the plan's owner or the round's organiser (id or UPN).")],
    plan: Annotated[str | None, typer.Option(help="The plan's id.")] = None,
    round_: Annotated[str | None, typer.Option(
        "--round", help="A reflection round's id (`learning-loop reflect list`).")] = None,
    every_weeks: Annotated[int, typer.Option(
        help=f"Weeks between check-ins ({MIN_EVERY_WEEKS}-{MAX_EVERY_WEEKS}).")]
    = DEFAULT_EVERY_WEEKS,
    groups: Annotated[list[str] | None, typer.Option(
        "--group", help="Your own pairing: member ids (or UPNs), comma-separated; repeat. "
        "Without it, partners are drawn.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Pairs the plan's members (--plan) or the round's participants (--round) and tells each
    person who their partners are. A round is paired again each time this runs."""
    if (plan is None) == (round_ is None):
        errors.print("[red]Give exactly one of --plan and --round.[/red]")
        raise typer.Exit(2)
    people = "the round's participants" if round_ else "the plan's members"

    async def go(runtime: Runtime) -> None:
        owner = await person_id(runtime, by, "--by")
        chosen = None
        if groups:
            chosen = [[await person_id(runtime, p.strip(), "--group")
                       for p in g.split(",") if p.strip()] for g in groups]
        services, new_id, rng = runtime.services, lambda: str(uuid.uuid4()), random.SystemRandom()
        if round_ is not None:
            pairing = (await pair_round(
                PairRound(round_, owner, every_weeks, chosen), uow=services.uow,
                clock=services.clock, new_id=new_id, rng=rng)).pairing
        else:
            assert plan is not None
            pairing = await pair_plan(PairPlan(plan, owner, every_weeks, chosen),
                                      uow=services.uow, clock=services.clock, new_id=new_id,
                                      rng=rng)
        await _print(runtime, pairing)
        console.print("Each person gets a card with their partners (the service's job "
                      "workers send it).")

    run_with_runtime(db_settings(database_url), go, refusal=lambda e: _refusal(e, people),
                     to=errors)


async def _print(runtime: Runtime, pairing: Pairing) -> None:
    names = await people_names({p for g in pairing.groups for p in g},
                               directory=runtime.services.directory)
    for number, members in enumerate(pairing.groups, 1):
        shown = sorted((names.get(p, p) for p in members), key=str.casefold)
        console.print(f"{number}. " + " · ".join(escape(name) for name in shown))
    last = f", the last after {pairing.last_check_in}" if pairing.last_check_in else ""
    console.print(f"check-ins every {pairing.every_weeks} weeks{last}; cycle {pairing.cycle}")


def _refusal(error: Exception, people: str) -> tuple[str, int] | None:
    if isinstance(error, NoPartnersPlan):
        return "No active plan with that id is owned by --by: only its owner pairs it.", 2
    if isinstance(error, NoPartnersRound):
        return ("No reflection round with that id was organised by --by: only its organiser "
                "pairs it."), 2
    if isinstance(error, TooFewToPair):
        return f"Pairing needs at least two of {people}.", 2
    if isinstance(error, BadEveryWeeks):
        return f"--every-weeks must be {MIN_EVERY_WEEKS} to {MAX_EVERY_WEEKS}.", 2
    if isinstance(error, BadPartnerGroups):
        problem = _GROUP_PROBLEMS[error.problem].format(people=people)
        return f"Not a pairing of {people}: {problem}.", 2
    return None
