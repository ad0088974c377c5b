"""Telemetry labels are made of our own fixed names: a Graph address keeps only Graph's own
segment names, and a turn's route is a verb we registered, never a word the sender chose."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cards import verbs
from graph.telemetry import endpoint_template
from teams_app.telemetry import turn_route


@pytest.mark.parametrize(("path", "template"), [
    ("/v1.0/users/2b1c7e4f-0000-4000-8000-000000000001/mailboxSettings",
     "/v1.0/users/{id}/mailboxSettings"),
    ("/v1.0/users/astrid.lindqvist@contoso.example/calendar/getSchedule",
     "/v1.0/users/{id}/calendar/getSchedule"),
    ("/v1.0/users/abc/calendarView/delta", "/v1.0/users/{id}/calendarView/delta"),
    ("/v1.0/sites/contoso.sharepoint.com:/sites/Learning Team:/lists",
     "/v1.0/sites/{id}/sites/{id}/lists"),
    ("/v1.0/sites/root", "/v1.0/sites/root"),
    ("/v1.0/sites/x,y,z/lists/Learning%20check-ins/items/17",
     "/v1.0/sites/{id}/lists/{id}/items/{id}"),
    ("/v1.0/groups/g1/transitiveMembers/microsoft.graph.user",
     "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user"),
    ("/v1.0/USERS/u/TEAMWORK/installedApps", "/v1.0/users/{id}/teamwork/installedApps"),
    ("/v1.0/$batch", "/v1.0/$batch"),
    ("/v1.0/users/Anna Berg's calendar", "/v1.0/users/{id}"),
])
def test_graph_endpoints_keep_only_graphs_own_names(path: str, template: str) -> None:
    assert endpoint_template(path) == template


def activity(**fields: object) -> SimpleNamespace:
    return SimpleNamespace(**{"type": "message", "name": None, "value": None, **fields})


@pytest.mark.parametrize(("fields", "route"), [
    ({"type": "invoke", "name": "adaptiveCard/action",
      "value": {"action": {"verb": verbs.FORM_SUBMIT, "data": {"x": "I feel lost"}}}},
     verbs.FORM_SUBMIT),
    ({"type": "invoke", "name": "adaptiveCard/action",
      "value": {"action": {"verb": "tell my boss I quit"}}}, "unknown_verb"),
    ({"type": "invoke", "name": "adaptiveCard/action", "value": "not an object"},
     "unknown_verb"),
    ({"type": "invoke", "name": "some/made-up name"}, "other"),
    ({"type": "message", "value": {"verb": verbs.SLOT_KEEP}}, verbs.SLOT_KEEP),
    ({"type": "message", "value": {"verb": "free text"}}, "unknown_verb"),
    ({"type": "message", "text": "plan for Astrid"}, "message"),
    ({"type": "installationUpdate"}, "installationUpdate"),
    ({"type": "my own type"}, "other"),
])
def test_a_turn_route_is_one_of_our_names(fields: dict[str, object], route: str) -> None:
    assert turn_route(activity(**fields)) == route
