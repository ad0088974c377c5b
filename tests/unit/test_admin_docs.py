"""What the admin guide (and the README) tell admins to type exists: every `learning-loop ...`
command with each of its `--options`, and every `LEARNING_LOOP_*` setting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from teams_app.cli.main import app
from teams_app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "docs" / "admin-guide.md", ROOT / "README.md", ROOT / "infra" / "README.md"]
# Commands another change adds in parallel; the guide may name them before they exist here.
BEING_ADDED = {"doctor"}

_FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_INLINE = re.compile(r"`([^`\n]+)`")
# At the start of a line or code span, as typed (`.venv/bin/learning-loop` too); not as an
# argument of another command (`--resource-group learning-loop`) or in a file name.
_INVOCATION = re.compile(r"^\s*(?:\S*/)?learning-loop(?=\s|$)((?:\s+[^\s`|]+)*)")
_SETTING = re.compile(r"\bLEARNING_LOOP_[A-Z0-9_]*[A-Z0-9]\b")


def code_of(text: str) -> list[str]:
    """Each fenced block's lines (continuations joined) and each inline code span."""
    spans: list[str] = []
    for block in _FENCE.findall(text):
        spans += block.replace("\\\n", " ").splitlines()
    spans += _INLINE.findall(_FENCE.sub("", text))
    return spans


def invocations(text: str) -> list[list[str]]:
    found = []
    for span in code_of(text):
        match = _INVOCATION.match(span)
        if match and match.group(1).split():  # the bare name is prose, not an invocation
            found.append(match.group(1).split())
    return found


def subcommands(command: Any) -> dict[str, Any] | None:
    """A group's commands by name (None for a command): typer's own copy of click's API."""
    return getattr(command, "commands", None)


def unknown_parts(words: list[str], root: Any) -> list[str]:
    """The command path and options of one invocation that the command line does not have."""
    command, path = root, []
    for word in words:
        if subcommands(command) is None or word.startswith("-"):
            break
        sub = subcommands(command).get(word)
        if sub is None:
            if command is root and word in BEING_ADDED:
                return []
            if command is root or not path:
                return [f"learning-loop {' '.join(path + [word])}"]
            break  # an argument of a group's default, e.g. a job id
        command, path = sub, path + [word]
    if subcommands(command) is not None:
        return []  # a group named alone ("`learning-loop plan` commands")
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    return [f"learning-loop {' '.join(path)} {word.split('=')[0]}" for word in words
            if word.startswith("--") and word.split("=")[0] not in options]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_and_option_the_docs_name_exists(doc: Path) -> None:
    root = typer.main.get_command(app)
    named = invocations(doc.read_text(encoding="utf-8"))
    assert named, "no learning-loop command found: is the parser still reading the doc?"
    missing = sorted({part for words in named for part in unknown_parts(words, root)})
    assert missing == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_setting_the_docs_name_exists(doc: Path) -> None:
    fields = {f"LEARNING_LOOP_{name.upper()}" for name in Settings.model_fields}
    named = set(_SETTING.findall(doc.read_text(encoding="utf-8")))
    assert named - fields == set()


def test_the_checks_catch_a_made_up_command_option_and_setting() -> None:
    root = typer.main.get_command(app)
    text = ("Run `learning-loop provision --site x --dry-run`, then\n```\nlearning-loop "
            "plans shw 1\nlearning-loop doctor\n```\nand set `LEARNING_LOOP_NOPE`.")
    missing = sorted({part for words in invocations(text) for part in unknown_parts(words, root)})
    assert missing == ["learning-loop plans", "learning-loop provision --dry-run"]
    assert set(_SETTING.findall(text)) == {"LEARNING_LOOP_NOPE"}


def test_the_guide_is_linked_from_the_readme() -> None:
    assert "docs/admin-guide.md" in (ROOT / "README.md").read_text(encoding="utf-8")
