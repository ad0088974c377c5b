"""A test driver for the Agents Playground's HTTP and WebSocket API (no browser).

It acts as the people in the Playground's config: sends their messages, card actions,
installations and custom activities, and collects what the bot sends back, per conversation,
from the Playground's WebSocket. Every call was checked against @microsoft/m365agentsplayground
0.2.28; the surprises are noted where they matter.

    async with PlaygroundClient(playground.url) as pg:
        await pg.send_text(pg.personal_chat_id, pg.current_user_id, "help")
        card = await pg.wait_for_message(pg.personal_chat_id, has_card)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import aiohttp

Message = dict[str, Any]
Predicate = Callable[[Message], bool]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
THREAD_SEPARATOR = ";messageid="  # channel replies live in "<channel id>;messageid=<post id>"


class PlaygroundApiError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} answered {status}: {body[:500]}")
        self.status = status
        self.body = body


# --- predicates and extractors ---------------------------------------------------------------


def adaptive_cards(message: Message) -> list[dict[str, Any]]:
    """The Adaptive Card contents attached to a bot message, in order."""
    attachments: list[dict[str, Any]] = message.get("attachments") or []
    return [
        a["content"]
        for a in attachments
        if a.get("contentType") == ADAPTIVE_CARD and isinstance(a.get("content"), dict)
    ]


def has_card(message: Message) -> bool:
    return bool(adaptive_cards(message))


def text_contains(fragment: str) -> Predicate:
    def matches(message: Message) -> bool:
        return fragment in (message.get("text") or "")

    return matches


def card_contains(fragment: str) -> Predicate:
    """Matches a message whose card JSON contains `fragment` (e.g. a title or a verb)."""

    def matches(message: Message) -> bool:
        return any(fragment in json.dumps(c, ensure_ascii=False) for c in adaptive_cards(message))

    return matches


def in_conversation(actual: str, wanted: str) -> bool:
    """True when `actual` is `wanted` or a reply thread of it (channel posts)."""
    return actual == wanted or actual.startswith(wanted + THREAD_SEPARATOR)


# --- the client ---------------------------------------------------------------------------------


class PlaygroundClient:
    def __init__(self, base_url: str, *, request_timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()
        self.frames: list[dict[str, Any]] = []  # every WebSocket frame, in arrival order
        self._mark = 0
        self.config: dict[str, Any] = {}

    # -- lifecycle

    async def connect(self) -> None:
        """Reads the Playground's config and subscribes to bot messages.

        The WebSocket does not replay history: only messages sent after this call are seen.
        """
        self._http = aiohttp.ClientSession(timeout=self._timeout)
        self.config = (await self._request("GET", "/_internal/v1/config"))["config"]
        ws_url = (
            "ws"
            + self.base_url.removeprefix("http")
            + ("/_ws_conversation/v1/conversations/stream")
        )
        self._ws = await self._http.ws_connect(ws_url, heartbeat=30)
        self._reader = asyncio.create_task(self._read(self._ws), name="playground-ws-reader")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        self._reader = self._ws = self._http = None

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for raw in ws:
            if raw.type is not aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(raw.data)
            if frame.get("action") not in ("createMessage", "updateMessage"):
                continue
            async with self._changed:
                self.frames.append(frame)
                self._changed.notify_all()

    # -- what the config says

    @property
    def bot_id(self) -> str:
        return str(self.config["bot"]["id"])

    @property
    def bot_name(self) -> str:
        return str(self.config["bot"]["name"])

    @property
    def current_user_id(self) -> str:
        return str(self.config["currentUser"]["id"])

    @property
    def current_user_aad_id(self) -> str:
        """The current user's directory object id (what Graph and the service key people by)."""
        return str(self.config["currentUser"]["aadObjectId"])

    @property
    def user_ids(self) -> list[str]:
        """The current user first, then the five other users."""
        return [self.current_user_id, *(str(u["id"]) for u in self.config["users"])]

    @property
    def personal_chat_id(self) -> str:
        return str(self.config["personalChat"]["id"])

    @property
    def group_chat_id(self) -> str:
        return str(self.config["groupChats"][0]["id"])

    @property
    def team_id(self) -> str:
        """The team's id, which is also its General channel's conversation id."""
        return str(self.config["teams"][0]["id"])

    @property
    def channel_ids(self) -> list[str]:
        return [str(c["id"]) for c in self.config["teams"][0]["channels"]]

    # -- acting as a user

    def mark(self) -> int:
        """A position in the stream; `wait_for_message(..., since=mark)` looks only after it."""
        return len(self.frames)

    async def send_text(
        self,
        conversation_id: str,
        user_id: str,
        text: str,
        *,
        mention_bot: bool | None = None,
    ) -> dict[str, Any]:
        """Sends `text` as `user_id`. Returns the Playground's answer: `messageId`, and for a
        channel post also `postConversationId` (the thread the bot's replies go to).

        In group chats and channels the bot only gets messages that @mention it (as in Teams),
        so there the mention is added unless `mention_bot=False`.
        """
        if mention_bot is None:
            mention_bot = conversation_id != self.personal_chat_id
        body: dict[str, Any] = {"from": {"id": user_id}, "text": text, "textFormat": "plain"}
        if mention_bot:
            at = f"<at>{self.bot_name}</at>"
            body["text"] = f"{at} {text}"
            body["mentions"] = [{"mentioned": {"id": self.bot_id}, "text": at}]
        self._mark = self.mark()
        return await self._request(
            "POST", f"/_conversation/v1/conversations/{_q(conversation_id)}/messages", body
        )

    async def install(self, conversation_id: str) -> None:
        """Installs the app in a conversation: the bot gets an installationUpdate (add) and a
        conversationUpdate with membersAdded (the user and the bot)."""
        self._mark = self.mark()
        await self._request("POST", f"/_debug/conversation/{_q(conversation_id)}/installation", {})

    async def submit(
        self,
        conversation_id: str,
        user_id: str,
        reply_to_id: str,
        value: dict[str, Any],
    ) -> None:
        """Action.Submit on the card message `reply_to_id`: the bot gets a message activity
        with `value` (the action's data merged with the inputs, as the card would send it)."""
        self._mark = self.mark()
        await self._request(
            "POST",
            "/_conversation/v1/submit",
            {
                "conversation": {"id": conversation_id},
                "from": {"id": user_id},
                "replyToId": reply_to_id,
                "value": value,
            },
        )

    async def invoke_execute(
        self,
        conversation_id: str,
        user_id: str,
        reply_to_id: str,
        verb: str,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Action.Execute on the card message `reply_to_id`; returns the bot's invoke response
        (`{"type": "application/vnd.microsoft.card.adaptive", "value": <new card>}` when the
        bot replaces the card). Nothing arrives on the WebSocket for it: the web UI swaps the
        card itself."""
        self._mark = self.mark()
        return await self._request(
            "POST",
            "/_conversation/v1/invoke",
            {
                "name": "adaptiveCard/action",
                "conversation": {"id": conversation_id},
                "from": {"id": user_id},
                "replyToId": reply_to_id,
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data or {}}},
            },
        )

    async def activity_template(
        self,
        conversation_id: str,
        template_type: str | None = None,
    ) -> dict[str, Any]:
        """The Playground's own skeleton activity for a conversation (serviceUrl, channelId,
        recipient, conversation with type and tenant, from = current user). `template_type`:
        None, "install", "uninstall", "botAdded", "userAdded", "botRemoved", "userRemoved",
        "channelCreated", "channelRenamed", "channelDeleted", "teamRenamed", "teamDeleted"."""
        params = {"conversationId": conversation_id}
        if template_type:
            params["type"] = template_type
        return await self._request("GET", "/_internal/v1/customActivities/template", params=params)

    async def custom_activity(self, activity: dict[str, Any]) -> None:
        """Forwards `activity` to the bot exactly as given: the Playground adds nothing (no
        serviceUrl, recipient or channelId), so start from `activity_template` or use
        `send_event`."""
        self._mark = self.mark()
        await self._request("POST", "/_internal/v1/customActivities", activity)

    async def send_event(
        self,
        conversation_id: str,
        name: str,
        value: Any = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Sends an event activity (e.g. "application/vnd.microsoft.meetingEnd") built on the
        Playground's template; `fields` override or add top-level activity fields."""
        activity = await self.activity_template(conversation_id)
        activity.update(type="event", name=name, **fields)
        if value is not None:
            activity["value"] = value
        await self.custom_activity(activity)
        return activity

    # -- what the bot sent

    def messages(self, conversation_id: str) -> list[Message]:
        """The bot's messages in a conversation (and its reply threads), updates applied."""
        by_id: dict[str, Message] = {}
        for frame in self.frames:
            if in_conversation(frame["actionConversationId"], conversation_id):
                message = frame["message"]
                by_id[str(message["messageId"])] = message
        return list(by_id.values())

    async def wait_for_message(
        self,
        conversation_id: str,
        predicate: Predicate = lambda _m: True,
        timeout: float = 10.0,  # noqa: ASYNC109 - the call's whole point is a bounded wait
        *,
        since: int | None = None,
    ) -> Message:
        """The first bot message (created or updated) in the conversation matching `predicate`,
        looking at frames after `since` (default: since the last action this client took)."""
        start = self._mark if since is None else since
        checked = start

        def find() -> Message | None:
            nonlocal checked
            for frame in self.frames[checked:]:
                checked += 1
                if in_conversation(frame["actionConversationId"], conversation_id) and predicate(
                    frame["message"]
                ):
                    return frame["message"]
            return None

        try:
            async with asyncio.timeout(timeout), self._changed:
                while (found := find()) is None:
                    await self._changed.wait()
                return found
        except TimeoutError:
            seen = [
                _summary(f["message"])
                for f in self.frames[start:]
                if in_conversation(f["actionConversationId"], conversation_id)
            ]
            raise TimeoutError(
                f"no matching bot message in {conversation_id} within {timeout} s; "
                f"seen since the last action: {seen or 'nothing'}"
            ) from None

    # -- HTTP

    async def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
    ) -> Any:
        if self._http is None:
            raise RuntimeError("call connect() first (or use `async with`)")
        async with self._http.request(
            method, self.base_url + path, json=body, params=params
        ) as response:
            text = await response.text()
            if response.status >= 300:
                raise PlaygroundApiError(method, path, response.status, text)
            return json.loads(text) if text else None


def _q(conversation_id: str) -> str:
    return quote(conversation_id, safe="")


def _summary(message: Message) -> str:
    cards = adaptive_cards(message)
    if cards:
        first = next((b.get("text") for b in cards[0].get("body", []) if b.get("text")), "")
        return f"[card] {str(first)[:60]}"
    return str(message.get("text") or "")[:80]
