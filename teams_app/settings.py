"""Settings, read once from the environment (prefix LEARNING_LOOP_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
BOT_FRAMEWORK_OPENID_METADATA = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LEARNING_LOOP_", env_file=".env", extra="ignore"
    )

    host: str = "127.0.0.1"
    port: int = Field(3978, ge=1, le=65535)
    database_url: str = "sqlite+aiosqlite:///learning-loop.db"

    # Bot registration. Without an app id the service only runs in anonymous local mode.
    app_id: str | None = None
    app_password: str | None = Field(None, repr=False)
    app_tenant_id: str | None = None
    allowed_tenants: Annotated[list[str], NoDecode] = Field(default_factory=list)
    anonymous: bool = False
    openid_metadata_url: str = BOT_FRAMEWORK_OPENID_METADATA
    token_issuers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [BOT_FRAMEWORK_ISSUER]
    )

    # How long a request's body may take to arrive; a client that declares a length and sends
    # less holds a connection only this long (then 408).
    body_read_seconds: float = Field(10.0, gt=0, le=120)

    # Local mode: a movable clock and the control endpoints that move it.
    local_mode: bool = False

    # How long a turn or job waits for a Bot Connector token from Microsoft Entra ID.
    token_seconds: float = Field(20.0, gt=0, le=120)

    # Teams limits (DESIGN.md section 6); documented values, configurable.
    per_conversation_rate: float = Field(7.0, gt=0)
    per_conversation_burst: int = Field(7, ge=1)
    per_conversation_per_30s: int = Field(60, ge=1)
    per_tenant_rate: float = Field(30.0, gt=0)
    send_max_attempts: int = Field(6, ge=1, le=20)
    send_base_delay: float = Field(0.5, gt=0)
    send_max_delay: float = Field(30.0, gt=0)

    # Opening a personal chat with someone who never wrote to the bot: the connector's service
    # URL (unset: the tenant's latest conversation's, else Microsoft's global endpoint), and how
    # a member is named to it (Teams takes the Entra object id; the Agents Playground only the
    # Teams user ids of its config, "29:{object_id}" in the demo).
    teams_service_url: str | None = None
    teams_member_id_format: str = "{object_id}"

    # `serve`: web processes sharing the port (None: one per core), each answering turns; the
    # job workers then run in a process of their own.
    processes: int | None = Field(None, ge=1, le=64)

    # Job queue.
    workers: int = Field(1, ge=0, le=64)
    job_lease_seconds: float = Field(60.0, gt=0)
    job_poll_seconds: float = Field(0.5, gt=0)
    job_max_attempts: int = Field(8, ge=1, le=100)
    job_backoff_base: float = Field(2.0, gt=0)
    job_backoff_max: float = Field(3600.0, gt=0)
    shutdown_grace_seconds: float = Field(20.0, ge=0)
    job_retention_days: int = Field(30, ge=1)
    delivery_retention_days: int = Field(180, ge=1)

    # Defending booked learning time: how often each mailbox is scanned, and how far ahead.
    defend_scan_minutes: int = Field(15, ge=1, le=1440)
    defend_lookahead_days: int = Field(28, ge=7, le=90)

    # Who may plan for whom (DESIGN.md section 7): members of this Entra group (nested groups
    # too) may plan for anyone in the tenant; managers reach their reports' reports only when
    # the admin allows it.
    learning_leads_group: str | None = None
    plan_for_indirect_reports: bool = False

    # Campaigns (issue 12): the admin's form files beside the built-in ones, the cap on
    # prompts one person gets per week across all campaigns, and how often reminders and the
    # prompts after learning occurrences are looked for.
    forms_directory: Path | None = None
    weekly_prompt_cap: int = Field(3, ge=1, le=20)
    campaign_reminder_minutes: int = Field(15, ge=1, le=1440)
    # Reflection rounds (docs/reflections.md): how long a round stays open, from how many
    # reflections its summary shows more than counts, and when follow-ups ask about actions.
    reflection_window_hours: int = Field(24, ge=1, le=336)
    reflection_k: int = Field(5, ge=3, le=25)
    follow_up_days: int = Field(14, ge=1, le=180)
    # How often the reflection jobs look for rounds to close, follow-ups due and answers to
    # hand to SharePoint, and for kept learning sessions that ended.
    reflection_sweep_minutes: int = Field(5, ge=1, le=1440)

    default_locale: str = "en"

    # A person's own data (docs/privacy.md). Answers older than this many months are removed
    # by a daily job; the export's download link lasts this long; the service's public address
    # the link points at (unset: http://host:port, fine for local use only); a key for the
    # erasure log's hash and the links' signature (unset: a random one kept in the database).
    retention_months: int = Field(24, ge=1, le=240)
    export_link_minutes: int = Field(15, ge=1, le=24 * 60)
    public_url: str | None = None
    privacy_key: str | None = Field(None, repr=False, min_length=32)

    @property
    def public_base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
    log_json: bool | None = None

    # Traces and metrics (teams_app/telemetry): "auto" sends them to Application Insights when
    # its standard connection string is set (infra/ sets it) and nowhere otherwise; "console"
    # prints them; "off" sends nothing even with a connection string.
    telemetry: Literal["auto", "console", "off"] = "auto"
    applicationinsights_connection_string: str | None = Field(
        None, validation_alias="APPLICATIONINSIGHTS_CONNECTION_STRING", repr=False
    )

    # --- Microsoft Graph (graph/client.py builds the one Graph client from these) ------------
    # LEARNING_LOOP_GRAPH_*. The default base URL is the global Graph service (a national cloud
    # sets its own); local mode points it at the emulator with graph_auth=static.
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_auth: Literal[
        "secret", "certificate", "managed_identity", "workload_identity", "static"
    ] = "secret"
    graph_client_id: str | None = None  # Entra app (or user-assigned managed identity) id
    graph_client_secret: str | None = Field(None, repr=False)
    graph_certificate_path: Path | None = None  # PEM or PKCS12 with the private key
    graph_certificate_password: str | None = Field(None, repr=False)
    graph_tenant_id: str | None = None
    graph_static_token: str | None = Field(None, repr=False)  # emulator only
    graph_timeout_seconds: float = Field(30.0, gt=0)  # one request; a $batch: this per 4
    graph_mailbox_concurrency: int = Field(4, ge=1, le=4)  # Outlook: 4 per app per mailbox
    graph_global_concurrency: int = Field(32, ge=1, le=512)
    graph_max_retries: int = Field(5, ge=0, le=10)  # the SDK retry handler caps at 10
    graph_retry_backoff_seconds: float = Field(0.5, gt=0)  # when no Retry-After is sent
    graph_teams_app_id: str | None = None  # the app's id in the org's Teams app catalog
    graph_notification_url: str | None = None  # public HTTPS URL for change notifications
    graph_lifecycle_url: str | None = None  # ... and for lifecycle notifications
    # The clientState secret every calendar subscription carries; with the notification URL it
    # switches change notifications on (the periodic delta scan runs either way).
    graph_notification_secret: str | None = Field(None, repr=False, min_length=16, max_length=128)

    # --- `learning-loop doctor` -----------------------------------------------------------
    # (public_url above: the service's public address, whose /readyz doctor asks too.)
    # A mailbox inside the calendar scope and a group, for doctor's harmless Graph calls
    # (unset: the first person the directory lists; the learning leads group).
    doctor_mailbox: str | None = None
    doctor_group: str | None = None
    # A mailbox outside the Exchange RBAC scope, which Graph must refuse (unset: not checked).
    rbac_outside_mailbox: str | None = None

    @field_validator("allowed_tenants", "token_issuers", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _anonymous_only_on_loopback(self) -> Settings:
        if self.app_id is None and not self.anonymous:
            raise ValueError(
                "No bot app id is configured (LEARNING_LOOP_APP_ID). Set it, or switch on "
                "local anonymous mode explicitly with LEARNING_LOOP_ANONYMOUS=true."
            )
        if self.anonymous and self.host not in LOOPBACK_HOSTS:
            raise ValueError(
                "Anonymous mode accepts unauthenticated requests, so it only binds to loopback "
                f"(127.0.0.1, localhost, ::1); LEARNING_LOOP_HOST is {self.host!r}."
            )
        if self.local_mode and self.host not in LOOPBACK_HOSTS:
            raise ValueError(
                "Local mode lets anyone move the service's clock, so it only binds to loopback; "
                f"LEARNING_LOOP_HOST is {self.host!r}."
            )
        if self.local_mode and self.app_id is not None:
            raise ValueError(
                "Local mode moves the service's clock without authentication, so it does not "
                "run with a bot app id (LEARNING_LOOP_APP_ID): unset one of them."
            )
        return self

    @property
    def graph_configured(self) -> bool:
        """Whether Graph credentials are set; without them the service runs without Graph."""
        if self.graph_auth == "static":
            return bool(self.graph_static_token)
        if self.graph_auth in ("secret", "certificate"):
            return bool(self.graph_client_id and self.graph_tenant_id)
        return True  # managed and workload identities come from the environment

    @property
    def notifications_configured(self) -> bool:
        return bool(
            self.graph_configured and self.graph_notification_url and self.graph_notification_secret
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        _, _, path = self.database_url.partition(":///")
        return Path(path) if path and path != ":memory:" else None
