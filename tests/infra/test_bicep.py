"""The Azure deployment's wiring, read from infra/'s Bicep files with pycep-parser: every file
parses, modules get the parameters they declare, the bot's endpoint is the web app's
/api/messages, the settings the service needs in production are set, no secret is a default or
a plain app setting, and App Service probes /readyz."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest

from teams_app.settings import Settings
from tests.infra.bicep import (
    INFRA,
    KEY_VAULT_PREFIX,
    MAIN,
    accessor,
    bicep_files,
    is_secure,
    leaves,
    module,
    module_path,
    parse,
    resources_of_type,
)

APP_SERVICE = INFRA / "modules" / "appservice.bicep"
SITE = INFRA / "modules" / "site.bicep"

# What `learning-loop serve` needs in production (README "Configuration" and "Running against a
# real tenant", teams_app/settings.py): the bot's identity and who it serves, where it listens,
# its database, how many processes and workers, Graph's identity, the Teams app id it installs,
# and the change notifications' addresses and secret.
REQUIRED_IN_PRODUCTION = [
    "app_id",
    "app_password",
    "app_tenant_id",
    "allowed_tenants",
    "host",
    "port",
    "database_url",
    "processes",
    "workers",
    "graph_auth",
    "graph_client_id",
    "graph_tenant_id",
    "graph_client_secret",
    "graph_certificate_path",
    "graph_teams_app_id",
    "graph_notification_url",
    "graph_lifecycle_url",
    "graph_notification_secret",
    "log_json",
]
# Secrets: the settings kept out of Settings' repr, and the database URL (it holds a password).
SECRET_SETTINGS = sorted(
    {name for name, field in Settings.model_fields.items() if field.repr is False}
    | {"database_url"}
)


def env_name(field: str) -> str:
    return f"LEARNING_LOOP_{field.upper()}"


def app_settings() -> dict[str, Any]:
    """Every name the apps' settings may hold, with its value (a union's objects merged, both
    branches of a conditional object included)."""
    [settings] = [
        resource["config"]
        for resource in resources_of_type(SITE, "Microsoft.Web/sites/config").values()
        if resource["config"]["name"] == "appsettings"
    ]
    return merged(settings["properties"])


def merged(node: Any) -> dict[str, Any]:
    if isinstance(node, str):
        return merged(site_variable(node))
    if "function" in node:
        assert node["function"]["type"] == "union", node
        result: dict[str, Any] = {}
        for argument in node["function"]["parameters"].values():
            result |= merged(argument)
        return result
    if "operator" in node:
        result = {}
        for branch in leaves(node):
            result |= merged(branch)
        return result
    return node


def site_config() -> dict[str, Any]:
    [site] = resources_of_type(SITE, "Microsoft.Web/sites").values()
    return site["config"]


def site_variable(name: str) -> Any:
    return parse(SITE)["variables"][name]["value"]


def to_main(site_parameter: str) -> Any:
    """What main.bicep hands down as one of site.bicep's parameters (through appservice.bicep's
    web app module)."""
    _, web = module(APP_SERVICE, "web")
    handed = accessor(web["config"]["params"][site_parameter])
    assert handed in parse(APP_SERVICE)["parameters"], (site_parameter, handed)
    _, app_service = module(MAIN, "appService")
    return app_service["config"]["params"][handed]


# --- parsing and module wiring ---------------------------------------------------------------


@pytest.mark.parametrize("path", bicep_files(), ids=lambda path: path.name)
def test_every_bicep_file_parses(path: Path) -> None:
    parsed = parse(path)
    assert parsed["globals"]["scope"]["value"] == "resourceGroup"
    assert parsed.get("resources") or parsed.get("modules")


@pytest.mark.parametrize("path", bicep_files(), ids=lambda path: path.name)
def test_modules_get_exactly_the_parameters_they_declare(path: Path) -> None:
    for name, declaration in parse(path).get("modules", {}).items():
        target = module_path(path, declaration)
        assert target.is_file(), f"{path.name}: module {name} points at a missing {target}"
        declared = parse(target)["parameters"]
        passed = declaration["config"]["params"]
        assert set(passed) <= set(declared), (name, set(passed) - set(declared))
        required = {p for p, spec in declared.items() if spec["default"] is None}
        assert required <= set(passed), (name, required - set(passed))


def test_parameters_file_names_only_declared_parameters_and_no_secret() -> None:
    declared = parse(MAIN)["parameters"]
    given = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert set(given) <= set(declared)
    assert not [name for name in given if is_secure(declared[name])]


# Azure's name limits for what main.bicep names from `prefix` (at most 12 characters) and the
# resource group's uniqueString (13).
NAME_LIMITS = {
    ("identity", "name"): 128,
    ("monitoring", "workspaceName"): 63,
    ("monitoring", "appInsightsName"): 260,
    ("network", "name"): 64,
    ("postgres", "name"): 63,
    ("keyVault", "name"): 24,
    ("appService", "planName"): 60,
    ("appService", "webAppName"): 60,
    ("appService", "workerAppName"): 60,
    ("bot", "name"): 64,
}


def longest_name(node: Any) -> str:
    if isinstance(node, dict):
        function = node["function"]
        assert function["type"] == "take", node
        parameters = function["parameters"]
        return longest_name(parameters["original_value"])[: parameters["number_to_take"]]
    return node.replace("${base}", "p" * 12).replace("${suffix}", "s" * 13)


def test_resource_names_fit_azures_limits() -> None:
    max_prefix = [
        decorator["argument"]
        for decorator in parse(MAIN)["parameters"]["prefix"]["decorators"]
        if decorator["type"] == "max_length"
    ]
    assert max_prefix == [12]
    for (name, parameter), limit in NAME_LIMITS.items():
        _, declaration = module(MAIN, name)
        value = longest_name(declaration["config"]["params"][parameter])
        assert "${" not in value and len(value) <= limit, (name, parameter, value)


# --- the bot ----------------------------------------------------------------------------------


def test_the_bots_messaging_endpoint_is_the_web_apps_api_messages() -> None:
    bot_file, bot_module = module(MAIN, "bot")
    [bot] = resources_of_type(bot_file, "Microsoft.BotService/botServices").values()
    assert bot["config"]["properties"]["endpoint"] == "https://${webHost}/api/messages"
    assert accessor(bot_module["config"]["params"]["webHost"]) == "appService.outputs.webHost"
    assert accessor(parse(APP_SERVICE)["outputs"]["webHost"]["value"]) == "web.outputs.host"
    assert module(APP_SERVICE, "web")[0] == SITE
    assert module(APP_SERVICE, "web")[1]["config"]["params"]["role"] == "web"
    [(site_name, _)] = resources_of_type(SITE, "Microsoft.Web/sites").items()
    assert accessor(parse(SITE)["outputs"]["host"]["value"]) == (
        f"{site_name}.properties.defaultHostName"
    )
    # ... and the deployment reports it.
    assert accessor(parse(MAIN)["outputs"]["botEndpoint"]["value"]) == "bot.outputs.endpoint"


def test_the_bot_is_single_tenant_on_the_services_app_id_with_the_teams_channel() -> None:
    bot_file, bot_module = module(MAIN, "bot")
    [bot] = resources_of_type(bot_file, "Microsoft.BotService/botServices").values()
    properties = bot["config"]["properties"]
    assert properties["msaAppType"] == "SingleTenant"
    assert bot_module["config"]["params"]["appId"] == "botAppId"
    assert to_main("appId") == "botAppId"  # LEARNING_LOOP_APP_ID is the bot's app id
    channels = resources_of_type(bot_file, "Microsoft.BotService/botServices/channels")
    [teams] = channels.values()
    assert teams["config"]["properties"]["channelName"] == "MsTeamsChannel"
    assert teams["config"]["properties"]["properties"]["isEnabled"] is True


# --- the web app -----------------------------------------------------------------------------


def test_app_service_probes_readyz_over_https_only_with_tls_1_2() -> None:
    site = site_config()
    config = site["properties"]["siteConfig"]
    assert config["healthCheckPath"] == "/readyz"
    assert config["alwaysOn"] is True
    assert config["minTlsVersion"] == "1.2"
    assert config["ftpsState"] == "Disabled"
    assert config["linuxFxVersion"].startswith("PYTHON|")
    assert site["properties"]["httpsOnly"] is True
    # The path is the service's own readiness route.
    web_app = (INFRA.parent / "teams_app" / "web" / "app.py").read_text()
    assert 'add_get("/readyz"' in web_app


def test_the_web_app_runs_learning_loop_serve_on_the_port_app_service_forwards_to() -> None:
    command = site_config()["properties"]["siteConfig"]["appCommandLine"]
    assert set(leaves(command)) == {"learning-loop serve", "learning-loop serve --processes 1"}
    settings = app_settings()
    assert settings[env_name("host")] == "0.0.0.0"
    assert settings[env_name("port")] == settings["WEBSITES_PORT"]
    assert parse(SITE)["variables"]["port"]["value"] == 8000


def test_every_setting_the_service_needs_in_production_is_set() -> None:
    settings = app_settings()
    for field in REQUIRED_IN_PRODUCTION:
        assert field in Settings.model_fields, f"{field} is no longer a setting"
        assert env_name(field) in settings, f"{env_name(field)} is not set on the web app"
    # Every LEARNING_LOOP_ name set is one the service reads (a misspelt one would be ignored).
    for name in settings:
        if name.startswith("LEARNING_LOOP_"):
            assert name.removeprefix("LEARNING_LOOP_").lower() in Settings.model_fields, name


def test_graph_notifications_go_to_the_web_apps_public_routes() -> None:
    settings = app_settings()
    assert settings[env_name("graph_notification_url")] == (
        "https://${publicHost}/api/graph/notifications"
    )
    assert settings[env_name("graph_lifecycle_url")] == "https://${publicHost}/api/graph/lifecycle"
    routes = (INFRA.parent / "teams_app" / "web" / "graph_notifications.py").read_text()
    assert '"/api/graph/notifications"' in routes and '"/api/graph/lifecycle"' in routes


def test_the_database_is_sqlite_on_persistent_storage_or_postgresql() -> None:
    sqlite_url = site_variable("sqliteUrl")
    path = Settings(app_id="x", database_url=sqlite_url).sqlite_path()
    assert path is not None and str(path).startswith("/home/")  # App Service's persistent share
    database_url = parse(MAIN)["variables"]["databaseUrl"]["value"]
    postgres_urls = [leaf for leaf in leaves(database_url) if leaf]
    assert postgres_urls and all(u.startswith("postgresql+asyncpg://") for u in postgres_urls)
    # More than one instance means PostgreSQL and the job workers in their own app.
    uses_postgres = parse(MAIN)["variables"]["usePostgres"]["value"]["operator"]
    assert uses_postgres["type"] == "or"
    assert "instanceCount" in json.dumps(uses_postgres["operands"])
    _, worker = module(APP_SERVICE, "worker")
    assert worker["condition"] == "separateWorker"
    assert worker["config"]["params"]["role"] == "worker"
    assert worker["config"]["params"]["processes"] == 1
    assert accessor(worker["config"]["params"]["webHost"]) == "web.outputs.host"
    _, app_service = module(MAIN, "appService")
    assert app_service["config"]["params"]["separateWorker"] == "separateWorker"
    separate = parse(MAIN)["variables"]["separateWorker"]["value"]["operator"]
    assert separate["type"] == "greater_than", separate
    _, web = module(APP_SERVICE, "web")
    assert set(leaves(web["config"]["params"]["processes"])) == {"webProcesses", 1}


def test_a_graph_certificate_comes_from_key_vault_through_app_service() -> None:
    settings = app_settings()
    assert settings["WEBSITE_LOAD_CERTIFICATES"] == "graphCertificateThumbprint"
    assert settings[env_name("graph_certificate_path")] == (
        "/var/ssl/private/${graphCertificateThumbprint}.p12"
    )
    _, web = module(APP_SERVICE, "web")
    assert web["config"]["params"]["graphCertificateThumbprint"] == "graphCertificateThumbprint"
    [(name, certificate)] = resources_of_type(APP_SERVICE, "Microsoft.Web/certificates").items()
    thumbprint = parse(APP_SERVICE)["variables"]["graphCertificateThumbprint"]["value"]
    assert f"{name}.properties.thumbprint" in [accessor(leaf) for leaf in leaves(thumbprint)]
    assert certificate["config"]["properties"]["keyVaultId"] == "keyVaultId"
    _, app_service = module(MAIN, "appService")
    assert accessor(app_service["config"]["params"]["keyVaultId"]) == "keyVault.outputs.id"


# --- secrets -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", bicep_files(), ids=lambda path: path.name)
def test_no_secret_is_a_parameter_default(path: Path) -> None:
    for name, parameter in parse(path)["parameters"].items():
        looks_secret = re.search(r"password|secret", name, re.IGNORECASE) and parameter[
            "type"
        ] == "string" and not name.endswith("Uri")
        if looks_secret:
            assert is_secure(parameter), f"{path.name}: {name} is not @secure()"
        if is_secure(parameter):
            assert parameter["default"] in (None, ""), f"{path.name}: {name} has a default"


def test_no_secret_is_a_plain_app_setting() -> None:
    settings = app_settings()
    assert site_variable("kvPrefix") == KEY_VAULT_PREFIX
    key_vault_outputs = parse(module(MAIN, "keyVault")[0])["outputs"]
    checked = 0
    for field in SECRET_SETTINGS:
        name = env_name(field)
        if name not in settings:
            continue
        for leaf in leaves(settings[name]):
            if leaf == "" or (field == "database_url" and leaf == "sqliteUrl"):
                continue  # unset, or the SQLite file (no password)
            match = re.fullmatch(r"\$\{kvPrefix\}\$\{(\w+)\}\)", leaf)
            assert match, f"{name} is not a Key Vault reference: {leaf!r}"
            # The URI comes from the Key Vault module, whose output is a stored secret's URI.
            source = accessor(to_main(match.group(1)))
            assert source and source.startswith("keyVault.outputs."), (name, source)
            output = key_vault_outputs[source.removeprefix("keyVault.outputs.")]["value"]
            for uri in leaves(output):
                assert uri == "" or accessor(uri).endswith(".outputs.uri"), (name, uri)
            checked += 1
    assert checked >= 4  # bot password, Graph client secret, notification secret, database URL


def test_the_sites_read_key_vault_with_the_managed_identity_that_may_read_secrets() -> None:
    properties = site_config()["properties"]
    assert properties["keyVaultReferenceIdentity"] == "identityId"
    assert to_main("identityId") is not None
    assert accessor(to_main("identityId")) == "identity.outputs.id"
    vault_file, vault_module = module(MAIN, "keyVault")
    assert accessor(vault_module["config"]["params"]["readerPrincipalId"]) == (
        "identity.outputs.principalId"
    )
    [vault] = resources_of_type(vault_file, "Microsoft.KeyVault/vaults").values()
    assert vault["config"]["properties"]["enableRbacAuthorization"] is True
    roles = resources_of_type(vault_file, "Microsoft.Authorization/roleAssignments").values()
    [role] = [r for r in roles if "condition" not in r]
    assert role["config"]["properties"]["principalId"] == "readerPrincipalId"
    # Only with a Graph certificate does App Service itself read the vault.
    for certificate_role in [r for r in roles if "condition" in r]:
        assert certificate_role["config"]["properties"]["principalId"] == (
            "certificateReaderPrincipalId"
        )
    # "Key Vault Secrets User": read secrets, nothing else.
    assert parse(vault_file)["variables"]["secretsUserRoleId"]["value"] == (
        "4633458b-17de-408a-b874-0445c86b69e6"
    )


def test_the_graph_sign_ins_offered_are_ones_the_service_knows() -> None:
    known = set(get_args(Settings.model_fields["graph_auth"].annotation))
    for path in (MAIN, APP_SERVICE, SITE):
        [allowed] = [
            decorator["argument"]
            for decorator in parse(path)["parameters"]["graphAuth"]["decorators"]
            if decorator["type"] == "allowed"
        ]
        assert set(allowed) <= known, (path.name, set(allowed) - known)
    assert parse(MAIN)["parameters"]["graphAuth"]["default"] == "managed_identity"
