"""Reading the campaign card's Create: its ids (the token the campaign will get, the kind) and
the inputs. Ids or inputs of the wrong shape mean it is not a card this service made (None);
inputs that are readable but wrong become messages under their inputs, with everything kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from cards import FieldError, Translator
from cards.campaign_form import AUDIENCE, CLOSES, EVERY_WEEKS, INPUTS, PRIVACY, TIMING, K
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.forms.definitions import Form, FormKind

KINDS = (FormKind.CHECKIN, FormKind.FEEDBACK, FormKind.PULSE)
_ALLOWED = frozenset({"verb", "token", "kind", "msteams", *INPUTS})
_MAX_INPUT = 20_000  # a thousand people's ids, with their prefixes


@dataclass(frozen=True)
class CreateCard:
    token: str
    kind: FormKind
    values: dict[str, str]  # every input as typed, to keep on the card


def parse_create(data: Any) -> CreateCard | None:
    if not isinstance(data, dict) or not set(data) <= _ALLOWED:  # type: ignore[arg-type]
        return None
    token, kind = data.get("token"), data.get("kind")  # type: ignore[union-attr]
    if not isinstance(token, str) or not _is_uuid(token):
        return None
    if kind not in {k.value for k in KINDS}:
        return None
    values: dict[str, str] = {}
    for name in INPUTS:
        value = data.get(name, "")  # type: ignore[union-attr]
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        value = str(value)
        if len(value) > _MAX_INPUT:
            return None
        values[name] = value.strip()
    return CreateCard(token, FormKind(kind), values)


def spec_of(card: CreateCard, form: Form, t: Translator, *, now: datetime
            ) -> CampaignSpec | tuple[FieldError, ...]:
    """The campaign the card asks for, or the messages for its inputs (the domain checks the
    rest: k's range, the close after the first send, who may be asked)."""
    values, errors = card.values, list[FieldError]()
    audience = _audience(values[AUDIENCE])
    if isinstance(audience, str):
        errors.append(FieldError(AUDIENCE, t(audience)))
    timing = _timing(values[TIMING], values[EVERY_WEEKS], now)
    if isinstance(timing, FieldError):
        errors.append(FieldError(timing.field, t(timing.message)))
    closes = _date(values[CLOSES])
    if closes is None:
        errors.append(FieldError(CLOSES, t("newcampaign.error.closes")))
    k = values[K]
    if not (k.isdigit() and len(k) < 3):
        errors.append(FieldError(K, t("newcampaign.error.k")))
    if values[PRIVACY] not in ("named", "anonymous"):
        return ()  # not an answer the card offers: tampered
    if errors or isinstance(audience, str) or isinstance(timing, FieldError) or closes is None:
        return tuple(errors)
    # The close is the end of the chosen day (UTC): "closes after" that day.
    return CampaignSpec(form_key=form.key, form_version=form.version, audience=audience,
                        timing=timing, closes_at=datetime.combine(closes, time(23, 59), UTC),
                        anonymous=values[PRIVACY] == "anonymous", k=int(k))


def _audience(value: str) -> Audience | str:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    if not chosen:
        return "newcampaign.error.audience"
    kinds = {v.partition(":")[0] for v in chosen}
    ids = [v.partition(":")[2] for v in chosen]
    if not all(ids) or not kinds <= {"plan", "group", "person"}:
        return "newcampaign.error.audience"
    if kinds == {"person"}:
        return Audience.of_people(*ids)
    if len(chosen) > 1:
        return "newcampaign.error.audience_mix"
    return Audience.of_plan(ids[0]) if kinds == {"plan"} else Audience.of_group(ids[0])


def _timing(kind: str, weeks: str, now: datetime) -> Timing | FieldError:
    if kind == "once":
        return Timing.once(now)
    if kind == "after_occurrence":
        return Timing.after_occurrence()
    if kind != "recurring":
        return FieldError(TIMING, "newcampaign.error.timing")
    if not (weeks.isdigit() and 1 <= int(weeks[:3]) <= 52):
        return FieldError(EVERY_WEEKS, "newcampaign.error.every_weeks")
    return Timing.recurring(now, every_weeks=int(weeks))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _is_uuid(value: str) -> bool:
    try:
        return len(value) == 36 and str(uuid.UUID(value)) == value
    except ValueError:
        return False
