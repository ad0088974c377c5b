"""What the `learning-loop plan` commands share: running a command with the runtime, and the
messages for domain and Graph errors (clear text, an exit code, no traceback).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape

from teams_app.bootstrap import Runtime
from teams_app.cli.common import CliStop, console, errors, run_with_runtime
from teams_app.cli.plans.input import plan_error_text
from teams_app.domain.bookings import MemberFailure
from teams_app.domain.errors import DomainError
from teams_app.domain.plan_errors import PlanAlreadyCancelled, PlanError, PlanNotOwned
from teams_app.ports import (
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphThrottled,
)
from teams_app.settings import Settings
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.plans.planning import PlanPreview, UnknownPlan

T = TypeVar("T")

WorkersOption = Annotated[int, typer.Option(
    help="Booking jobs run at once in this command (each books up to 20 members).", min=1,
    max=64)]
NoWorkersOption = Annotated[bool, typer.Option(
    "--no-workers", help="Only watch the progress; the service's job workers book.")]


def run_command(settings: Settings, action: Callable[[Runtime], Awaitable[T]]) -> T:
    return run_with_runtime(settings, action, refusal=_refusal, to=console)


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, GraphError):
        return graph_message(error), 1
    if isinstance(error, DomainError):
        return domain_message(error), 2
    return None


def graph_message(error: GraphError) -> str:
    if isinstance(error, GraphForbidden):
        return f"{error}. The admin guide (infra/) lists the permissions."
    if isinstance(error, GraphNotFound):
        return "Microsoft Graph does not know that person, group or mailbox (404)."
    if isinstance(error, GraphThrottled):
        wait = f" in {error.retry_after:g} s" if error.retry_after else " in a minute"
        return f"Microsoft Graph is throttling this app (429); try again{wait}."
    return "Microsoft Graph did not answer (timeout or 5xx); try again later."


def domain_message(error: DomainError) -> str:
    if isinstance(error, UnknownPlan):
        return "No such plan. `learning-loop plan list` shows the plans."
    if isinstance(error, PlanNotOwned):
        return "Only the plan's owner can do that (give their id with --by)."
    if isinstance(error, PlanAlreadyCancelled):
        return "That plan is cancelled."
    if isinstance(error, PlanError):
        option, text = plan_error_text(error)
        return f"{option}: {text}"
    return f"Refused: {error.code}"


def need_graph(runtime: Runtime) -> tuple[Any, Any]:
    services = runtime.services
    if services.calendar is None or services.directory is None:
        console.print("[red]Microsoft Graph is not configured.[/red] Set "
                      "LEARNING_LOOP_GRAPH_TENANT_ID, _CLIENT_ID and a credential (see README), "
                      "or LEARNING_LOOP_GRAPH_BASE_URL, _AUTH=static and _STATIC_TOKEN for the "
                      "local emulator.")
        raise CliStop(2)
    return services.calendar, services.directory


async def refuse_not_allowed(preview: PlanPreview, directory: Any) -> None:
    """Stops with exit code 2, naming on stderr everyone the owner may not plan for."""
    refused = [m.member_id for m in preview.members if m.problem is MemberFailure.NOT_ALLOWED]
    if not refused:
        return
    names = await people_names(refused, directory=directory)
    shown = ", ".join(f"{names[m]} ({m})" if m in names else m for m in refused)
    errors.print(f"[red]Not allowed:[/red] the owner may not plan for {escape(shown)}. A "
                 "manager plans for themself, their reports and members of groups they own; "
                 "learning leads for anyone. Nothing was booked for them.")
    raise CliStop(2)


async def person_id(directory: Any, id_or_upn: str, option: str) -> str:
    """The object id of a person named by id or UPN."""
    try:
        return str((await directory.user(id_or_upn)).object_id)
    except GraphNotFound:
        console.print(f"[red]{option} {escape(id_or_upn)}: nobody in the directory has that "
                      "id or name.[/red]")
        raise CliStop(2) from None


