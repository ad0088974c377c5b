"""Small shared card pieces, so every card looks and behaves the same."""

from __future__ import annotations

from typing import Any

from cards import models as ac

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"  # an attachment's contentType


def card(
    body: list[ac.Element],
    actions: list[ac.Action] | None = None,
    *,
    refresh: ac.RefreshDefinition | None = None,
) -> dict[str, Any]:
    """The whole card as Adaptive Cards 1.5 JSON: the one place a card is serialised."""
    model = ac.AdaptiveCard(ac_schema=SCHEMA, version="1.5", body=body, actions=actions or None,
                            refresh=refresh)
    return model.model_dump(by_alias=True, exclude_none=True, mode="json")


def heading(text: str, *, size: ac.TextSize = "Large") -> ac.TextBlock:
    return ac.TextBlock(text=text, size=size, weight="Bolder", wrap=True, style="heading")


def text(
    value: str, *, subtle: bool = False, weight: ac.TextWeight | None = None, **props: Any
) -> ac.TextBlock:
    """Wrapped text; `props` are further TextBlock properties (spacing="Small", ...)."""
    return ac.TextBlock(text=value, wrap=True, is_subtle=subtle or None, weight=weight, **props)


def bullets(items: tuple[str, ...]) -> ac.TextBlock:
    # Markdown lists render in Teams TextBlocks; one block keeps the spacing tight.
    return ac.TextBlock(text="\n".join(f"- {item}" for item in items), wrap=True)


def execute(
    title: str, verb: str, *, style: ac.ActionStyle | None = None, **data: Any
) -> ac.ExecuteAction:
    """Action.Execute with an Action.Submit fallback for clients that predate Universal Actions.
    `data` rides along with the verb (ids only); `style` is "positive" or "destructive"."""
    payload = {"verb": verb, **data}
    return ac.ExecuteAction(
        title=title,
        verb=verb,
        data=payload,
        style=style,
        fallback=ac.SubmitAction(title=title, data=payload),
    )
