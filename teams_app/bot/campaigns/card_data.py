"""Reading a form card's data: its ids (campaign, round, form and version) and the answers.
Ids that are missing or of the wrong shape are refused; the answers go to the form's check."""

from __future__ import annotations

from typing import Any

from teams_app.use_cases.campaigns.answering import CardIds

_MAX_ID = 100
_IDS = ("verb", "campaign_id", "round", "form_key", "form_version", "msteams")


class BadCardData(ValueError):
    """The card's ids cannot be read: not a card this service made."""


def parse_card(data: Any) -> tuple[CardIds, dict[str, object]]:
    if not isinstance(data, dict):
        raise BadCardData("data")
    fields: dict[str, str] = {}
    for name in ("campaign_id", "round", "form_key"):
        value = data.get(name)  # type: ignore[union-attr]
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
            raise BadCardData(name)
        fields[name] = value.strip()
    version = data.get("form_version")  # type: ignore[union-attr]
    if isinstance(version, str) and version.isdigit() and len(version) < 6:
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 100000:
        raise BadCardData("form_version")
    answers = {str(k): v for k, v in data.items() if k not in _IDS}  # type: ignore[union-attr]
    ids = CardIds(fields["campaign_id"], fields["round"], fields["form_key"], version)
    return ids, answers
