"""`learning-loop manifest build`: the Teams app package (manifest/package.py) from the command
line."""

from __future__ import annotations

from typing import Annotated

import typer

from teams_app.cli.common import console

PACKAGE_FLAGS = {"app_id": "--app-id", "bot_id": "--bot-id", "host": "--host",
                 "version": "--version", "developer.name": "--developer-name",
                 "developer.website_url": "--website-url", "developer.privacy_url": "--privacy-url",
                 "developer.terms_of_use_url": "--terms-url"}


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The Teams app package.", no_args_is_help=True)
    group.command("build")(manifest_build)
    app.add_typer(group, name="manifest")


def manifest_build(
    app_id: Annotated[str | None, typer.Option(
        help="Teams app id, a GUID; often the bot's Entra app id (required).")] = None,
    host: Annotated[str | None, typer.Option(
        help="The service's public DNS name, e.g. learningloop.contoso.com (required).")] = None,
    version: Annotated[str | None, typer.Option(
        help="App version MAJOR.MINOR.PATCH; raise it for every upload (required).")] = None,
    developer_name: Annotated[str | None, typer.Option(help="Publisher name (required).")] = None,
    website_url: Annotated[str | None, typer.Option(help="https support page (required).")] = None,
    privacy_url: Annotated[str | None, typer.Option(help="https privacy page (required).")] = None,
    terms_url: Annotated[str | None, typer.Option(help="https terms of use (required).")] = None,
    bot_id: Annotated[str | None, typer.Option(
        help="The bot's Entra app (client) id, if not the same as --app-id.")] = None,
    out: Annotated[str, typer.Option(help="Where to write the zip.")] = "learning-loop.zip",
) -> None:
    """Build the Teams app package (zip) to upload in the Teams admin center."""
    from pathlib import Path

    from rich.markup import escape

    from manifest import package

    given = {"app_id": app_id, "host": host, "version": version, "developer.name": developer_name,
             "developer.website_url": website_url, "developer.privacy_url": privacy_url,
             "developer.terms_of_use_url": terms_url}
    if missing := [PACKAGE_FLAGS[name] for name, value in given.items() if value is None]:
        console.print(f"[red]Missing build inputs:[/red] {', '.join(missing)}. "
                      "See `learning-loop manifest build --help`.")
        raise typer.Exit(2)
    text = {name: str(value) for name, value in given.items()}
    developer = package.DeveloperInfo(*(text[f"developer.{field}"] for field in (
        "name", "website_url", "privacy_url", "terms_of_use_url")))
    try:
        path = package.build_app_package(
            app_id=text["app_id"], bot_id=bot_id or text["app_id"], host=text["host"],
            version=text["version"], developer=developer, out=Path(out))
    except package.InvalidPackageInput as error:
        for problem in error.problems:
            if problem.field == "bot_id" and bot_id is None:
                continue  # it defaulted to --app-id, which is reported already
            console.print(f"[red]{PACKAGE_FLAGS[problem.field]}[/red] {escape(problem.message)}")
        raise typer.Exit(2) from None
    except package.ManifestDataMissing as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(1) from None
    typer.echo(str(path))
