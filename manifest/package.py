"""The Teams app package: manifest/'s template filled in for one deployment, zipped for upload.

The zip holds manifest.json, the two icons and one translation file per extra language, all at
the root, which is the layout Teams and the Teams admin center expect. The data comes from the
`manifest` folder, shipped as package data (see pyproject.toml), so it is found both in a checkout
and in an installed wheel.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TEMPLATE = "manifest.template.json"
PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
APP_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
DEVELOPER_NAME_MAX = 32  # the manifest schema's limit for developer.name
URL_MAX = 2048
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip


@dataclass(frozen=True)
class DeveloperInfo:
    """Who publishes the app, as people see it in Teams' app details."""

    name: str
    website_url: str
    privacy_url: str
    terms_of_use_url: str


@dataclass(frozen=True)
class Problem:
    field: str  # the build_app_package parameter (developer fields as developer.<name>)
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidPackageInput(ValueError):
    """Build inputs that would give a package Teams refuses; lists every problem at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


class ManifestDataMissing(RuntimeError):
    """The manifest folder (template, icons, translations) is not where it should be."""


def build_app_package(
    *,
    app_id: str,
    bot_id: str,
    host: str,
    version: str,
    developer: DeveloperInfo,
    out: Path,
) -> Path:
    """Writes the Teams app package zip to `out` (replacing it) and returns its absolute path.

    `app_id` is the Teams app's own id (the manifest `id`); `bot_id` is the Microsoft Entra app
    (client) id of the bot registration, which is also the app that resource-specific consent
    and `webApplicationInfo` refer to. Many deployments use the same GUID for both. `host` is the
    service's public DNS name, without scheme. Raises InvalidPackageInput on bad input.
    """
    values = validated_values(
        app_id=app_id, bot_id=bot_id, host=host, version=version, developer=developer
    )
    source = manifest_dir()
    manifest = fill(json.loads(_read(source, TEMPLATE)), values)
    files = {"manifest.json": _json_bytes(manifest)}
    for name in manifest["icons"].values():
        files[name] = _read(source, "icons", name)
    for language in manifest["localizationInfo"].get("additionalLanguages", []):
        files[language["file"]] = _read(source, "locales", language["file"])
    return _write_zip(files, Path(out))


def render_manifest(
    *, app_id: str, bot_id: str, host: str, version: str, developer: DeveloperInfo
) -> dict[str, Any]:
    """The manifest.json the package would contain, as a dict."""
    values = validated_values(
        app_id=app_id, bot_id=bot_id, host=host, version=version, developer=developer
    )
    return fill(json.loads(_read(manifest_dir(), TEMPLATE)), values)


def validated_values(
    *, app_id: str, bot_id: str, host: str, version: str, developer: DeveloperInfo
) -> dict[str, str]:
    """The template's placeholder values, normalised; raises InvalidPackageInput listing all
    problems."""
    problems: list[Problem] = []

    def check(field: str, message: str | None) -> None:
        if message:
            problems.append(Problem(field, message))

    check("app_id", guid_problem(app_id))
    check("bot_id", guid_problem(bot_id))
    check("host", host_problem(host))
    check("version", version_problem(version))
    check("developer.name", developer_name_problem(developer.name))
    check("developer.website_url", https_url_problem(developer.website_url))
    check("developer.privacy_url", https_url_problem(developer.privacy_url))
    check("developer.terms_of_use_url", https_url_problem(developer.terms_of_use_url))
    if problems:
        raise InvalidPackageInput(problems)
    return {
        "APP_ID": app_id.strip().lower(),
        "BOT_ID": bot_id.strip().lower(),
        "HOST": host.strip().lower().rstrip("."),
        "VERSION": version.strip(),
        "DEVELOPER_NAME": developer.name.strip(),
        "WEBSITE_URL": developer.website_url.strip(),
        "PRIVACY_URL": developer.privacy_url.strip(),
        "TERMS_OF_USE_URL": developer.terms_of_use_url.strip(),
    }


def guid_problem(value: str) -> str | None:
    if GUID.match(value.strip()):
        return None
    return f"must be a GUID such as 2b7c8e4a-1f0d-4c3b-9a6e-5d4f3e2a1b0c (got {value!r})"


def version_problem(value: str) -> str | None:
    if APP_VERSION.match(value.strip()):
        return None
    return (
        "must be MAJOR.MINOR.PATCH such as 1.0.0, without a pre-release or build suffix; raise "
        f"it for every upload of a changed package (got {value!r})"
    )


def host_problem(value: str) -> str | None:
    host = value.strip().lower()
    example = "such as learningloop.contoso.com"
    if "://" in host:
        scheme = host.split("://")[0]
        return f"give the host name only, without {scheme}:// ({example}; got {value!r})"
    if any(c in host for c in "/:?#@ ") or not host:
        return f"must be a DNS host name without port or path, {example} (got {value!r})"
    labels = host.rstrip(".").split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return (
            f"must be the service's public DNS name, {example}; Teams needs a public https "
            f"endpoint, so neither localhost nor an IP address works (got {value!r})"
        )
    return None


def developer_name_problem(value: str) -> str | None:
    name = value.strip()
    if not name:
        return "must not be empty"
    if len(name) > DEVELOPER_NAME_MAX:
        return f"must be at most {DEVELOPER_NAME_MAX} characters (got {len(name)})"
    return None


def https_url_problem(value: str) -> str | None:
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or " " in url:
        return f"must be an https:// address such as https://www.contoso.com (got {value!r})"
    if len(url) > URL_MAX:
        return f"must be at most {URL_MAX} characters (got {len(url)})"
    return None


def fill(template: Any, values: dict[str, str]) -> Any:
    """Replaces every ${{NAME}} in the template's strings; an unknown name is an error."""
    if isinstance(template, dict):
        return {key: fill(item, values) for key, item in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, str):

        def value_of(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                raise KeyError(f"the manifest template uses an unknown placeholder {name}")
            return values[name]

        return PLACEHOLDER.sub(value_of, template)
    return template


def manifest_dir() -> Path:
    """The manifest folder: this package's own folder, which holds the template, the icons and
    the translations as package data, in a checkout, an editable install and a wheel alike."""
    folder = Path(__file__).resolve().parent
    if (folder / TEMPLATE).is_file():
        return folder
    raise ManifestDataMissing(
        f"cannot find manifest/{TEMPLATE}; reinstall Learning Loop (pip install -e . in a "
        "checkout) so that its manifest folder is installed"
    )


def _read(folder: Path, *parts: str) -> bytes:
    path = folder.joinpath(*parts)
    if not path.is_file():
        raise ManifestDataMissing(f"manifest/{'/'.join(parts)} is missing")
    return path.read_bytes()


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_zip(files: dict[str, bytes], out: Path) -> Path:
    """Writes the zip next to `out` first and moves it into place, so a failed build leaves no
    half-written package behind."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".app-package-", suffix=".zip", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out
