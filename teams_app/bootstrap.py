"""The composition root: the only module that builds adapters and wires them to the ports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AgentApplication, TurnState
from microsoft_agents.hosting.core.authorization import Connections
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from graph.calendar import GraphCalendar
from graph.client import GraphConnection, build_graph
from graph.directory import GraphDirectory
from graph.lists import GraphLists
from graph.subscriptions import GraphSubscriptions, handle_notification_request
from graph.teams_apps import GraphTeamsAppInstaller
from teams_app.adapters.clock import MovableClock, SystemClock
from teams_app.adapters.connector_pool import PooledClientFactory
from teams_app.adapters.forms.catalog import FileFormCatalog
from teams_app.adapters.messenger import SendLimits, TeamsMessenger
from teams_app.adapters.public_endpoint import HttpPublicEndpoint
from teams_app.adapters.sql.engine import create_engine, current_revision, head_revision, upgrade
from teams_app.adapters.sql.job_queue import SqlJobStore
from teams_app.adapters.sql.maintenance import purge
from teams_app.adapters.sql.personal_campaigns import SqlCampaignData
from teams_app.adapters.sql.personal_partners import SqlPartnerData
from teams_app.adapters.sql.personal_people import (
    SqlConversationData,
    SqlLanguageData,
    SqlReachData,
)
from teams_app.adapters.sql.personal_plans import SqlPlanData
from teams_app.adapters.sql.personal_reflections import SqlReflectionData
from teams_app.adapters.sql.schema_version import SqlSchemaVersion
from teams_app.adapters.sql.uow import PersonalDataSource, SqlUnitOfWork
from teams_app.bot.app import create_agent_app
from teams_app.bot.connections import (
    ConnectorCredentials,
    OffLoopConnections,
    build_connections,
)
from teams_app.bot.presenters import TranslatedCards
from teams_app.bot.sdk_telemetry import skip_unrecorded_sdk_spans
from teams_app.domain.planners import PlanningRights
from teams_app.jobs.handlers import job_handlers
from teams_app.jobs.maintenance import PURGE, PURGE_EVERY_SECONDS
from teams_app.jobs.privacy import RETENTION_EVERY_SECONDS
from teams_app.jobs.results import DRAIN_EVERY_SECONDS
from teams_app.jobs.worker import JobWorker
from teams_app.logs import keep_person_text_out_of_library_logs
from teams_app.ports.doctor import DoctorPorts
from teams_app.ports.forms import FormCatalog
from teams_app.ports.privacy import RETENTION
from teams_app.ports.results import OUTBOX_DRAIN
from teams_app.ports.services import Services
from teams_app.settings import Settings
from teams_app.telemetry import configure_telemetry
from teams_app.use_cases.campaigns.occurrences import OCCURRENCE_PROMPTS
from teams_app.use_cases.campaigns.outbox import EXPORT as CAMPAIGN_EXPORT
from teams_app.use_cases.campaigns.outbox import EXPORT_EVERY_SECONDS
from teams_app.use_cases.campaigns.sending import REMINDERS as CAMPAIGN_REMINDERS
from teams_app.use_cases.defend.scan import DEFEND_SCAN
from teams_app.use_cases.partners.check_ins import CHECK_INS_DUE as PARTNER_CHECK_INS
from teams_app.use_cases.plans.membership import RECONCILE_ALL, RECONCILE_EVERY_SECONDS
from teams_app.use_cases.reflections.follow_ups import DUE as FOLLOW_UPS_DUE
from teams_app.use_cases.reflections.occurrences import SESSION_ROUNDS
from teams_app.use_cases.reflections.outbox import EXPORT as REFLECTION_EXPORT
from teams_app.use_cases.reflections.starting import CLOSE_DUE as REFLECTION_CLOSE_DUE
from teams_app.web.app import create_web_app
from teams_app.web.auth import ConnectorAuthenticator, ConnectorKeys
from teams_app.web.graph_notifications import add_notification_routes
from teams_app.web.privacy import add_privacy_routes

# Every place that holds something about a person (ports/privacy.py): `my data`, export, erase
# and retention go through each. A capability with personal data adds its source here.
PERSONAL_DATA: tuple[PersonalDataSource, ...] = (
    SqlPlanData,
    SqlCampaignData,
    SqlReflectionData,
    SqlPartnerData,
    SqlLanguageData,
    SqlConversationData,
    SqlReachData,
)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    services: Services
    adapter: CloudAdapter
    agent_app: AgentApplication[TurnState]
    jobs: SqlJobStore
    clock: SystemClock | MovableClock
    messenger: TeamsMessenger
    clients: PooledClientFactory
    graph: GraphConnection | None = None

    def web_app(self) -> Any:
        settings = self.settings
        authenticator = None
        if settings.app_id is not None:
            authenticator = ConnectorAuthenticator(
                app_id=settings.app_id,
                issuers=settings.token_issuers,
                keys=ConnectorKeys(settings.openid_metadata_url),
            )
        app = create_web_app(
            agent_app=self.agent_app,
            adapter=self.adapter,
            authenticator=authenticator,
            allowed_tenants=settings.allowed_tenants,
            readiness=self.readiness,
            clock_control=self.clock if isinstance(self.clock, MovableClock) else None,
            body_read_seconds=settings.body_read_seconds,
        )
        if self.services.subscriptions is not None:
            add_notification_routes(app, self.services, handle_notification_request)
        add_privacy_routes(app, self.services)
        return app

    def worker(self, *, concurrency: int | None = None) -> JobWorker:
        settings = self.settings
        return JobWorker(
            self.jobs,
            job_handlers(self.services, purge=self.purge_old),
            self.clock,
            concurrency=concurrency or max(1, settings.workers),
            lease_seconds=settings.job_lease_seconds,
            poll_seconds=settings.job_poll_seconds,
            max_backoff=settings.job_backoff_max,
            backoff_base=settings.job_backoff_base,
            grace_seconds=settings.shutdown_grace_seconds,
        )

    async def readiness(self) -> dict[str, Any]:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            current = await current_revision(self.engine)
        except Exception as error:  # readiness reports any database failure, it never raises
            return {"ready": False, "database": type(error).__name__}
        head = head_revision()
        return {
            "ready": current == head or schema_ahead(current, head),
            "database": "ok",
            "migrations": {"current": current, "head": head,
                           "ahead": schema_ahead(current, head)},
            "graph": self.graph.base_url if self.graph else "not configured",
        }

    async def purge_old(self) -> dict[str, int]:
        now = self.clock.now()
        return await purge(
            self.engine,
            jobs_before=now - timedelta(days=self.settings.job_retention_days),
            deliveries_before=now - timedelta(days=self.settings.delivery_retention_days),
        )

    async def register_schedules(self) -> None:
        await self.jobs.upsert_schedule(
            PURGE, PURGE, {}, PURGE_EVERY_SECONDS, first_run_at=self.clock.now()
        )
        await self.jobs.upsert_schedule(
            DEFEND_SCAN,
            DEFEND_SCAN,
            {},
            self.settings.defend_scan_minutes * 60,
            first_run_at=self.clock.now(),
        )
        for campaign_job in (CAMPAIGN_REMINDERS, OCCURRENCE_PROMPTS):
            await self.jobs.upsert_schedule(
                campaign_job, campaign_job, {}, self.settings.campaign_reminder_minutes * 60,
                first_run_at=self.clock.now(),
            )
        await self.jobs.upsert_schedule(
            CAMPAIGN_EXPORT, CAMPAIGN_EXPORT, {}, EXPORT_EVERY_SECONDS,
            first_run_at=self.clock.now(),
        )
        for sweep in (REFLECTION_CLOSE_DUE, FOLLOW_UPS_DUE, REFLECTION_EXPORT, SESSION_ROUNDS):
            await self.jobs.upsert_schedule(
                sweep, sweep, {}, self.settings.reflection_sweep_minutes * 60,
                first_run_at=self.clock.now(),
            )
        await self.jobs.upsert_schedule(
            PARTNER_CHECK_INS, PARTNER_CHECK_INS, {},
            self.settings.campaign_reminder_minutes * 60, first_run_at=self.clock.now(),
        )
        await self.jobs.upsert_schedule(
            RECONCILE_ALL, RECONCILE_ALL, {}, RECONCILE_EVERY_SECONDS,
            first_run_at=self.clock.now() + timedelta(seconds=RECONCILE_EVERY_SECONDS),
        )
        await self.jobs.upsert_schedule(
            OUTBOX_DRAIN, OUTBOX_DRAIN, {}, DRAIN_EVERY_SECONDS, first_run_at=self.clock.now()
        )
        await self.jobs.upsert_schedule(
            RETENTION, RETENTION, {}, RETENTION_EVERY_SECONDS, first_run_at=self.clock.now()
        )

    def form_catalog(self) -> FormCatalog:
        """The built-in forms and the admin's (LEARNING_LOOP_FORMS_DIRECTORY), loaded at start:
        a mistake in a file stopped the start with a message naming it."""
        return self.services.forms

    async def advance_clock(self, by: timedelta) -> datetime:
        if not isinstance(self.clock, MovableClock):
            raise RuntimeError("only the local-mode clock can be moved")
        return await self.clock.advance(by)

    async def follow_clock(self) -> None:
        """Pick up a move of the local clock made by another process."""
        if isinstance(self.clock, MovableClock):
            await self.clock.refresh()

    async def close(self) -> None:
        await self.clients.close()
        if self.graph is not None:
            await self.graph.aclose()
        await self.engine.dispose()


def schema_ahead(current: str | None, head: str | None) -> bool:
    """A newer release has migrated the schema past this code's head: during a rolling upgrade
    the older instances keep serving until they are replaced, which every migration allows by
    only adding for one release (docs/architecture.md, "Migrations"). Revision ids are the
    numbers of the files, so "newer" is a larger number; anything else is not ahead."""
    if not (current and head and current.isdigit() and head.isdigit()):
        return False
    return int(current) > int(head)


async def bootstrap(
    settings: Settings, *, migrate: bool = True, connections: Connections | None = None
) -> Runtime:
    """`connections` replaces the token providers for outbound calls; tests use it to stand in
    for Entra ID, which only exists in Microsoft's cloud."""
    keep_person_text_out_of_library_logs()  # whoever configures logging, or nobody
    configure_telemetry(settings)  # once per process; nothing at all unless asked for
    skip_unrecorded_sdk_spans()  # after it: the SDK's spans run when telemetry records them
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    clock: SystemClock | MovableClock
    if settings.local_mode:
        clock = MovableClock(engine)
        await clock.refresh()
    else:
        clock = SystemClock()
    connections = connections or build_connections(settings)
    if settings.app_id is not None:  # MSAL blocks; anonymous local mode has nothing to fetch
        connections = OffLoopConnections(connections, seconds=settings.token_seconds)
    clients = PooledClientFactory(connections)
    adapter = CloudAdapter(channel_service_client_factory=clients)
    messenger = TeamsMessenger(
        clients,
        app_id=settings.app_id,
        limits=SendLimits(
            per_conversation_rate=settings.per_conversation_rate,
            per_conversation_burst=settings.per_conversation_burst,
            per_conversation_per_30s=settings.per_conversation_per_30s,
            per_tenant_rate=settings.per_tenant_rate,
            max_attempts=settings.send_max_attempts,
            base_delay=settings.send_base_delay,
            max_delay=settings.send_max_delay,
        ),
        member_id_format=settings.teams_member_id_format,
    )

    privacy_key = settings.privacy_key.encode() if settings.privacy_key else None

    def uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            engine, clock, job_max_attempts=settings.job_max_attempts, read_only=read_only,
            personal_data=PERSONAL_DATA, privacy_key=privacy_key,
        )

    graph = build_graph(settings) if settings.graph_configured else None
    services = Services(
        settings=settings,
        uow=uow,
        clock=clock,
        messenger=messenger,
        renderer=TranslatedCards(settings.default_locale),
        forms=FileFormCatalog.load(settings.forms_directory),
        calendar=GraphCalendar(graph) if graph else None,
        directory=GraphDirectory(graph) if graph else None,
        lists=GraphLists(graph) if graph else None,
        subscriptions=GraphSubscriptions(
            graph,
            notification_url=settings.graph_notification_url or "",
            lifecycle_url=settings.graph_lifecycle_url,
        )
        if graph and settings.notifications_configured
        else None,
        installer=GraphTeamsAppInstaller(graph, teams_app_id=settings.graph_teams_app_id)
        if graph and settings.graph_teams_app_id
        else None,
        rights=PlanningRights(
            learning_leads_group=settings.learning_leads_group,
            indirect_reports=settings.plan_for_indirect_reports,
        ),
    )
    return Runtime(
        settings=settings,
        engine=engine,
        services=services,
        adapter=adapter,
        agent_app=create_agent_app(services, adapter, connections),
        jobs=SqlJobStore(engine, clock, default_max_attempts=settings.job_max_attempts),
        clock=clock,
        messenger=messenger,
        clients=clients,
        graph=graph,
    )


async def migrate(database_url: str) -> tuple[str | None, str | None]:
    """Create or upgrade the schema; returns (current, head) revisions."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        return await current_revision(engine), head_revision()
    finally:
        await engine.dispose()


@dataclass
class DoctorRuntime:
    """What `learning-loop doctor` probes through; nothing is migrated or started."""

    ports: DoctorPorts
    engine: AsyncEngine
    graph: GraphConnection | None

    async def close(self) -> None:
        if self.graph is not None:
            await self.graph.aclose()
        await self.engine.dispose()


def build_doctor(settings: Settings, *, connections: Connections | None = None) -> DoctorRuntime:
    """`connections` stands in for Entra ID in tests, as in `bootstrap`."""
    engine = create_engine(settings.database_url)
    clock = SystemClock()
    graph = None
    if settings.graph_configured:
        try:
            graph = build_graph(settings)
        except (ValueError, OSError):  # the settings check names the problem; Graph is "off"
            graph = None
    credentials = None
    if settings.app_id is not None:
        credentials = ConnectorCredentials(OffLoopConnections(
            connections or build_connections(settings), seconds=settings.token_seconds))

    def uow(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            engine, clock, job_max_attempts=settings.job_max_attempts, read_only=read_only
        )

    ports = DoctorPorts(
        schema=SqlSchemaVersion(engine, settings),
        uow=uow,
        clock=clock,
        endpoint=HttpPublicEndpoint(),
        credentials=credentials,
        calendar=GraphCalendar(graph) if graph else None,
        directory=GraphDirectory(graph) if graph else None,
        lists=GraphLists(graph) if graph else None,
        installer=GraphTeamsAppInstaller(graph, teams_app_id=settings.graph_teams_app_id)
        if graph and settings.graph_teams_app_id
        else None,
    )
    return DoctorRuntime(ports=ports, engine=engine, graph=graph)
