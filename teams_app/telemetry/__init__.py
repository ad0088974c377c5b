"""Traces and metrics (OpenTelemetry): what is recorded (signals), where it goes (setup), and
what never leaves the process (privacy). The domain, use cases and ports never import it."""

from teams_app.telemetry.setup import configure_telemetry, install_providers, telemetry_mode
from teams_app.telemetry.signals import (
    TurnRecord,
    activity_type_label,
    job_run,
    send,
    turn,
    turn_failed,
    turn_route,
    unreachable,
)

__all__ = [
    "TurnRecord",
    "activity_type_label",
    "configure_telemetry",
    "install_providers",
    "job_run",
    "send",
    "telemetry_mode",
    "turn",
    "turn_failed",
    "turn_route",
    "unreachable",
]
