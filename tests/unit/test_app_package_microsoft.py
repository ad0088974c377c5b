"""The app package through Microsoft's own manifest library (npm @microsoft/teams-manifest,
`ManifestUtil.validateManifestAgainstSchema`, ajv underneath), a validator independent of the
Python jsonschema one in test_app_package.py. tools/manifest-check/validate.js runs it offline
with the schema Microsoft ships for the manifest's version (scripts/setup installs both)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_app_package import APP_ID, BOT_ID, LANGUAGES, build

CHECK = Path(__file__).resolve().parents[2] / "tools" / "manifest-check"


def validate(folder: Path) -> tuple[int, dict[str, list[str]], str]:
    node = shutil.which("node")
    if node is None or not (CHECK / "node_modules" / "@microsoft" / "teams-manifest").is_dir():
        reason = "node or tools/manifest-check/node_modules is missing (run scripts/setup)"
        if os.environ.get("CI") or os.geteuid() == 0:
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run([node, str(CHECK / "validate.js"), str(folder)], capture_output=True,
                          text=True, timeout=60, check=False)
    files = json.loads(done.stdout)["files"] if done.stdout.strip() else {}
    return done.returncode, files, done.stderr


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    with zipfile.ZipFile(build(tmp_path / "learning-loop.zip", bot_id=BOT_ID)) as archive:
        archive.extractall(tmp_path / "package")
    return tmp_path / "package"


def rewrite(folder: Path, name: str, change: Any) -> None:
    path = folder / name
    document = json.loads(path.read_text("utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")


def test_built_package_passes_microsoft_s_manifest_library(unpacked: Path) -> None:
    code, files, stderr = validate(unpacked)
    assert (code, stderr) == (0, "")
    assert files == {"manifest.json": [], **{f"{tag}.json": [] for tag in LANGUAGES}}


def wrong_version(m: dict[str, Any]) -> None:
    m["manifestVersion"] = "1.22"


def thirteen_commands(m: dict[str, Any]) -> None:
    commands = m["bots"][0]["commandLists"][0]["commands"]
    commands.extend({"title": f"more {n}", "description": "Teams lists at most 12"}
                    for n in range(13 - len(commands)))


def unknown_rsc_type(m: dict[str, Any]) -> None:
    m["authorization"]["permissions"]["resourceSpecific"][0]["type"] = "Delegated-ish"


def no_web_application_id(m: dict[str, Any]) -> None:
    del m["webApplicationInfo"]["id"]


def unknown_scope(m: dict[str, Any]) -> None:
    m["bots"][0]["scopes"].append("meeting")


@pytest.mark.parametrize(("change", "says"), [
    (wrong_version, "/manifestVersion must be equal to constant"),
    (thirteen_commands, "/bots/0/commandLists/0/commands must NOT have more than 12 items"),
    (unknown_rsc_type, "/authorization/permissions/resourceSpecific/0/type must be equal to one"),
    (no_web_application_id, "/webApplicationInfo must have required property 'id'"),
    (unknown_scope, "/bots/0/scopes/3 must be equal to one of the allowed values"),
])
def test_an_invalid_manifest_fails_naming_the_problem(
    unpacked: Path, change: Any, says: str
) -> None:
    rewrite(unpacked, "manifest.json", change)
    code, files, _ = validate(unpacked)
    assert code == 1
    assert any(problem.startswith(says) for problem in files["manifest.json"]), files


def test_an_invalid_translation_fails(unpacked: Path) -> None:
    rewrite(unpacked, "de-de.json", lambda d: d.update({"name.short": "L" * 31}))
    code, files, _ = validate(unpacked)
    assert code == 1
    assert files["de-de.json"] == [
        '/name.short must NOT have more than 30 characters. Details: {"limit":30}']
    assert files["manifest.json"] == files["sv-se.json"] == []


def test_a_manifest_naming_no_published_schema_is_refused(unpacked: Path) -> None:
    rewrite(unpacked, "manifest.json", lambda m: m.update({"$schema": "https://example.org/x"}))
    code, files, _ = validate(unpacked)
    assert code == 1 and files["manifest.json"][0].startswith("/$schema must name")


def test_an_unreadable_package_is_an_error_not_a_pass(tmp_path: Path) -> None:
    code, _, stderr = validate(tmp_path)
    assert code == 2 and "manifest.json" in stderr


assert APP_ID != BOT_ID  # the fixture's package keeps the two ids apart
