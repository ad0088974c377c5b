"""The database, the bot's credentials and the public endpoint."""

from __future__ import annotations

from teams_app.domain.doctor import CheckResult
from teams_app.ports.doctor import (
    BotCredentials,
    CredentialsRefused,
    DatabaseUnreachable,
    EndpointUnreachable,
    PublicEndpoint,
    SchemaVersion,
)
from teams_app.settings import Settings

DATABASE = "Database"
TOKEN = "Bot credentials"
ENDPOINT = "Public endpoint /readyz"


async def check_database(schema: SchemaVersion) -> CheckResult:
    try:
        current = await schema.current()
    except DatabaseUnreachable as error:
        return CheckResult.failed(
            DATABASE, f"not reachable: {error}",
            "Check LEARNING_LOOP_DATABASE_URL, that the server runs and lets this host in "
            "(firewall, private endpoint, Entra sign-in for PostgreSQL).")
    head = schema.head()
    if current is None:
        return CheckResult.failed(DATABASE, "reachable, but no schema yet",
                                  "Run learning-loop db upgrade (serve also migrates on start).")
    if current != head:
        return CheckResult.failed(
            DATABASE, f"at revision {current}, this release needs {head}",
            "Run learning-loop db upgrade, or start this release's serve, which migrates.")
    return CheckResult.ok(DATABASE, f"reachable, schema at the newest revision ({head})")


async def check_bot_credentials(credentials: BotCredentials | None) -> CheckResult:
    if credentials is None:
        return CheckResult.skipped(TOKEN, "local anonymous mode: no app id, no token needed")
    try:
        await credentials.obtain_token()
    except CredentialsRefused as error:
        return CheckResult.failed(
            TOKEN, f"no token from Microsoft Entra ID: {error}",
            "Check LEARNING_LOOP_APP_ID, LEARNING_LOOP_APP_PASSWORD (not expired) and "
            "LEARNING_LOOP_APP_TENANT_ID against the bot's app registration, and that this "
            "host reaches login.microsoftonline.com.")
    return CheckResult.ok(TOKEN, "Microsoft Entra ID issued a token for the Bot Connector")


async def check_public_endpoint(settings: Settings, endpoint: PublicEndpoint) -> CheckResult:
    url = settings.public_url
    if not url:
        if settings.app_id is None:
            return CheckResult.skipped(ENDPOINT, "local: LEARNING_LOOP_PUBLIC_URL is not set")
        return CheckResult.failed(
            ENDPOINT, "LEARNING_LOOP_PUBLIC_URL is not set",
            "Set it to the web app's https address (the bot's messaging endpoint without "
            "/api/messages).")
    try:
        answer = await endpoint.readiness(url)
    except EndpointUnreachable as error:
        return CheckResult.failed(
            ENDPOINT, f"no answer: {error}",
            "Check that the web app runs, its DNS name and certificate, and that "
            "LEARNING_LOOP_PUBLIC_URL is its address.")
    if answer.status != 200 or not answer.ready:
        return CheckResult.failed(
            ENDPOINT, f"answered {answer.status}, not ready",
            "Read the service's log: /readyz says not ready while the database is out of "
            "reach or not migrated.")
    return CheckResult.ok(ENDPOINT, f"{url.rstrip('/')}/readyz answered ready")
