"""The Adaptive Card models the cards are built from: Microsoft's typed models
(microsoft_teams.cards), made strict, plus the few fixes our Adaptive Cards 1.5 output needs.

Every model of microsoft_teams.cards accepts unknown properties (pydantic extra="allow"), so a
misspelt property would go out silently. The subclasses here forbid them: `TextBlock(txt="…")`
or `TextBlock(weight="Bold")` raises pydantic.ValidationError where the card is built. Build
cards only from these classes. What each fix is for: docs/cards-notes.md."""

from __future__ import annotations

from typing import Literal

import microsoft_teams.cards as ms
from pydantic import ConfigDict, Field, InstanceOf, SerializeAsAny

STRICT = ConfigDict(extra="forbid")

# The generated models type every JSON number as float, so 3 would go out as 3.0; whole numbers
# (column weights, minutes, lengths) stay whole with this.
Number = int | float

# Adaptive Cards 1.5 spells these enum values in lower case; the models know only the newer
# capitalised spelling. Both are valid 1.5 (the schema matches them case-insensitively).
TextColor15 = Literal["default", "dark", "light", "accent", "good", "warning", "attention"]
TextInputStyle15 = Literal["text", "tel", "url", "email", "password"]

# For type hints: any element, any action, and the library's enums.
Element = ms.CardElement
Action = ms.Action
ActionStyle = ms.ActionStyle
ContainerStyle = ms.ContainerStyle
TextSize = ms.TextSize
TextWeight = ms.TextWeight

# Where the models take any element or action, they would also take a dict (made into a bare
# CardElement that accepts any property); these take built elements and actions only.
Elements = list[SerializeAsAny[InstanceOf[ms.CardElement]]] | None
Actions = list[SerializeAsAny[InstanceOf[ms.Action]]] | None
ElementFallback = SerializeAsAny[InstanceOf[ms.CardElement]] | Literal["drop"] | None
ActionFallback = SerializeAsAny[InstanceOf[ms.Action]] | Literal["drop"] | None


# --- the card ----------------------------------------------------------------------------------


class AdaptiveCard(ms.AdaptiveCard):
    """`version` defaults to "1.5"; pass version=None for the card inside an Action.ShowCard."""

    model_config = STRICT
    # The model's alias is "schema"; the property is "$schema".
    ac_schema: str | None = Field(default=None, alias="$schema")
    body: Elements = None
    actions: Actions = None
    refresh: RefreshDefinition | None = None


# --- text and layout ---------------------------------------------------------------------------


class TextBlock(ms.TextBlock):
    model_config = STRICT
    color: ms.TextColor | TextColor15 | None = None
    max_lines: Number | None = None


class Container(ms.Container):
    model_config = STRICT
    items: Elements = None


class Column(ms.Column):
    model_config = STRICT
    width: str | Number | None = None
    items: Elements = None


class ColumnSet(ms.ColumnSet):
    model_config = STRICT
    columns: list[Column] | None = None  # so Column's own fields serialise as declared above


class Fact(ms.Fact):
    model_config = STRICT


class FactSet(ms.FactSet):
    model_config = STRICT
    facts: list[Fact] | None = None  # see ColumnSet.columns (as a chart's fallback it warned)


class ColumnDefinition(ms.ColumnDefinition):
    model_config = STRICT
    width: str | Number | None = None


class TableCell(ms.TableCell):
    model_config = STRICT
    items: Elements = None


class TableRow(ms.TableRow):
    model_config = STRICT


class Table(ms.Table):
    model_config = STRICT
    columns: list[ColumnDefinition] | None = None  # see ColumnSet.columns
    # Adaptive Cards 1.5 (and Teams) name it firstRowAsHeader; the model knows only the plural
    # firstRowAsHeaders of the designer's samples, which 1.5 clients do not read.
    first_row_as_header: bool | None = None


# --- inputs ------------------------------------------------------------------------------------


class Choice(ms.Choice):
    model_config = STRICT


class ChoiceSetInput(ms.ChoiceSetInput):
    model_config = STRICT
    choices: list[Choice] | None = None  # see ColumnSet.columns (as a fallback it warned)


class TextInput(ms.TextInput):
    model_config = STRICT
    style: ms.InputTextStyle | TextInputStyle15 | None = None
    max_length: Number | None = None


class DateInput(ms.DateInput):
    model_config = STRICT


class TimeInput(ms.TimeInput):
    model_config = STRICT


class NumberInput(ms.NumberInput):
    model_config = STRICT
    value: Number | None = None
    min: Number | None = None
    max: Number | None = None


# --- actions -----------------------------------------------------------------------------------


class ExecuteAction(ms.ExecuteAction):
    model_config = STRICT
    fallback: ActionFallback = None


class SubmitAction(ms.SubmitAction):
    model_config = STRICT


class RefreshDefinition(ms.RefreshDefinition):
    """Universal Actions: Teams runs `action` when the card is shown to one of `user_ids`
    (at most 60), so each sees the card as it is now for them."""

    model_config = STRICT
    action: ExecuteAction | None = None


class OpenUrlAction(ms.OpenUrlAction):
    model_config = STRICT


class ShowCardAction(ms.ShowCardAction):
    model_config = STRICT


class ActionSet(ms.ActionSet):
    model_config = STRICT
    actions: Actions = None


# --- Teams-only (not Adaptive Cards 1.5: give each a 1.5 fallback) ----------------------------


class StackedBarPoint(ms.StackedHorizontalBarChartDataPoint):
    model_config = STRICT


class StackedBarData(ms.StackedHorizontalBarChartData):
    model_config = STRICT


class StackedHorizontalBarChart(ms.StackedHorizontalBarChart):
    model_config = STRICT
    fallback: ElementFallback = None


class LineChartValue(ms.LineChartValue):
    model_config = STRICT
    y: Number | None = None


class LineChartData(ms.LineChartData):
    model_config = STRICT
    values: list[LineChartValue] | None = None  # see ColumnSet.columns


class LineChart(ms.LineChart):
    model_config = STRICT
    data: list[LineChartData] | None = None
    y_min: Number | None = None
    y_max: Number | None = None
    fallback: ElementFallback = None


class HorizontalBarValue(ms.HorizontalBarChartDataValue):
    model_config = STRICT
    y: Number | None = None


class HorizontalBarChart(ms.HorizontalBarChart):
    model_config = STRICT
    data: list[HorizontalBarValue] | None = None
    fallback: ElementFallback = None


class RatingInput(ms.RatingInput):
    """Teams' star rating (Input.Rating): give it a 1.5 input with the same id as fallback."""

    model_config = STRICT
    max: Number | None = None
    value: Number | None = None
    fallback: ElementFallback = None


# Any input, for the helpers that take one.
Input = ChoiceSetInput | TextInput | DateInput | TimeInput | NumberInput | RatingInput
