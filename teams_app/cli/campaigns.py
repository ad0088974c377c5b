"""`learning-loop campaign`: create, list, show, export, close a campaign, queue its
reminders, and tell everyone asked what changed (said-did).
People are named by directory id or UPN; times are ISO 8601 with an offset (or "now")."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from cards import translator_for
from teams_app.bootstrap import Runtime
from teams_app.cli.campaign_csv import write_csv
from teams_app.cli.common import (
    CliStop,
    DatabaseOption,
    console,
    db_settings,
    errors,
    person_id,
    run_with_runtime,
)
from teams_app.domain.campaigns.campaigns import (
    DEFAULT_REMINDERS,
    K_DEFAULT,
    K_MAX,
    K_MIN,
    Audience,
    CampaignSpec,
    Timing,
)
from teams_app.domain.campaigns.responses import BelowThreshold
from teams_app.domain.errors import DomainError
from teams_app.ports import GraphError
from teams_app.settings import Settings
from teams_app.use_cases.campaigns.creating import (
    CloseCampaign,
    CreateCampaign,
    close_campaign,
    create_campaign,
    list_campaigns,
)
from teams_app.use_cases.campaigns.exports import export_responses
from teams_app.use_cases.campaigns.reports import show_campaign
from teams_app.use_cases.campaigns.said_did import SendSaidDid, send_said_did
from teams_app.use_cases.campaigns.sending import queue_reminders
from teams_app.use_cases.people_names import people_names

T = TypeVar("T")

_MESSAGES = {
    "campaign_k_out_of_range": f"--k must be {K_MIN} to {K_MAX}.",
    "campaign_too_many_reminders": "At most 2 reminders (--remind-hours).",
    "campaign_bad_reminders": "--remind-hours must be positive and increasing.",
    "campaign_closes_too_early": "--closes must be after the first send and after now.",
    "campaign_bad_audience": "Give one of --plan, --group or --person.",
    "campaign_bad_timing": "--at must be a time with an offset; --every-weeks 1 to 52.",
    "campaign_unknown_form": "No such form (and version) in the catalog.",
    "campaign_no_audience": "The audience has nobody in it.",
    "campaign_audience_not_allowed": "The owner may not ask some of these people (a manager "
    "asks themself, their reports and members of groups they own; learning leads anyone).",
    "campaign_said_did_empty": "--text: write what changed.",
    "campaign_said_did_too_long": "--text: at most 2000 characters.",
    "campaign_unknown": "No such campaign of this owner. `learning-loop campaign list` shows "
    "them.",
}


def _run(settings: Settings, action: Callable[[Runtime], Awaitable[T]]) -> T:
    return run_with_runtime(settings, action, refusal=_refusal, to=errors)


def _refusal(error: Exception) -> tuple[str, int] | None:
    if isinstance(error, GraphError):
        return f"Microsoft Graph: {type(error).__name__}", 1
    if isinstance(error, BelowThreshold):
        return (f"Only {error.answered} answers; the export needs at least {error.k} (the "
                "campaign's k), so that no one's answers can be singled out. Nothing was "
                "written."), 2
    if isinstance(error, DomainError):
        return _MESSAGES.get(error.code, "Refused: " + error.code), 2
    return None


def _instant(value: str, option: str, now: datetime) -> datetime:
    if value == "now":
        return now
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        errors.print(f"[red]{option}: an ISO 8601 time with an offset, or now.[/red]")
        raise CliStop(2)
    return parsed


OwnerOption = Annotated[str, typer.Option("--owner", help="The owner (id or UPN).")]
ByOption = Annotated[str, typer.Option("--by", help="Who asks: only the owner (id or UPN).")]


def create(
    owner: OwnerOption,
    form: Annotated[str, typer.Option(help="The form's key (learning_checkin, ...).")],
    version: Annotated[int | None, typer.Option(help="The form's version (default newest).")]
    = None,
    plan: Annotated[str | None, typer.Option(help="Ask this plan's members.")] = None,
    group: Annotated[str | None, typer.Option(help="Ask this group's members.")] = None,
    person: Annotated[list[str] | None, typer.Option(help="Ask this person (repeat).")] = None,
    at: Annotated[str, typer.Option(help="The first send (ISO 8601 with offset, or now).")]
    = "now",
    every_weeks: Annotated[int | None, typer.Option(help="Recurring: every N weeks.")] = None,
    after_occurrence: Annotated[bool, typer.Option(
        help="Send when each learning occurrence of --plan ends.")] = False,
    closes: Annotated[str | None, typer.Option(help="Close time (default: 14 days on).")]
    = None,
    anonymous: Annotated[bool, typer.Option(help="Store no name with the answers.")] = False,
    k: Annotated[int, typer.Option(help=f"Answers before any aggregate ({K_MIN}-{K_MAX}).")]
    = K_DEFAULT,
    remind_hours: Annotated[list[int] | None, typer.Option(
        help="Reminder after this many hours (repeat, at most 2; default 24 and 72).")] = None,
    no_reminders: Annotated[bool, typer.Option("--no-reminders")] = False,
    support: Annotated[str | None, typer.Option(help="Support contact for alerts.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Create a campaign and queue its first round (the service's job workers send it)."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        now = services.clock.now()
        owner_id = await person_id(runtime, owner, "--owner")
        chosen = services.forms
        found = await chosen.get(form, version)
        if found is None:
            errors.print(f"[red]--form {escape(form)}: {_MESSAGES['campaign_unknown_form']}"
                         "[/red]")
            raise CliStop(2)
        people = [await person_id(runtime, p, "--person") for p in person or []]
        audience = (Audience.of_plan(plan) if plan else Audience.of_group(group) if group
                    else Audience.of_people(*people))
        first = _instant(at, "--at", now)
        timing = (Timing.after_occurrence() if after_occurrence
                  else Timing.recurring(first, every_weeks=every_weeks) if every_weeks
                  else Timing.once(first))
        reminders = () if no_reminders else (
            tuple(timedelta(hours=h) for h in remind_hours) if remind_hours
            else DEFAULT_REMINDERS)
        spec = CampaignSpec(
            form_key=found.key, form_version=found.version, audience=audience, timing=timing,
            closes_at=_instant(closes, "--closes", now) if closes else first + timedelta(days=14),
            anonymous=anonymous, k=k, reminders=reminders,
            support_contact=await person_id(runtime, support, "--support") if support else None,
        )
        created = await create_campaign(
            CreateCampaign(owner_id, spec), uow=services.uow, forms=services.forms,
            directory=services.directory, rights=services.rights, clock=services.clock,
            new_id=lambda: str(uuid.uuid4()),
        )
        console.print(f"Campaign [bold]{created.campaign_id}[/bold] created for "
                      f"{created.people} people.")

    _run(db_settings(database_url), go)


def list_(owner: OwnerOption, database_url: DatabaseOption = None) -> None:
    """The owner's campaigns."""

    async def go(runtime: Runtime) -> None:
        owner_id = await person_id(runtime, owner, "--owner")
        found = await list_campaigns(owner_id, uow=runtime.services.uow)
        table = Table("id", "form", "when", "anonymous", "closes", "state")
        for c in found:
            table.add_row(c.id, f"{c.spec.form_key} v{c.spec.form_version}",
                          c.spec.timing.kind.value, "yes" if c.spec.anonymous else "no",
                          c.spec.closes_at.isoformat(timespec="minutes"), c.state.value)
        console.print(table if found else "No campaigns.")

    _run(db_settings(database_url), go)


def show(campaign_id: str, by: ByOption, database_url: DatabaseOption = None) -> None:
    """Counts, and the answers' distributions once k people answered."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        report = await show_campaign(campaign_id, await person_id(runtime, by, "--by"),
                                     uow=services.uow, forms=services.forms)
        s = report.summary
        console.print(f"asked {s.asked}, sent {report.sent}, answered {s.answered}, "
                      f"postponed by the weekly cap {s.postponed}, unreachable {s.unreachable}")
        for person, reason in report.unreachable:
            console.print(f"unreachable: {person} ({reason})")
        for message in report.said_dids:
            console.print(f"you said, we did ({message.at:%Y-%m-%d}): reached {message.sent}, "
                          f"not reached {message.unreachable}")
        if not s.shown:
            console.print(f"Fewer than {report.campaign.spec.k} answers: only the counts.")
            return
        for tally in s.tallies:
            counts = ", ".join(f"{k}: {v}" for k, v in tally.counts.items())
            console.print(f"{tally.question}: {counts}")

    _run(db_settings(database_url), go)


def export(
    campaign_id: str,
    by: ByOption,
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    language: Annotated[str, typer.Option(
        help="Language of the column names and answers: en, sv, nl or de.")] = "en",
    database_url: DatabaseOption = None,
) -> None:
    """The responses as CSV (UTF-8 with BOM, for Excel), only from k answers."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        export_ = await export_responses(campaign_id, await person_id(runtime, by, "--by"),
                                         uow=services.uow, forms=services.forms)
        people = {r.person_id for r in export_.responses if r.person_id}
        names = await people_names(people, directory=services.directory)
        written = write_csv(export_, out, translator_for(language), names)
        console.print(f"{written} responses written to {escape(str(out))}.")

    _run(db_settings(database_url), go)


def said_did(
    campaign_id: str,
    by: ByOption,
    text: Annotated[str, typer.Option("--text", help="What changed because of the answers.")],
    database_url: DatabaseOption = None,
) -> None:
    """"You said, we did": send what changed to everyone the campaign asked (the service's job
    workers deliver it, in each person's language)."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        await send_said_did(SendSaidDid(campaign_id, await person_id(runtime, by, "--by"), text),
                            uow=services.uow, clock=services.clock,
                            new_id=lambda: str(uuid.uuid4()))
        console.print("Queued for everyone the campaign asked; `campaign show` counts who it "
                      "reached.")

    _run(db_settings(database_url), go)


def close(campaign_id: str, by: ByOption, database_url: DatabaseOption = None) -> None:
    """Close a campaign now: no more prompts, reminders or answers."""

    async def go(runtime: Runtime) -> None:
        services = runtime.services
        await close_campaign(CloseCampaign(campaign_id, await person_id(runtime, by, "--by")),
                             uow=services.uow, clock=services.clock)
        console.print(f"Campaign [bold]{campaign_id}[/bold] is closed.")

    _run(db_settings(database_url), go)


def remind(database_url: DatabaseOption = None) -> None:
    """Queue the reminders due now (the service's job workers send them)."""

    async def go(runtime: Runtime) -> Any:
        services = runtime.services
        queued = await queue_reminders(uow=services.uow, clock=services.clock)
        console.print(f"{queued} reminders queued.")

    _run(db_settings(database_url), go)


def register(app: typer.Typer) -> None:
    campaign = typer.Typer(help="Campaigns: who is asked which form, when, and reminders.",
                           no_args_is_help=True)
    campaign.command()(create)
    campaign.command("list")(list_)
    campaign.command()(show)
    campaign.command()(export)
    campaign.command("said-did")(said_did)
    campaign.command()(close)
    campaign.command()(remind)
    app.add_typer(campaign, name="campaign")
