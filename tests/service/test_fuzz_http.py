"""Property-based fuzzing of /api/messages (Hypothesis, bounded in examples and time): whatever
activity or card action arrives, the answer is never a 5xx, every adaptiveCard/action invoke is
answered with a card, and none of the text sent reaches the logs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards import verbs
from tests.builders import an_activity
from tests.connector import FakeConnector
from tests.service.conftest import ServiceFactory

MARK = "zq-fuzz-"  # every generated text starts with it, so a leak is found in the logs

KNOWN_VERBS = [v for k, v in vars(verbs).items() if k.isupper() and isinstance(v, str)]
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      st.text(max_size=20))
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
marked_text = st.text(max_size=40).map(lambda t: MARK + t)


@st.composite
def card_actions(draw: st.DrawFn) -> dict[str, Any]:
    verb = draw(st.one_of(st.sampled_from(KNOWN_VERBS), st.text(max_size=12), json_leaf))
    data = draw(st.one_of(
        st.dictionaries(st.sampled_from(["verb", "plan_id", "revision", "slot_id", "member_id",
                                         "occurrence_id", "move_to", "members", "campaign_id",
                                         "round", "form_key", "form_version", "used_time"]),
                        st.one_of(json_leaf, marked_text), max_size=6)
        .map(lambda d: {"verb": verb, **d}),
        json_value,
    ))
    action_type = draw(st.sampled_from(["Action.Execute", "Action.Execute", "Action.Submit",
                                        "Action.OpenUrl", ""]))
    return {"action": {"type": action_type, "verb": verb, "data": data}}


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["message", "invoke", "typing", "messageReaction",
                                 "conversationUpdate", "installationUpdate", "event"]))
    activity = an_activity(
        "http://127.0.0.1:9/", type=kind,
        conversation_type=draw(st.sampled_from(["personal", "groupChat", "channel", None])),
        locale=draw(st.sampled_from(["en-US", "sv-SE", "nl-NL", "de-DE", "xx", ""])),
        text=draw(marked_text),
        user_aad=draw(st.sampled_from(["aad-user-1", "", MARK + "x"])),
    )
    if kind == "invoke":
        activity["name"] = draw(st.sampled_from(["adaptiveCard/action", "task/fetch", ""]))
        activity["value"] = draw(st.one_of(card_actions(), json_value))
    else:
        activity["value"] = draw(st.one_of(st.none(), json_value))
    if kind == "installationUpdate":
        activity["action"] = draw(st.sampled_from(["add", "remove", "remove-upgrade", ""]))
    return activity


async def test_no_activity_gets_a_5xx_every_card_action_a_card_and_no_text_is_logged(
    start_service: ServiceFactory, connector: FakeConnector,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    # Outbound sends go to a closed port: what the bot sends is not the point here, and the
    # fake connector's address would make every message turn wait for nothing.
    service = await start_service(send_max_attempts=1)
    caplog.set_level(logging.INFO)
    loop = asyncio.get_running_loop()
    seen: list[int] = []

    @settings(max_examples=120, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(activity=activities())
    def post(activity: dict[str, Any]) -> None:
        status, body = asyncio.run_coroutine_threadsafe(service.post(activity), loop).result(30)
        seen.append(status)
        assert status < 500, (status, body, activity)
        refused = status == 400 and "malformed" in str((body or {}).get("error", {}))
        if refused:  # the front door's answer to an activity the SDK cannot read (a 400)
            return
        if activity["type"] == "invoke" and activity.get("name") == "adaptiveCard/action":
            assert status == 200 and body["statusCode"] == 200, (body, activity)
            assert body["type"] == "application/vnd.microsoft.card.adaptive", body
            assert body["value"]["type"] == "AdaptiveCard"

    await asyncio.wait_for(asyncio.to_thread(post), 600)
    assert len(seen) >= 100
    assert sum(200 <= status < 300 for status in seen) >= 20  # plenty served, not refused
    logged = capsys.readouterr().err + capsys.readouterr().out + caplog.text
    assert MARK not in logged
