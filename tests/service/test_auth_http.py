"""With a bot app id, every request must carry a valid connector token, from an allowed tenant."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.builders import TENANT, an_activity
from tests.connector import OUTBOUND_TOKEN, FakeConnector, LocalEntraConnections
from tests.service.conftest import RunningService, ServiceFactory

APP_ID = "00000000-1111-4222-8333-444444444444"


@pytest.fixture
async def secured(start_service: ServiceFactory, connector: FakeConnector) -> RunningService:
    return await start_service(
        app_id=APP_ID, app_password="not-used-here", app_tenant_id=TENANT,
        openid_metadata_url=connector.metadata_url, allowed_tenants=TENANT,
        connections=LocalEntraConnections(),
    )


async def test_no_token_is_401(secured: RunningService, connector: FakeConnector) -> None:
    status, body = await secured.post(an_activity(connector.service_url, text="help"))
    assert status == 401 and body["error"]["code"] == "Unauthorized"
    assert connector.activities == []


@pytest.mark.parametrize(
    "problem",
    ["wrong_audience", "wrong_issuer", "expired", "foreign_key", "unknown_kid", "garbage",
     "service_url_mismatch"],
)
async def test_invalid_tokens_are_401(
    secured: RunningService, connector: FakeConnector, problem: str
) -> None:
    token = {
        "wrong_audience": lambda: connector.token(audience="someone-else"),
        "wrong_issuer": lambda: connector.token(audience=APP_ID, issuer="https://evil.example"),
        "expired": lambda: connector.token(audience=APP_ID, expires_in=-3600),
        "foreign_key": lambda: connector.token(
            audience=APP_ID, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "unknown_kid": lambda: connector.token(audience=APP_ID, kid="other-key"),
        "garbage": lambda: "not.a.jwt",
        "service_url_mismatch": lambda: connector.token(
            audience=APP_ID, service_url="https://elsewhere.example/"),
    }[problem]()
    status, _ = await secured.post(an_activity(connector.service_url, text="help"), token=token)
    assert status == 401
    assert connector.activities == []


async def test_a_valid_token_is_served(secured: RunningService, connector: FakeConnector) -> None:
    token = connector.token(audience=APP_ID)
    status, _ = await secured.post(an_activity(connector.service_url, text="help"), token=token)
    assert status == 202
    (_, answer), = await connector.wait_for(1)
    assert answer["attachments"][0]["content"]["type"] == "AdaptiveCard"
    assert connector.authorizations == [f"Bearer {OUTBOUND_TOKEN}"]


async def test_key_not_endorsed_for_the_channel_is_401(
    secured: RunningService, connector: FakeConnector
) -> None:
    connector.endorsements = ["skype"]
    token = connector.token(audience=APP_ID)
    status, _ = await secured.post(an_activity(connector.service_url, text="help"), token=token)
    assert status == 401


async def test_tenant_outside_the_allowed_list_is_refused(
    secured: RunningService, connector: FakeConnector
) -> None:
    token = connector.token(audience=APP_ID)
    status, body = await secured.post(
        an_activity(connector.service_url, text="help", tenant="another-tenant"), token=token)
    assert status == 403 and body["error"]["code"] == "Forbidden"
    assert connector.activities == []


def test_anonymous_mode_must_be_explicit_and_loopback_only() -> None:
    from pydantic import ValidationError

    from teams_app.settings import Settings

    with pytest.raises(ValidationError, match="LEARNING_LOOP_ANONYMOUS"):
        Settings()
    with pytest.raises(ValidationError, match="loopback"):
        Settings(anonymous=True, host="0.0.0.0")
    assert Settings(anonymous=True).host == "127.0.0.1"
    assert Settings(app_id=APP_ID, host="0.0.0.0").host == "0.0.0.0"
