"""Proactive messages to Teams through the Bot Connector, within Teams' documented limits.

Sends go straight through a connector client rather than a proactive turn: a job has no turn to
continue, and the turn pipeline of SDK 1.9 marks `id` as set to null on every send, which the
connector rejects for new (non-reply) messages."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import aiohttp
from aiolimiter import AsyncLimiter
from microsoft_agents.activity import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from microsoft_agents.hosting.core import ChannelServiceClientFactoryBase
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from cards.elements import CONTENT_TYPE as ADAPTIVE_CARD
from teams_app import telemetry
from teams_app.domain.backoff import retry_after_seconds
from teams_app.domain.conversations import ChatMember, ConversationKind, ConversationRef
from teams_app.domain.messages import OutboundMessage
from teams_app.ports import ExternalServiceError, MessengerUnavailable, RecipientUnreachable

# Microsoft's guidance for the Bot Connector: retry these with exponential backoff.
TRANSIENT_STATUSES = frozenset({412, 429, 502, 504})
GONE_STATUSES = frozenset({403, 404})
_MAX_TRACKED_CONVERSATIONS = 10_000


@dataclass(frozen=True)
class SendLimits:
    per_conversation_rate: float = 7.0
    per_conversation_burst: int = 7
    per_conversation_per_30s: int = 60
    per_tenant_rate: float = 30.0
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0


class _Transient(Exception):
    def __init__(self, status: int | None, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


class TeamsMessenger:
    def __init__(
        self,
        client_factory: ChannelServiceClientFactoryBase,
        *,
        app_id: str | None,
        limits: SendLimits,
        member_id_format: str = "{object_id}",
    ) -> None:
        self._factory = client_factory
        self._app_id = app_id or ""
        self._member_id_format = member_id_format
        self._limits = limits
        self._conversation_limiters: OrderedDict[str, tuple[AsyncLimiter, AsyncLimiter]] = (
            OrderedDict()
        )
        self._tenant_limiters: dict[str, AsyncLimiter] = {}

    async def send(self, ref: ConversationRef, message: OutboundMessage) -> str | None:
        activity = outbound_activity(ref, message)
        with _observed("send"):
            return await self._with_retries(ref, activity, None)

    async def update(
        self, ref: ConversationRef, activity_id: str, message: OutboundMessage
    ) -> None:
        """Replaces the message `activity_id` (PUT .../activities/{id}); same limits and
        retries as a send, since Teams counts updates against the same budgets."""
        activity = outbound_activity(ref, message)
        activity.id = activity_id
        with _observed("update"):
            await self._with_retries(ref, activity, activity_id)

    async def open_personal_chat(
        self, user_id: str, *, tenant_id: str | None, service_url: str, bot_id: str | None = None
    ) -> ConversationRef:
        """POST /v3/conversations with the person as the one member. Teams takes their Entra
        object id once the app is installed for them; the same retries as a send."""
        bot = {"id": bot_id or f"28:{self._app_id}", "role": "bot"}
        member = {"id": self._member_id_format.format(object_id=user_id), "aadObjectId": user_id}
        body: dict[str, Any] = {"bot": bot, "isGroup": False, "members": [member]}
        if tenant_id:
            body["tenantId"] = tenant_id
            body["channelData"] = {"tenant": {"id": tenant_id}}
        retrying = self._retrying()
        conversation_id = ""
        with _observed("open_chat"):
            try:
                async for attempt in retrying:
                    with attempt:
                        conversation_id = await self._create_once(service_url, tenant_id, body)
            except _Transient as error:
                raise MessengerUnavailable("teams", error.status) from None
        reference = ConversationReference(
            channel_id="msteams",
            service_url=service_url,
            agent=ChannelAccount(id=bot["id"], role="bot"),
            user=ChannelAccount(id=member["id"], aad_object_id=user_id, role="user"),
            conversation=ConversationAccount(
                id=conversation_id, conversation_type="personal", tenant_id=tenant_id
            ),
        )
        return ConversationRef(
            conversation_id=conversation_id,
            kind=ConversationKind.PERSONAL,
            channel_id="msteams",
            service_url=service_url,
            user_id=user_id,
            tenant_id=tenant_id,
            reference=reference.model_dump(by_alias=True, exclude_none=True, mode="json"),
        )

    async def members(self, ref: ConversationRef) -> list[ChatMember]:
        """The people in a chat or channel (GET /v3/conversations/{id}/members): everyone with
        an Entra object id; bots and guests without one are left out. RecipientUnreachable
        when the bot is no longer in the conversation."""
        retrying = self._retrying()
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._members_once(ref)
        except _Transient as error:
            raise MessengerUnavailable("teams", error.status) from None
        return []  # unreachable: tenacity either returns or re-raises

    async def _members_once(self, ref: ConversationRef) -> list[ChatMember]:
        async with self._tenant_limiter(ref.tenant_id or ""):
            client = await self._client(ref.service_url)
            try:
                accounts = await client.conversations.get_conversation_members(
                    ref.conversation_id)
            except aiohttp.ClientResponseError as error:
                _raise_for(error)
            except (aiohttp.ClientConnectionError, TimeoutError):
                raise _Transient(None, None) from None
        members = []
        for account in accounts:
            # Teams names the Entra object id `objectId` in this list (TeamsChannelAccount),
            # not `aadObjectId` as on an activity's sender.
            extra = account.model_extra or {}
            object_id = account.aad_object_id or extra.get("objectId")
            if isinstance(object_id, str) and object_id and account.role != "bot":
                members.append(ChatMember(object_id, account.name))
        return members

    async def _create_once(
        self, service_url: str, tenant_id: str | None, body: dict[str, Any]
    ) -> str:
        async with self._tenant_limiter(tenant_id or ""):
            client = await self._client(service_url)
            # The SDK's create_conversation does not raise on an error answer; the session
            # under it does what a send does, with the status kept.
            try:
                async with client.conversations.client.post(
                    "v3/conversations", json=body
                ) as response:
                    if response.status in TRANSIENT_STATUSES or response.status == 401:
                        retry_after = response.headers.get("Retry-After")
                        raise _Transient(response.status, retry_after_seconds(retry_after))
                    if response.status in GONE_STATUSES:
                        raise RecipientUnreachable("teams", response.status)
                    if response.status >= 400:
                        raise ExternalServiceError("teams", response.status)
                    answer = await response.json(content_type=None)
            except (aiohttp.ClientConnectionError, TimeoutError):
                raise _Transient(None, None) from None
        conversation_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(conversation_id, str) or not conversation_id:
            raise ExternalServiceError("teams", response.status)
        return conversation_id

    async def _with_retries(
        self, ref: ConversationRef, activity: Activity, update_of: str | None
    ) -> str | None:
        retrying = self._retrying()
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._send_once(ref, activity, update_of)
        except _Transient as error:
            raise MessengerUnavailable("teams", error.status) from None
        return None  # unreachable: tenacity either returns or re-raises

    async def _send_once(
        self, ref: ConversationRef, activity: Activity, update_of: str | None = None
    ) -> str | None:
        per_second, per_30s = self._conversation_limiters_for(ref.conversation_id)
        async with self._tenant_limiter(ref.tenant_id or ""), per_30s, per_second:
            client = await self._client(ref.service_url)
            try:
                if update_of is None:
                    response = await client.conversations.send_to_conversation(
                        ref.conversation_id, activity
                    )
                else:
                    response = await client.conversations.update_activity(
                        ref.conversation_id, update_of, activity
                    )
            except aiohttp.ClientResponseError as error:
                _raise_for(error)
            except (aiohttp.ClientConnectionError, TimeoutError):
                raise _Transient(None, None) from None
        return response.id or None

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self._limits.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda error: isinstance(error, _Transient)),
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_random_exponential(
            multiplier=self._limits.base_delay, max=self._limits.max_delay
        )(state)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Transient) and error.retry_after is not None:
            # Retry-After is the service telling us the earliest useful moment.
            return max(min(error.retry_after, self._limits.max_delay * 4), backoff)
        return max(backoff, self._limits.base_delay / 2)

    def _conversation_limiters_for(self, conversation_id: str) -> tuple[AsyncLimiter, AsyncLimiter]:
        # Teams limits each conversation per second and per 30 seconds; both must hold.
        limiter = self._conversation_limiters.get(conversation_id)
        if limiter is None:
            burst = self._limits.per_conversation_burst
            limiter = (
                AsyncLimiter(burst, burst / self._limits.per_conversation_rate),
                AsyncLimiter(self._limits.per_conversation_per_30s, 30),
            )
            self._conversation_limiters[conversation_id] = limiter
            while len(self._conversation_limiters) > _MAX_TRACKED_CONVERSATIONS:
                self._conversation_limiters.popitem(last=False)
        else:
            self._conversation_limiters.move_to_end(conversation_id)
        return limiter

    def _tenant_limiter(self, tenant_id: str) -> AsyncLimiter:
        limiter = self._tenant_limiters.get(tenant_id)
        if limiter is None:
            rate = self._limits.per_tenant_rate
            limiter = AsyncLimiter(max(1.0, rate), max(1.0, rate) / rate)
            self._tenant_limiters[tenant_id] = limiter
        return limiter

    async def _client(self, service_url: str) -> ConnectorClientBase:
        # The factory pools clients per service URL and token (see connector_pool.py).
        claims = (
            ClaimsIdentity({"aud": self._app_id, "appid": self._app_id}, "Bearer")
            if self._app_id
            else ClaimsIdentity()
        )
        return await self._factory.create_connector_client(
            None,
            claims,
            service_url,
            claims.get_token_audience(),
            use_anonymous=not self._app_id,
        )


@contextmanager
def _observed(operation: str) -> Iterator[None]:
    """The send's outcome for telemetry: delivered, or why not as a status code."""
    with telemetry.send(operation) as record:
        try:
            yield
        except RecipientUnreachable as error:
            record.outcome, record.reason = "unreachable", _status_code(error.status)
            raise
        except MessengerUnavailable as error:
            record.outcome, record.reason = "unavailable", _status_code(error.status)
            raise
        except ExternalServiceError as error:
            record.outcome, record.reason = "failed", _status_code(error.status)
            raise


def _status_code(status: int | None) -> str:
    return f"http_{status}" if status else "connection"


def outbound_activity(ref: ConversationRef, message: OutboundMessage) -> Activity:
    reference = ConversationReference.model_validate(ref.reference)
    fields: dict[str, Any] = {
        "type": "message",
        "channel_id": reference.channel_id or ref.channel_id,
        "service_url": reference.service_url or ref.service_url,
        "conversation": reference.conversation,
        "from_property": reference.agent,
        "recipient": reference.user,
    }
    if message.text:
        fields["text"] = message.text
    if message.card is not None:
        fields["attachments"] = [Attachment(content_type=ADAPTIVE_CARD, content=message.card)]
    if message.summary:
        fields["summary"] = message.summary
    return Activity(**{key: value for key, value in fields.items() if value is not None})



def _raise_for(error: aiohttp.ClientResponseError) -> NoReturn:
    if error.status in TRANSIENT_STATUSES:
        retry_after = error.headers.get("Retry-After") if error.headers else None
        raise _Transient(error.status, retry_after_seconds(retry_after)) from None
    if error.status == 401:
        # A token the connector no longer takes; the provider renews it on expiry.
        raise _Transient(error.status, None) from None
    if error.status in GONE_STATUSES:
        raise RecipientUnreachable("teams", error.status) from None
    raise ExternalServiceError("teams", error.status) from None
