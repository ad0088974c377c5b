"""The one place that builds the Microsoft Graph client, and the guard every call goes through.

Production signs in with azure-identity (client secret, certificate, managed identity or
workload identity, chosen by settings). Local mode points the same msgraph-sdk client at the
emulator with a static token, so tests and the benchmark exercise the SDK's real pipeline:
serialisation, retry handler, paging, error mapping.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import (
    CertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    AuthenticationProvider,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from kiota_abstractions.request_option import RequestOption
from kiota_abstractions.serialization import ParsableFactory
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.kiota_client_factory import KiotaClientFactory
from kiota_http.middleware import BaseMiddleware, RetryHandler
from kiota_http.middleware.middleware import REQUEST_OPTIONS_KEY
from kiota_http.middleware.options import RetryHandlerOption, UrlReplaceHandlerOption
from kiota_http.observability_options import ObservabilityOptions
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph._version import VERSION as SDK_VERSION
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_core import APIVersion, GraphClientFactory
from msgraph_core.middleware import GraphTelemetryHandler
from msgraph_core.middleware.options import GraphTelemetryHandlerOption

from graph.errors import TRANSLATABLE, Operation, retry_after_seconds, translate
from graph.limits import GraphLimits
from graph.sharepoint_pacing import SharePointPacing
from graph.telemetry import GraphRequestTelemetry
from teams_app.domain.backoff import retry_delay
from teams_app.settings import LOOPBACK_HOSTS, Settings

T = TypeVar("T")

_RETRY_CAP_SECONDS = 60.0  # longest backoff when Graph sends no Retry-After
# Operations that change nothing, so sending them again after a lost connection is safe.
READS = frozenset({
    Operation.MAILBOX_SETTINGS, Operation.FREE_BUSY, Operation.READ_EVENTS,
    Operation.READ_USERS, Operation.READ_GROUP_MEMBERS, Operation.READ_MEMBER_GROUPS,
    Operation.READ_SITE, Operation.READ_ITEMS, Operation.READ_APP_CHAT,
})
_ERROR_MAP: dict[str, type[ParsableFactory]] = {"XXX": ODataError}


class StaticTokenProvider(AccessTokenProvider):
    """A fixed bearer token, for the local emulator only (see `build_graph`)."""

    def __init__(self, token: str, allowed_hosts: list[str]) -> None:
        self._token = token
        self._hosts = AllowedHostsValidator(allowed_hosts)

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] | None = None
    ) -> str:
        # Never hand the token to a host we were not configured for (a stored nextLink or
        # deltaLink pointing elsewhere gets no token).
        return self._token if self._hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts


class RetryAfterHandler(RetryHandler):
    """The SDK's retry handler (429, 503, 504, every method) with two corrections:

    - Graph may send a fractional Retry-After ("0.5"); the SDK parses whole seconds only and
      otherwise falls back to its own backoff, which ignores the server's hint.
    - Without Retry-After, full-jitter exponential backoff (the same formula the job queue
      uses) instead of the SDK's 3 s base delay plus up to 1 s of jitter.

    Retrying POST is safe for event creates because every create carries a transactionId.
    A Retry-After of 180 s or more is not waited for here: the request fails as GraphThrottled
    with `retry_after`, and the job is rescheduled instead of holding a connection.
    """

    def __init__(self, options: RetryHandlerOption, *, backoff_seconds: float) -> None:
        super().__init__(options)
        self._backoff = backoff_seconds

    def get_delay_time(
        self,
        retry_count: int,
        response: httpx.Response | None = None,
        delay: float = 0.0,
    ) -> float:
        hinted = retry_after_seconds(dict(response.headers)) if response is not None else None
        if hinted is not None and hinted > 0:
            return hinted
        return retry_delay(
            retry_count + 1, base=self._backoff, cap=_RETRY_CAP_SECONDS, rand=random.random()
        )


class ReadTimeoutOption(RequestOption):
    """A read timeout for one request instead of the client's (`graph_timeout_seconds`).

    A `$batch` sends nothing back until all its inner requests are done, so it needs the
    time of several requests, not of one (graph/batch.py sizes it)."""

    KEY = "LearningLoopReadTimeout"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    @staticmethod
    def get_key() -> str:
        return ReadTimeoutOption.KEY


class ReadTimeoutHandler(BaseMiddleware):
    """Applies a request's `ReadTimeoutOption`: httpx reads the timeout of each request from
    its `timeout` extension, which the client filled with its own default."""

    async def send(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport
    ) -> httpx.Response:
        options = request.extensions.get(REQUEST_OPTIONS_KEY) or {}
        option = options.get(ReadTimeoutOption.KEY)
        if isinstance(option, ReadTimeoutOption):
            timeout = dict(request.extensions.get("timeout") or {})
            timeout["read"] = option.seconds
            request.extensions["timeout"] = timeout
        return await super().send(request, transport)


@dataclass
class GraphConnection:
    """The Graph client plus the limits every adapter applies around its requests."""

    client: GraphServiceClient
    limits: GraphLimits
    base_url: str
    http: httpx.AsyncClient = field(repr=False)
    credential: AsyncTokenCredential | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0  # one request's (`graph_timeout_seconds`)
    # Reads sent again when the connection drops or stalls on the way (`graph_max_retries`);
    # the SDK's retry handler only retries answers (429, 503, 504), never a lost connection.
    read_retries: int = 3
    retry_backoff_seconds: float = 0.5

    async def call(
        self,
        operation: Operation,
        request: Callable[[], Awaitable[T]],
        *,
        mailbox: str | None = None,
    ) -> T:
        """Run one Graph request inside the limits; SDK and transport errors become port errors.

        Mailbox-scoped requests take one of that mailbox's slots (Outlook allows 4 concurrent
        requests per app per mailbox) before a global slot, so a queue for one busy mailbox
        never holds global capacity that other mailboxes could use. The slots stay taken while
        the SDK's retry handler waits out a Retry-After: the mailbox is throttled anyway, and
        releasing them would only let other requests for it join the 429s. Callers should name
        a mailbox the same way every time (the object id), as the limit cannot tell a UPN and
        an id apart.
        """
        limit = self.limits.mailbox(mailbox) if mailbox else self.limits.tenant()
        retries = self.read_retries if operation in READS else 0
        async with limit:
            for attempt in range(retries + 1):
                try:
                    return await request()
                except httpx.TransportError as exc:
                    if attempt == retries:
                        raise translate(exc, operation) from exc
                    await asyncio.sleep(retry_delay(
                        attempt + 1, base=self.retry_backoff_seconds, cap=_RETRY_CAP_SECONDS,
                        rand=random.random(),
                    ))
                except TRANSLATABLE as exc:
                    raise translate(exc, operation) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def call_json(
        self,
        operation: Operation,
        info: RequestInformation,
        *,
        mailbox: str | None = None,
    ) -> dict[str, Any]:
        """Send a request built by the SDK (request builder or `request_for_url`) through the
        SDK's adapter and middleware, and read the answer as plain JSON.

        For the high-volume reads (events, people, list items): the generated models'
        deserialiser costs ~20 ms of CPU per entity (Entity.get_field_deserializers runs
        ~2,400 import statements on every call; msgraph-sdk-python issue #584), which caps one
        process at ~50 events/s. The adapters map the JSON to domain values themselves.
        """
        adapter = self.client.request_adapter

        async def send() -> dict[str, Any]:
            raw = await adapter.send_primitive_async(info, "bytes", _ERROR_MAP)
            return json.loads(raw) if raw else {}

        return await self.call(operation, send, mailbox=mailbox)

    def request_for_url(
        self, url: str, *, headers: Mapping[str, str] | None = None
    ) -> RequestInformation:
        """A GET for an absolute URL Graph handed out (@odata.nextLink, @odata.deltaLink)."""
        info = RequestInformation(Method.GET)
        info.url = url
        info.headers.try_add("Accept", "application/json")
        for name, value in (headers or {}).items():
            info.headers.add(name, value)
        return info

    async def call_batch(
        self,
        operation: Operation,
        request: Callable[[], Awaitable[T]],
        *,
        mailbox_requests: Mapping[str, int],
    ) -> T:
        """A `$batch`: Graph throttles each inner request against its own mailbox, so the batch
        holds as many slots of each mailbox as it carries requests for it."""
        async with self.limits.mailboxes(mailbox_requests):
            try:
                return await request()
            except TRANSLATABLE as exc:
                raise translate(exc, operation) from exc

    async def aclose(self) -> None:
        await self.http.aclose()
        if self.credential is not None:
            await self.credential.close()


def build_graph(settings: Settings) -> GraphConnection:
    """Build the Graph client the settings describe. Nothing is sent until the first call."""
    base_url = settings.graph_base_url.rstrip("/")
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    credential: AsyncTokenCredential | None = None
    auth: AuthenticationProvider
    if settings.graph_auth == "static":
        if not settings.graph_static_token:
            raise ValueError("graph_auth=static needs LEARNING_LOOP_GRAPH_STATIC_TOKEN")
        if host not in LOOPBACK_HOSTS:
            # A static token is a test fixture; a real tenant gets azure-identity tokens.
            raise ValueError(
                "graph_auth=static is for the local emulator; LEARNING_LOOP_GRAPH_BASE_URL must "
                f"point to loopback (127.0.0.1, localhost, ::1), not {host!r}"
            )
        netloc = parts.netloc
        auth = BaseBearerTokenAuthenticationProvider(
            StaticTokenProvider(settings.graph_static_token, sorted({host, netloc}))
        )
    else:
        if parts.scheme != "https":
            raise ValueError("Microsoft Graph is only reached over https")
        credential = build_credential(settings)
        auth = AzureIdentityAuthenticationProvider(
            credential, scopes=[f"https://{host}/.default"], allowed_hosts=[host]
        )
    http = build_http_client(settings)
    adapter = GraphRequestAdapter(auth, client=http)
    # kiota's spans would carry each request's full URL (people's ids, UPNs, $filter values).
    adapter.observability_options = ObservabilityOptions(include_euii_attributes=False)
    adapter.base_url = base_url
    limits = GraphLimits(
        per_mailbox=settings.graph_mailbox_concurrency,
        total=settings.graph_global_concurrency,
    )
    return GraphConnection(
        client=GraphServiceClient(request_adapter=adapter),
        limits=limits,
        base_url=base_url,
        http=http,
        credential=credential,
        timeout_seconds=settings.graph_timeout_seconds,
        read_retries=settings.graph_max_retries,
        retry_backoff_seconds=settings.graph_retry_backoff_seconds,
    )


def build_credential(settings: Settings) -> AsyncTokenCredential:
    tenant, client_id = settings.graph_tenant_id, settings.graph_client_id
    match settings.graph_auth:
        case "secret":
            if not (tenant and client_id and settings.graph_client_secret):
                raise ValueError("graph_auth=secret needs GRAPH_TENANT_ID, _CLIENT_ID, _SECRET")
            return ClientSecretCredential(tenant, client_id, settings.graph_client_secret)
        case "certificate":
            if not (tenant and client_id and settings.graph_certificate_path):
                raise ValueError(
                    "graph_auth=certificate needs GRAPH_TENANT_ID, _CLIENT_ID, _CERTIFICATE_PATH"
                )
            return CertificateCredential(
                tenant,
                client_id,
                str(settings.graph_certificate_path),
                password=settings.graph_certificate_password,
            )
        case "managed_identity":
            # A user-assigned identity names its client id; the system-assigned one needs none.
            return ManagedIdentityCredential(client_id=client_id)
        case "workload_identity":
            # Tenant, client id and token file default to the AZURE_* variables that the
            # AKS workload identity webhook injects.
            return WorkloadIdentityCredential(tenant_id=tenant, client_id=client_id)
        case other:
            raise ValueError(f"graph_auth={other} has no azure-identity credential")


def build_http_client(settings: Settings) -> httpx.AsyncClient:
    """httpx with the SDK's default middleware, our retry handler and the configured timeout."""
    timeout = settings.graph_timeout_seconds
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        # Enough connections for every global slot; more would only queue inside httpx.
        limits=httpx.Limits(
            max_connections=settings.graph_global_concurrency + 4,
            max_keepalive_connections=settings.graph_global_concurrency,
        ),
    )
    retry_option = RetryHandlerOption(delay=0.0, max_retries=settings.graph_max_retries)
    options = {
        # As msgraph's own GraphRequestAdapter configures them.
        UrlReplaceHandlerOption.get_key(): UrlReplaceHandlerOption(
            enabled=True, replacement_pairs={"/users/me-token-to-replace": "/me"}
        ),
        RetryHandlerOption.get_key(): retry_option,
    }
    middleware = [
        RetryAfterHandler(retry_option, backoff_seconds=settings.graph_retry_backoff_seconds)
        if isinstance(handler, RetryHandler)
        else handler
        for handler in KiotaClientFactory.get_default_middleware(options)  # type: ignore[arg-type]
    ]
    middleware.append(ReadTimeoutHandler())
    middleware.append(SharePointPacing())  # inside the retry handler: every try is paced
    middleware.append(GraphRequestTelemetry())  # innermost: every try is counted
    middleware.append(
        GraphTelemetryHandler(
            options=GraphTelemetryHandlerOption(api_version=APIVersion.v1, sdk_version=SDK_VERSION)
        )
    )
    return GraphClientFactory.create_with_custom_middleware(middleware, client=client)
