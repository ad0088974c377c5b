"""Where traces and metrics go: Application Insights, the console, or nowhere.

OpenTelemetry's providers are process-wide: the Agents SDK and kiota (msgraph-sdk) take their
tracers from the global API at import, so the one place that installs providers is here, once
per process, called by `bootstrap`. Without a provider every span and instrument is the API's
no-op, which is what "nowhere" means: nothing is recorded and nearly nothing is spent.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

import structlog
from kiota_http.observability_options import ObservabilityOptions
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import Sampler
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from teams_app.settings import Settings
from teams_app.telemetry.privacy import PrivacySpanProcessor, metric_views

log = structlog.get_logger()

Mode = Literal["azure_monitor", "console", "off"]

SERVICE_NAME = "learning-loop"  # App Insights' cloud_RoleName
# The Azure Monitor distro instruments these libraries by default. None is ours to trace:
# httpx carries Graph's full URLs (people's ids, UPNs, $filter values) and our own Graph
# middleware records the same calls without them; the rest are not used here.
_DISTRO_INSTRUMENTATIONS = (
    "azure_sdk", "django", "fastapi", "flask", "httpx", "httpx2", "psycopg2", "requests",
    "urllib", "urllib3",
)
# Logs are not sent through OpenTelemetry: they go to stderr as JSON lines, which App Service
# ships to Log Analytics (AppServiceConsoleLogs). The distro attaches its log handler to the
# logger it is given; this one nobody writes to.
_NO_LOGS_LOGGER = "learning_loop.telemetry.unused"

# kiota (under msgraph-sdk) opens a span for every middleware of every Graph request, about 17
# per call; our middleware's one span per request says what an admin needs (graph/telemetry.py).
_QUIET_SCOPES = frozenset({ObservabilityOptions.get_tracer_instrumentation_name()})

_lock = threading.Lock()
_installed: Mode | None = None
_recording = False


def recording() -> bool:
    """Whether providers are installed. Without them our signals skip even the API's no-op
    spans: a job or a turn then pays a function call, not a span's context switch."""
    return _recording


def telemetry_mode(settings: Settings) -> Mode:
    if settings.telemetry == "off":
        return "off"
    if settings.telemetry == "console":
        return "console"
    return "azure_monitor" if settings.applicationinsights_connection_string else "off"


def configure_telemetry(settings: Settings) -> Mode:
    """Install the providers the settings ask for, once per process (a second call, as tests
    and the CLI bootstrap several times, keeps the first)."""
    global _installed
    mode = telemetry_mode(settings)
    with _lock:
        if _installed is not None or mode == "off":
            return _installed or mode
        if mode == "azure_monitor":
            _install_azure_monitor(settings.applicationinsights_connection_string or "")
        else:
            _install_console()
        _installed = mode
    log.info("telemetry_configured", mode=mode)
    return mode


def install_providers(
    *,
    span_processors: Sequence[SpanProcessor],
    metric_readers: Sequence[MetricReader],
    sampler: Sampler | None = None,
) -> None:
    """The providers with our privacy rules in front of the given exporters (the console, or
    a test's in-memory ones)."""
    global _recording
    resource = Resource.create({"service.name": SERVICE_NAME})
    tracer_provider = TracerProvider(resource=resource, sampler=sampler)
    tracer_provider.add_span_processor(PrivacySpanProcessor())
    for processor in span_processors:
        tracer_provider.add_span_processor(processor)
    _quiet_library_tracers(tracer_provider)
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(
        resource=resource, metric_readers=metric_readers, views=metric_views()
    ))
    _recording = True


def _install_console() -> None:
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    install_providers(
        span_processors=[BatchSpanProcessor(ConsoleSpanExporter())],
        metric_readers=[PeriodicExportingMetricReader(ConsoleMetricExporter())],
    )


def _install_azure_monitor(connection_string: str) -> None:
    # Imported here: the distro loads its exporters and resource detectors on import, which a
    # process that sends nowhere should not pay for.
    from azure.monitor.opentelemetry import configure_azure_monitor

    global _recording

    configure_azure_monitor(
        connection_string=connection_string,
        resource=Resource.create({"service.name": SERVICE_NAME}),
        span_processors=[PrivacySpanProcessor()],
        views=metric_views(),
        instrumentation_options={name: {"enabled": False} for name in _DISTRO_INSTRUMENTATIONS},
        logger_name=_NO_LOGS_LOGGER,
        # Live Metrics streams sample requests and exception texts past our privacy rules.
        enable_live_metrics=False,
    )
    _quiet_library_tracers(trace.get_tracer_provider())
    _recording = True


def _quiet_library_tracers(provider: object) -> None:
    """Switch off the tracers of `_QUIET_SCOPES`. The SDK's tracer configurator (OpenTelemetry's
    TracerConfigurator, still marked experimental in Python) is the only way to silence one
    library's spans; without it they would stay, cleaned by the privacy processor."""
    configure = getattr(provider, "_set_tracer_configurator", None)
    if configure is None:
        return
    from opentelemetry.sdk.trace import _TracerConfig

    def config(scope: InstrumentationScope) -> _TracerConfig:
        return _TracerConfig(is_enabled=scope.name not in _QUIET_SCOPES)

    configure(tracer_configurator=config)
