"""A notice card: one clear sentence about what went wrong, and one thing to do next."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards.elements import card, execute, heading, text
from cards.views import NoticeView


def notice_card(view: NoticeView) -> dict[str, Any]:
    ids: dict[str, object] = {"plan_id": view.plan_id} if view.plan_id else {}
    if view.plan_id and view.revision is not None:
        ids["revision"] = view.revision
    return card(
        [
            heading(view.title),
            ac.Container(style="attention", items=[text(view.message, weight="Bolder")]),
        ],
        [execute(view.button, view.verb, **ids)],
    )
