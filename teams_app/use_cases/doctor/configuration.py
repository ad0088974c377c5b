"""Settings present and consistent: what pydantic's per-field validation cannot see."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from teams_app.domain.doctor import CheckResult
from teams_app.settings import LOOPBACK_HOSTS, Settings

CHECK = "Settings"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def env(name: str) -> str:
    return f"LEARNING_LOOP_{name.upper()}"


def check_settings(settings: Settings) -> list[CheckResult]:
    """One failed row per problem, or one row saying all is well."""
    problems = [*_bot(settings), *_graph(settings), *_guids(settings), *_addresses(settings)]
    if settings.rbac_outside_mailbox and settings.doctor_mailbox and (
            settings.rbac_outside_mailbox.lower() == settings.doctor_mailbox.lower()):
        problems.append((env("rbac_outside_mailbox"), "names the same mailbox as "
                         f"{env('doctor_mailbox')}",
                         "Name a mailbox outside the app's Exchange management scope."))
    if not problems:
        return [CheckResult.ok(CHECK, "present and consistent")]
    return [CheckResult.failed(f"{CHECK}: {name}", detail, fix) for name, detail, fix in problems]


Problem = tuple[str, str, str]  # (setting, what is wrong, the fix)


def _bot(settings: Settings) -> list[Problem]:
    if settings.app_id is None:
        return []
    problems = []
    if not settings.app_password:
        problems.append((env("app_password"), "not set, though LEARNING_LOOP_APP_ID is",
                         "Set it to the bot registration's client secret (a Key Vault "
                         "reference in Azure)."))
    if not settings.app_tenant_id:
        problems.append((env("app_tenant_id"), "not set: a single-tenant bot needs its tenant",
                         "Set it to the directory (tenant) id of the bot's app registration."))
    return problems


def _graph(settings: Settings) -> list[Problem]:
    mode = settings.graph_auth
    fix_auth = (f"Set {env('graph_auth')} and its credentials (client id, tenant id and a "
                "secret or certificate, or a managed identity).")
    if mode == "static":
        if not settings.graph_static_token:
            return [(env("graph_static_token"), "not set, though GRAPH_AUTH is static",
                     fix_auth)]
        host = urlsplit(settings.graph_base_url).hostname or ""
        if host not in LOOPBACK_HOSTS:
            return [(env("graph_auth"), "static tokens are for the local Graph emulator only, "
                     f"but GRAPH_BASE_URL points at {host}", fix_auth)]
        return []
    if urlsplit(settings.graph_base_url).scheme != "https":
        return [(env("graph_base_url"), "Microsoft Graph is only reached over https",
                 "Leave it unset for the global service, or set the national cloud's https "
                 "address.")]
    if mode not in ("secret", "certificate"):
        return []  # managed and workload identities come from the environment
    missing = [name for name in ("graph_client_id", "graph_tenant_id")
               if not getattr(settings, name)]
    if mode == "secret" and not settings.graph_client_secret:
        missing.append("graph_client_secret")
    problems = [(env(name), f"not set (GRAPH_AUTH is {mode})", fix_auth) for name in missing]
    path = settings.graph_certificate_path
    if mode == "certificate" and (path is None or not Path(path).is_file()):
        problems.append((env("graph_certificate_path"),
                         "no certificate file there" if path else "not set",
                         "Point it at the PEM or PKCS12 file with the private key."))
    return problems


def _guids(settings: Settings) -> list[Problem]:
    names = ("app_id", "app_tenant_id", "graph_client_id", "graph_tenant_id",
             "graph_teams_app_id", "learning_leads_group", "doctor_group")
    return [(env(name), f"is not a GUID ({value!r})",
             "Copy the id (a GUID) from the Entra admin center or the Teams admin center.")
            for name in names
            if (value := getattr(settings, name)) and not GUID.match(value.strip())]


def _addresses(settings: Settings) -> list[Problem]:
    problems = []
    for name in ("public_url", "graph_notification_url", "graph_lifecycle_url"):
        value = getattr(settings, name)
        if value and not _https_or_loopback(value):
            problems.append((env(name), f"must be an https:// address (got {value!r})",
                             "Use the service's public https address."))
    has_url, has_secret = (bool(settings.graph_notification_url),
                           bool(settings.graph_notification_secret))
    if has_url != has_secret:
        given, needed = (("graph_notification_url", "graph_notification_secret") if has_url
                         else ("graph_notification_secret", "graph_notification_url"))
        problems.append((env(needed), f"not set, though {env(given)} is",
                         "Set both to switch calendar change notifications on, or neither."))
    return problems


def _https_or_loopback(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
