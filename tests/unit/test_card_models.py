"""The typed card models (cards.models): a mistake fails where the card is built, and the fixes
for what microsoft_teams.cards cannot express keep the output Adaptive Cards 1.5."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from cards import models as ac
from cards import plans_list_card, translator_for
from cards.elements import card, execute, text
from tests.card_schema import assert_valid_card
from tests.unit.plans.plan_card_views import plans_view

MISTAKES: dict[str, Callable[[], Any]] = {
    "misspelt property": lambda: ac.TextBlock(text="Hi", wrp=True),
    "misspelt property through a helper": lambda: text("Hi", spacng="Small"),
    "value outside its enum": lambda: ac.TextBlock(text="Hi", weight="Bold"),
    "wrong type": lambda: ac.NumberInput(id="n", value="ten"),
    "a dict instead of an element": lambda: ac.Container(items=[{"type": "TextBlok"}]),
    "a dict instead of a fallback": lambda: ac.ExecuteAction(title="Go",
                                                             fallback={"type": "Action.Sumbit"}),
    "unknown action style": lambda: execute("Go", "plan.new", style="danger"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_fails_where_the_card_is_built(mistake: str) -> None:
    with pytest.raises(ValidationError):
        MISTAKES[mistake]()


def test_the_card_says_schema_and_version_as_1_5_wants() -> None:
    built = card([text("Hi")])
    assert built["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert "schema" not in built and built["version"] == "1.5"
    assert_valid_card(built)


def test_whole_numbers_stay_whole_and_1_5_spellings_are_kept() -> None:
    column = ac.Column(width=3, items=[])
    table = ac.Table(columns=[ac.ColumnDefinition(width=4)], first_row_as_header=True, rows=[])
    built = card([ac.ColumnSet(columns=[column]), table,
                  ac.NumberInput(id="n", value=60, min=15, max=240),
                  ac.TextInput(id="t", style="url", max_length=500),
                  text("Late", color="attention", max_lines=2)])
    set_, table_out, number, text_input, late = built["body"]
    assert type(set_["columns"][0]["width"]) is type(table_out["columns"][0]["width"]) is int
    assert table_out["firstRowAsHeader"] is True and "firstRowAsHeaders" not in table_out
    assert [type(number[k]) for k in ("value", "min", "max")] == [int, int, int]
    assert text_input["style"] == "url" and type(text_input["maxLength"]) is int
    assert late["color"] == "attention" and type(late["maxLines"]) is int
    assert_valid_card(built)


def test_a_show_card_has_no_version_of_its_own() -> None:
    built = plans_list_card(plans_view(translator_for("en")))
    show_cards = [a for c in built["body"] if c["type"] == "Container" for i in c["items"]
                  if i["type"] == "ActionSet" for a in i["actions"]
                  if a["type"] == "Action.ShowCard"]
    assert show_cards and all("version" not in a["card"] for a in show_cards)
