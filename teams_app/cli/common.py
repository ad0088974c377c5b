"""What the `learning-loop` commands share: the console, reading settings, running a coroutine
with the runtime, and the `--database-url` option."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from teams_app.bootstrap import Runtime, bootstrap
from teams_app.logs import configure_logging
from teams_app.ports import GraphNotFound
from teams_app.settings import Settings

console = Console()
errors = Console(stderr=True)  # refusals, so a script reading stdout sees only results
T = TypeVar("T")

DatabaseOption = Annotated[str | None, typer.Option(help="Database URL (default: settings).")]


def load_settings(**overrides: Any) -> Settings:
    """The CLI's one settings reader: a configuration problem is a message and exit code 2."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(map(str, problem["loc"])) or "settings"
            console.print(f"[red]Configuration problem[/red] ({where}): {problem['msg']}")
        raise typer.Exit(2) from None


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


class CliStop(Exception):
    """Stop with a message (already printed) and this exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def run_with_runtime(
    settings: Settings,
    action: Callable[[Runtime], Awaitable[T]],
    *,
    refusal: Callable[[Exception], tuple[str, int] | None],
    to: Console,
) -> T:
    """Run `action` with a runtime; an error `refusal` knows becomes its message on `to` and its
    exit code (no traceback), CliStop its exit code."""
    # Warnings and errors only, on stderr: the job workers' info lines would run through the
    # progress bars and the tables.
    configure_logging(json=settings.log_json, level=logging.WARNING, cache=False)
    try:
        return asyncio.run(with_runtime(settings, action))
    except CliStop as stop:
        raise typer.Exit(stop.code) from None
    except Exception as error:
        said = refusal(error)
        if said is None:
            raise
        message, code = said
        to.print(f"[red]{escape(message)}[/red]")
        raise typer.Exit(code) from None


async def with_runtime(settings: Settings, action: Callable[[Runtime], Awaitable[T]]) -> T:
    runtime = await bootstrap(settings)
    try:
        return await action(runtime)
    finally:
        await runtime.close()


# Commands that only touch the database need no bot identity; local settings satisfy validation.
def db_settings(database_url: str | None) -> Settings:
    return load_settings(database_url=database_url, anonymous=True, host="127.0.0.1")


async def person_id(runtime: Runtime, id_or_upn: str, option: str) -> str:
    """The directory object id of a person named by id or UPN (as given without a directory);
    nobody by that name stops the command with exit code 2."""
    directory = runtime.services.directory
    if directory is None:
        return id_or_upn
    try:
        return str((await directory.user(id_or_upn)).object_id)
    except GraphNotFound:
        errors.print(f"[red]{option} {escape(id_or_upn)}: nobody in the directory has that id "
                     "or name.[/red]")
        raise CliStop(2) from None
