"""Change-notification subscriptions: create (with the validation handshake), renew, delete.

https://learn.microsoft.com/graph/api/subscription-post-subscriptions and
https://learn.microsoft.com/graph/api/resources/subscription: 201 with the subscription;
Outlook event subscriptions last at most 10,080 minutes (SharePoint lists 42,300); a
notificationUrl that fails validation makes the create answer 400.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError, bad_request, invalid_user, mailbox_not_enabled
from graph.emulator.odata import collection, page_size
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.sharepoint import find_site
from graph.emulator.store import Subscription
from graph.emulator.timezones import parse_iso, stamp

APPLICATION_ID = "5b6f1c3e-0d2a-4c1e-9f5b-7a8c9d0e1f23"  # the emulated calling app
MAX_MINUTES = {"events": 10_080, "list": 42_300}
_EVENTS = re.compile(r"^/?(?:users/(?P<user>[^/()]+)|users\('(?P<quoted>[^']+)'\)|me)"
                     r"/(?:calendar/)?events/?$", re.IGNORECASE)
_LIST = re.compile(r"^/?sites/(?P<site>[^/]+)/lists/(?P<list>[^/]+)/?$", re.IGNORECASE)


def _invalid(message: str) -> GraphError:
    return GraphError(400, "InvalidRequest", message)


def subscription_json(sub: Subscription) -> dict[str, Any]:
    return {
        "id": sub.id,
        "resource": sub.resource,
        "applicationId": APPLICATION_ID,
        "changeType": ",".join(sub.change_types),
        "clientState": sub.client_state,
        "notificationUrl": sub.notification_url,
        "notificationQueryOptions": None,
        "lifecycleNotificationUrl": sub.lifecycle_url,
        "expirationDateTime": stamp(sub.expiration),
        "creatorId": APPLICATION_ID,
        "includeResourceData": False,
        "latestSupportedTlsVersion": sub.latest_tls,
        "encryptionCertificate": None,
        "encryptionCertificateId": None,
        "notificationUrlAppId": None,
    }


def _target(emu: Emulator, resource: str) -> tuple[str, tuple[str, ...]]:
    found = _EVENTS.match(resource)
    if found:
        key = found.group("user") or found.group("quoted")
        if key is None:
            raise bad_request("/me request is only valid with delegated authentication flow.")
        user = emu.state.find_user(key)
        if user is None:
            raise invalid_user(key)
        if not user.has_mailbox:
            raise mailbox_not_enabled()
        return "events", (user.id,)
    found = _LIST.match(resource)
    if found:
        site = find_site(emu, found.group("site"))
        key = found.group("list").lower()
        sp_list = next((lst for lst in site.lists.values()
                        if key in {lst.id.lower(), lst.display_name.lower()}), None)
        if sp_list is None:
            raise GraphError(404, "itemNotFound", "The specified list was not found")
        return "list", (site.id, sp_list.id)
    raise _invalid(f"The resource '{resource}' is not supported for subscriptions by the "
                   "emulator (use users/{id}/events or sites/{id}/lists/{id}).")


def _expiration(emu: Emulator, value: Any, kind: str) -> Any:
    if not value:
        raise _invalid("expirationDateTime is required.")
    expiration = parse_iso(str(value))
    now = emu.now()
    if expiration <= now:
        raise _invalid("Subscription expiration can only be in the future.")
    limit = MAX_MINUTES[kind]
    if expiration > now + timedelta(minutes=limit):
        raise _invalid(f"Subscription expiration can only be {limit} minutes in the future.")
    return expiration


async def create_subscription(call: Call, emu: Emulator) -> Reply:
    body = call.body if isinstance(call.body, dict) else {}
    for name in ("changeType", "notificationUrl", "resource", "expirationDateTime"):
        if not body.get(name):
            raise _invalid(f"The property '{name}' is required.")
    kind, target = _target(emu, str(body["resource"]))
    changes = tuple(c.strip() for c in str(body["changeType"]).split(",") if c.strip())
    allowed = {"updated"} if kind == "list" else {"created", "updated", "deleted"}
    if not changes or any(c not in allowed for c in changes):
        raise _invalid(f"changeType '{body['changeType']}' is not supported for this resource "
                       f"(use {', '.join(sorted(allowed))}).")
    expiration = _expiration(emu, body["expirationDateTime"], kind)
    client_state = body.get("clientState")
    if client_state is not None and len(str(client_state)) > 128:
        raise _invalid("clientState can be at most 128 characters.")
    await emu.notifier.validate(str(body["notificationUrl"]))
    lifecycle = body.get("lifecycleNotificationUrl")
    if lifecycle:
        await emu.notifier.validate(str(lifecycle))
    sub = Subscription(
        id=emu.state.new_guid(), resource=str(body["resource"]), change_types=changes,
        notification_url=str(body["notificationUrl"]), lifecycle_url=lifecycle,
        client_state=client_state, expiration=expiration, kind=kind, target=target,
        latest_tls=str(body.get("latestSupportedTlsVersion") or "v1_2"))
    emu.state.subscriptions[sub.id] = sub
    context = emu.context(call, "subscriptions/$entity")
    return Reply(201, {"@odata.context": context, **subscription_json(sub)})


def _subscription(emu: Emulator, call: Call) -> Subscription:
    sub = emu.state.subscriptions.get(call.params["subscription"])
    if sub is None or sub.expiration <= emu.now():
        raise GraphError(404, "ResourceNotFound", "The object was not found.")
    return sub


async def update_subscription(call: Call, emu: Emulator) -> Reply:
    sub = _subscription(emu, call)
    body = call.body if isinstance(call.body, dict) else {}
    if "expirationDateTime" in body:
        sub.expiration = _expiration(emu, body["expirationDateTime"], sub.kind)
    if body.get("notificationUrl") and body["notificationUrl"] != sub.notification_url:
        await emu.notifier.validate(str(body["notificationUrl"]))
        sub.notification_url = str(body["notificationUrl"])
    context = emu.context(call, "subscriptions/$entity")
    return Reply(200, {"@odata.context": context, **subscription_json(sub)})


async def get_subscription(call: Call, emu: Emulator) -> Reply:
    sub = _subscription(emu, call)
    context = emu.context(call, "subscriptions/$entity")
    return Reply(200, {"@odata.context": context, **subscription_json(sub)})


async def list_subscriptions(call: Call, emu: Emulator) -> Reply:
    now = emu.now()
    items = [subscription_json(s) for s in emu.state.subscriptions.values() if s.expiration > now]
    size = page_size(call, emu.prefer(call), default=100, maximum=999)
    return collection(call, items, context=emu.context(call, "subscriptions"), size=size)


async def delete_subscription(call: Call, emu: Emulator) -> Reply:
    sub = _subscription(emu, call)
    del emu.state.subscriptions[sub.id]
    return Reply(204)


def register(router: Router) -> None:
    router.add("POST", "/subscriptions", create_subscription)
    router.add("GET", "/subscriptions", list_subscriptions)
    router.add("GET", "/subscriptions/{subscription}", get_subscription)
    router.add("PATCH", "/subscriptions/{subscription}", update_subscription)
    router.add("DELETE", "/subscriptions/{subscription}", delete_subscription)
