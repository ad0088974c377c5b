"""View models: display-ready, already translated primitives. No clock, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandHelp:
    command: str
    description: str


@dataclass(frozen=True)
class HelpView:
    title: str
    intro: str
    commands_heading: str
    commands: tuple[CommandHelp, ...]
    cycle_heading: str
    cycle: tuple[str, ...]
    privacy_note: str
    notice: str | None = None  # e.g. "I did not understand that", shown above the help


@dataclass(frozen=True)
class WelcomeView:
    title: str
    greeting: str
    points: tuple[str, ...]
    help_button: str
