"""The Teams app package: valid against Microsoft's manifest and localization schemas, the zip
layout Teams expects, icons of the right size and kind, and clear refusals of bad build inputs.

The schemas come from the npm package @microsoft/app-manifest (a devDependency in
tools/playground, installed by scripts/setup). They declare draft-04 but use draft-06's `const`,
so they are checked with a draft-07 validator; a draft-04 one would let a wrong manifestVersion
through.
"""

from __future__ import annotations

import json
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from manifest.package import (
    DeveloperInfo,
    InvalidPackageInput,
    build_app_package,
    manifest_dir,
    render_manifest,
)
from teams_app.cli.main import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tools/playground/node_modules/@microsoft/app-manifest/build/json-schemas/teams"
APP_ID = "5f0c3a9e-7b21-4d8c-a6e4-2c9b1d0e8f37"
BOT_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
HOST = "learningloop.contoso.com"
DEVELOPER = DeveloperInfo(
    name="Contoso Learning",
    website_url="https://www.contoso.com/learning-loop",
    privacy_url="https://www.contoso.com/privacy",
    terms_of_use_url="https://www.contoso.com/terms",
)
LANGUAGES = ("sv-se", "nl-nl", "de-de")
PACKAGE_FILES = {"manifest.json", "color.png", "outline.png"} | {f"{tag}.json" for tag in LANGUAGES}


def build(out: Path, **overrides: Any) -> Path:
    inputs: dict[str, Any] = {"app_id": APP_ID, "bot_id": APP_ID, "host": HOST,
                              "version": "1.4.2", "developer": DEVELOPER}
    return build_app_package(**(inputs | overrides), out=out)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    path = build(tmp_path_factory.mktemp("package") / "learning-loop.zip", bot_id=BOT_ID)
    with zipfile.ZipFile(path) as archive:
        archive.testzip()
        yield archive


@pytest.fixture(scope="module")
def manifest(package: zipfile.ZipFile) -> dict[str, Any]:
    return json.loads(package.read("manifest.json").decode("utf-8"))


def official_schema(version: str, name: str) -> Draft7Validator:
    path = SCHEMAS / f"v{version}" / f"MicrosoftTeams.{name}schema.json"
    if not path.is_file():
        reason = f"{path} is missing (scripts/setup installs @microsoft/app-manifest from npm)"
        if os.environ.get("CI") or os.geteuid() == 0:
            pytest.fail(reason)
        pytest.skip(reason)
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8-sig")))


def problems_of(validator: Draft7Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(document)]


# -- the manifest ---------------------------------------------------------------------------------


def test_manifest_is_valid_against_the_official_schema(manifest: dict[str, Any]) -> None:
    validator = official_schema(manifest["manifestVersion"], "")
    assert problems_of(validator, manifest) == []
    version = manifest["manifestVersion"]
    assert manifest["$schema"].endswith(f"/v{version}/MicrosoftTeams.schema.json")


def test_the_schema_check_would_catch_a_wrong_manifest_version(manifest: dict[str, Any]) -> None:
    validator = official_schema(manifest["manifestVersion"], "")
    assert problems_of(validator, manifest | {"manifestVersion": "1.22"})


def test_manifest_carries_the_build_inputs(manifest: dict[str, Any]) -> None:
    assert manifest["id"] == APP_ID
    assert manifest["version"] == "1.4.2"
    assert manifest["developer"] == {
        "name": "Contoso Learning", "websiteUrl": "https://www.contoso.com/learning-loop",
        "privacyUrl": "https://www.contoso.com/privacy", "termsOfUseUrl": "https://www.contoso.com/terms",
    }
    assert manifest["validDomains"] == [HOST]
    assert manifest["webApplicationInfo"] == {"id": BOT_ID, "resource": f"api://{HOST}/{BOT_ID}"}
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert "${{" not in json.dumps(manifest)


PERSONAL_COMMANDS = ["help", "plan", "plans", "checkin", "feedback", "pulse", "campaigns",
                     "reflect", "my learning", "my data", "report", "partners"]
# In a team or a group chat the bot answers only these; plans, campaigns and a person's own
# learning and data name people, so it shows them in the personal chat only.
GROUP_COMMANDS = ["help", "reflect"]


def test_manifest_describes_the_bot_and_its_permissions(manifest: dict[str, Any]) -> None:
    assert manifest["name"] == {"short": "Learning Loop",
                                "full": "Learning Loop \u2013 continuous learning at work"}
    (bot,) = manifest["bots"]
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    titles = {command_list["scopes"][0]: [c["title"] for c in command_list["commands"]]
              for command_list in bot["commandLists"]}
    assert titles == {"personal": PERSONAL_COMMANDS, "team": GROUP_COMMANDS,
                      "groupChat": GROUP_COMMANDS}
    assert all(len(command_list["scopes"]) == 1 for command_list in bot["commandLists"])
    # Meeting start and end events reach the bot in the meeting's chat through this consent.
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "OnlineMeeting.ReadBasic.Chat", "type": "Application"}]
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "en-us"
    assert [language["languageTag"] for language in
            manifest["localizationInfo"]["additionalLanguages"]] == list(LANGUAGES)


# -- translations ---------------------------------------------------------------------------------


def localizable_texts(manifest: dict[str, Any]) -> dict[str, str]:
    """The manifest's strings that each translation file must cover, by localization key."""
    texts = {f"{part}.{size}": manifest[part][size]
             for part in ("name", "description") for size in ("short", "full")}
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            for field in ("title", "description"):
                texts[f"bots[0].commandLists[{i}].commands[{j}].{field}"] = command[field]
    return texts


@pytest.mark.parametrize("tag", LANGUAGES)
def test_translation_is_valid_complete_and_listed(
    tag: str, package: zipfile.ZipFile, manifest: dict[str, Any]
) -> None:
    translation = json.loads(package.read(f"{tag}.json").decode("utf-8"))
    version = manifest["manifestVersion"]
    assert problems_of(official_schema(version, "Localization."), translation) == []
    assert translation["$schema"].endswith(f"/v{version}/MicrosoftTeams.Localization.schema.json")
    assert {"languageTag": tag, "file": f"{tag}.json"} in (
        manifest["localizationInfo"]["additionalLanguages"])
    english = localizable_texts(manifest)
    assert set(translation) - {"$schema"} == set(english)
    for key, text in english.items():
        assert translation[key].strip(), key
        # The product name stays the same in every language, and so may a command word that
        # the language shares (feedback in Dutch and German).
        if key != "name.short" and not key.endswith(".title"):
            assert translation[key] != text, f"{tag} {key} is not translated"


def words_the_bot_understands() -> list[re.Pattern[str]]:
    from teams_app.bot.campaigns.create import KIND_WORDS
    from teams_app.bot.campaigns.reports import CAMPAIGNS_WORDS
    from teams_app.bot.partners.handlers import PARTNERS_WORDS
    from teams_app.bot.plans.handlers import PLAN_WORDS, PLANS_WORDS
    from teams_app.bot.presenters import HELP_WORDS
    from teams_app.bot.privacy import MY_DATA_WORDS
    from teams_app.bot.reflections.handlers import REFLECT_WORDS
    from teams_app.bot.reports.handlers import MY_LEARNING_WORDS, REPORT_WORDS

    help_words = re.compile("|".join(map(re.escape, HELP_WORDS)), re.IGNORECASE)
    return [help_words, PLAN_WORDS, PLANS_WORDS, CAMPAIGNS_WORDS, *KIND_WORDS.values(),
            MY_DATA_WORDS, MY_LEARNING_WORDS, REPORT_WORDS, PARTNERS_WORDS, REFLECT_WORDS]


def command_titles(tag: str) -> list[tuple[str, str]]:
    """(English title, title in `tag`) of every command; English from the template."""
    template = json.loads((manifest_dir() / "manifest.template.json").read_text("utf-8"))
    if tag == "en":
        translation: dict[str, str] = {}
    else:
        translation = json.loads((manifest_dir() / "locales" / f"{tag}.json").read_text("utf-8"))
    titles = []
    for i, command_list in enumerate(template["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            key = f"bots[0].commandLists[{i}].commands[{j}].title"
            titles.append((command["title"], translation.get(key, command["title"])))
    return titles


@pytest.mark.parametrize(("tag", "english", "title"), [
    pytest.param(tag, english, title, id=f"{tag}-{title}")
    for tag in ("en", *LANGUAGES) for english, title in dict(command_titles(tag)).items()
])
def test_every_command_title_is_a_word_the_bot_understands(
    tag: str, english: str, title: str
) -> None:
    assert any(words.fullmatch(title) for words in words_the_bot_understands()), (tag, title)


# -- the zip --------------------------------------------------------------------------------------


def test_zip_holds_every_file_at_its_root(
    package: zipfile.ZipFile, manifest: dict[str, Any]
) -> None:
    assert set(package.namelist()) == PACKAGE_FILES
    assert package.namelist()[0] == "manifest.json"
    assert set(manifest["icons"].values()) <= PACKAGE_FILES
    for language in manifest["localizationInfo"]["additionalLanguages"]:
        assert language["file"] in PACKAGE_FILES


def test_same_inputs_give_the_same_zip(tmp_path: Path) -> None:
    first = build(tmp_path / "a.zip").read_bytes()
    assert build(tmp_path / "b.zip").read_bytes() == first


def test_ids_and_host_are_normalised() -> None:
    manifest = render_manifest(app_id=APP_ID.upper(), bot_id=APP_ID.upper(),
                               host="LearningLoop.Contoso.com.", version="1.0.0",
                               developer=DEVELOPER)
    assert manifest["id"] == APP_ID
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": f"api://{HOST}/{APP_ID}"}


# -- icons ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        return tuple(self.rows[y][x * self.channels:(x + 1) * self.channels])


def read_png(data: bytes) -> Image:
    """A small PNG decoder for 8-bit RGB/RGBA, enough to check the icons independently of the
    code that wrote them."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, interlace) == (8, 0) and color_type in (2, 6)
    channels = 4 if color_type == 6 else 3
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(previous := bytes(line))
    return Image(width, height, channels, rows)


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 4:
        p = left + up - corner
        return min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
    return {0: 0, 1: left, 2: up, 3: (left + up) // 2}[kind]


def test_color_icon_is_192_square_and_opaque(package: zipfile.ZipFile) -> None:
    image = read_png(package.read("color.png"))
    assert (image.width, image.height) == (192, 192)
    if image.channels == 4:
        assert all(row[3::4] == b"\xff" * 192 for row in image.rows)
    colours = {image.pixel(x, y)[:3] for y in range(0, 192, 4) for x in range(0, 192, 4)}
    assert len(colours) > 2  # a drawing, not a flat square


def test_outline_icon_is_32_square_white_on_transparent(package: zipfile.ZipFile) -> None:
    image = read_png(package.read("outline.png"))
    assert (image.width, image.height, image.channels) == (32, 32, 4)
    pixels = [image.pixel(x, y) for y in range(32) for x in range(32)]
    assert all(pixel[:3] == (255, 255, 255) for pixel in pixels if pixel[3])
    alphas = [pixel[3] for pixel in pixels]
    assert alphas.count(0) > 32 * 32 // 3 and alphas.count(255) > 32 * 32 // 10
    border = [image.pixel(x, y)[3] for x in range(32) for y in (0, 31)]
    border += [image.pixel(x, y)[3] for y in range(32) for x in (0, 31)]
    assert set(border) == {0}


def test_committed_icons_match_their_generator() -> None:
    from manifest import make_icons

    for name, data in make_icons.icons():
        assert (manifest_dir() / "icons" / name).read_bytes() == data, (
            f"manifest/icons/{name} is out of date: run python manifest/make_icons.py")


# -- bad inputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "override", "says"), [
    ("app_id", {"app_id": "learning-loop"}, "must be a GUID"),
    ("app_id", {"app_id": "5f0c3a9e7b214d8ca6e42c9b1d0e8f37"}, "must be a GUID"),
    ("bot_id", {"bot_id": "{5f0c3a9e-7b21-4d8c-a6e4-2c9b1d0e8f37}"}, "must be a GUID"),
    ("version", {"version": "1.0"}, "MAJOR.MINOR.PATCH"),
    ("version", {"version": "1.0.0-beta.1"}, "without a pre-release"),
    ("version", {"version": "01.0.0"}, "MAJOR.MINOR.PATCH"),
    ("host", {"host": "https://learningloop.contoso.com"}, "without https://"),
    ("host", {"host": "learningloop.contoso.com/api"}, "without port or path"),
    ("host", {"host": "learningloop.contoso.com:443"}, "without port or path"),
    ("host", {"host": "localhost"}, "neither localhost nor an IP address"),
    ("host", {"host": "10.0.0.4"}, "neither localhost nor an IP address"),
    ("developer.name", {"developer": replace(DEVELOPER, name="  ")}, "must not be empty"),
    ("developer.name", {"developer": replace(DEVELOPER, name="C" * 33)}, "at most 32 characters"),
    ("developer.website_url", {"developer": replace(DEVELOPER, website_url="http://contoso.com")},
     "must be an https:// address"),
    ("developer.privacy_url", {"developer": replace(DEVELOPER, privacy_url="www.contoso.com/p")},
     "must be an https:// address"),
    ("developer.terms_of_use_url", {"developer": replace(DEVELOPER, terms_of_use_url="https://")},
     "must be an https:// address"),
])
def test_bad_input_is_refused_with_a_clear_message(
    tmp_path: Path, field: str, override: dict[str, Any], says: str
) -> None:
    out = tmp_path / "learning-loop.zip"
    with pytest.raises(InvalidPackageInput) as caught:
        build(out, **override)
    assert [problem.field for problem in caught.value.problems] == [field]
    assert says in str(caught.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(InvalidPackageInput) as caught:
        build(tmp_path / "x.zip", app_id="x", version="v1", host="http://x",
              developer=replace(DEVELOPER, privacy_url="http://contoso.com/privacy"))
    assert [p.field for p in caught.value.problems] == [
        "app_id", "host", "version", "developer.privacy_url"]


# -- the command line -----------------------------------------------------------------------------

CLI_INPUTS = ["--app-id", APP_ID, "--host", HOST, "--version", "1.0.0",
              "--developer-name", DEVELOPER.name, "--website-url", DEVELOPER.website_url,
              "--privacy-url", DEVELOPER.privacy_url, "--terms-url", DEVELOPER.terms_of_use_url]


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli_app, ["manifest", "build", *args])
    return result.exit_code, " ".join(result.output.split())


def test_cli_builds_the_package_and_prints_its_path(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "learning-loop.zip"
    code, output = run_cli(*CLI_INPUTS, "--out", str(out))
    assert code == 0, output
    assert output == str(out)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == manifest["webApplicationInfo"]["id"] == APP_ID


def test_cli_names_every_missing_input(tmp_path: Path) -> None:
    code, output = run_cli("--app-id", APP_ID, "--out", str(tmp_path / "x.zip"))
    assert code == 2
    assert ("Missing build inputs: --host, --version, --developer-name, --website-url, "
            "--privacy-url, --terms-url.") in output


def test_cli_refuses_bad_input_naming_the_option(tmp_path: Path) -> None:
    inputs = [*CLI_INPUTS]
    inputs[inputs.index("--privacy-url") + 1] = "http://www.contoso.com/privacy"
    inputs[inputs.index("--app-id") + 1] = "not-a-guid"
    code, output = run_cli(*inputs, "--out", str(tmp_path / "x.zip"))
    assert code == 2
    assert re.search(r"--app-id must be a GUID .*\(got 'not-a-guid'\)", output)
    assert "--bot-id" not in output  # it defaulted to --app-id: reported once
    assert "--privacy-url must be an https:// address" in output
    assert not (tmp_path / "x.zip").exists()
