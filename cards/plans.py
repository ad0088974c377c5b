"""The plan card: a manager chooses who gets protected learning time, when, and what for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cards import models as ac
from cards import plan_fields as f
from cards import verbs
from cards.blocks import columns, section, small
from cards.elements import card, execute, heading, text
from cards.i18n import Translator
from cards.inputs import (
    choice_set,
    date_input,
    errors_for,
    number_input,
    text_input,
    time_input,
)
from cards.views import Choice, FieldError, PlanFormLabels, PlanFormValues, PlanFormView


def plan_form_card(view: PlanFormView) -> dict[str, Any]:
    labels, values, errors = view.labels, view.values, view.errors

    def field(element: ac.Input, name: str) -> list[ac.Element]:
        shown = errors_for(errors, name)
        if shown:
            # Our message is already under the input; if the client's own check fails again,
            # its red border is enough (with its errorMessage the text would show twice).
            element = element.model_copy(update={"error_message": None})
        return [element, *shown]

    body: list[ac.Element] = [heading(view.title), text(view.intro, subtle=True)]
    body += _problems(view.notice, labels.errors_heading, errors)
    body += [
        section(labels.who_heading),
        *field(
            choice_set(f.MEMBERS, labels.members, view.people, values.members, multi=True,
                       placeholder=labels.members_placeholder, required=True,
                       error=labels.members_error),
            f.MEMBERS,
        ),
        *field(
            choice_set(f.MODE, labels.mode, labels.mode_choices, values.mode, expanded=True,
                       required=True),
            f.MODE,
        ),
        section(labels.when_heading),
        columns(
            field(choice_set(f.CADENCE, labels.cadence, labels.cadence_choices, values.cadence,
                             required=True), f.CADENCE),
            field(choice_set(f.PREFERENCE, labels.preference, labels.preference_choices,
                             values.preference), f.PREFERENCE),
            weights=(3, 2),  # "Monthly, second week" needs the room; "Morning" does not
        ),
        *field(
            choice_set(f.DAYS, labels.days, labels.day_choices, values.days, multi=True,
                       required=True, error=labels.days_error),
            f.DAYS,
        ),
        small(labels.days_hint, spacing="Small"),
        columns(
            field(time_input(f.WINDOW_START, labels.window_start, values.window_start),
                  f.WINDOW_START),
            field(time_input(f.WINDOW_END, labels.window_end, values.window_end),
                  f.WINDOW_END),
            field(number_input(f.DURATION, labels.duration, values.duration_minutes,
                               low=f.DURATION_MIN, high=f.DURATION_MAX, required=True,
                               error=labels.duration_error), f.DURATION),
        ),
        columns(
            field(date_input(f.STARTS_ON, labels.starts_on, values.starts_on, required=True),
                  f.STARTS_ON),
            field(date_input(f.ENDS_ON, labels.ends_on, values.ends_on), f.ENDS_ON),
        ),
        columns(
            field(number_input(f.OCCURRENCES, labels.occurrences, values.occurrences,
                               low=1, high=f.OCCURRENCES_MAX,
                               error=labels.occurrences_error), f.OCCURRENCES),
            [small(labels.horizon_hint, spacing="None")],
            centered=True,
        ),
        section(labels.what_heading),
        *field(
            text_input(f.GOAL, labels.goal, values.goal, placeholder=labels.goal_placeholder,
                       multiline=True, max_length=f.GOAL_MAX_LENGTH, required=True,
                       error=labels.goal_error),
            f.GOAL,
        ),
        *field(
            text_input(f.MATERIAL_URL, labels.material, values.material_url,
                       placeholder=labels.material_placeholder, url=True,
                       max_length=f.MATERIAL_URL_MAX_LENGTH, pattern=f.MATERIAL_URL_PATTERN,
                       error=labels.material_error),
            f.MATERIAL_URL,
        ),
    ]
    if view.plan_id is None:
        return card(body, [execute(labels.preview_button, verbs.PLAN_PREVIEW),
                           execute(labels.book_button, verbs.PLAN_BOOK, style="positive")])
    ids = {"plan_id": view.plan_id, "revision": view.revision}
    # An edit is saved, not booked: Save applies it to the series already booked.
    return card(body, [execute(labels.preview_button, verbs.PLAN_PREVIEW, **ids),
                       execute(labels.save_button, verbs.PLAN_SAVE, style="positive", **ids)])


def form_data(values: PlanFormValues) -> dict[str, str]:
    """The answers as Teams sends the plan card's inputs (strings; a multi-select "a,b"; empty
    optional inputs left out), so a button elsewhere can carry them to the same parser."""
    data = {
        f.MEMBERS: ",".join(values.members),
        f.MODE: values.mode,
        f.CADENCE: values.cadence,
        f.PREFERENCE: values.preference,
        f.DAYS: ",".join(values.days),
        f.WINDOW_START: values.window_start,
        f.WINDOW_END: values.window_end,
        f.DURATION: "" if values.duration_minutes is None else str(values.duration_minutes),
        f.STARTS_ON: values.starts_on,
        f.ENDS_ON: values.ends_on,
        f.OCCURRENCES: "" if values.occurrences is None else str(values.occurrences),
        f.GOAL: values.goal,
        f.MATERIAL_URL: values.material_url,
    }
    return {name: value for name, value in data.items() if value}


def _problems(
    notice: str | None, errors_heading: str, errors: tuple[FieldError, ...]
) -> list[ac.Element]:
    items: list[ac.Element] = []
    if notice:
        items.append(text(notice, weight="Bolder"))
    if errors:
        items.append(text(errors_heading, weight="Bolder"))
        items.append(text("\n".join(f"- {e.message}" for e in errors)))
    return [ac.Container(style="attention", items=items)] if items else []


def plan_form_labels(t: Translator, *, day_names: Sequence[str]) -> PlanFormLabels:
    """`day_names` are Monday to Sunday in the person's language: the presenter has them from
    CLDR, which a pure card module does not read."""
    return PlanFormLabels(
        who_heading=t("plan.form.who"),
        members=t("plan.form.members"),
        members_placeholder=t("plan.form.members.placeholder"),
        members_error=t("plan.error.no_members"),
        when_heading=t("plan.form.when"),
        cadence=t("plan.form.cadence"),
        cadence_choices=(
            Choice(f.WEEKLY, t("plan.cadence.weekly")),
            *(Choice(f"weeks:{n}", t("plan.cadence.weeks", count=n)) for n in f.EVERY_N_WEEKS),
            *(Choice(f"monthly:{week}", t(f"plan.cadence.monthly.{week}"))
              for week in f.MONTH_WEEKS),
        ),
        days=t("plan.form.days"),
        day_choices=tuple(Choice(day, name) for day, name in zip(f.WEEKDAYS, day_names,
                                                                 strict=True)),
        days_hint=t("plan.form.days.hint"),
        days_error=t("plan.error.no_days"),
        window_start=t("plan.form.window_start"),
        window_end=t("plan.form.window_end"),
        duration=t("plan.form.duration"),
        duration_error=t("plan.error.duration", min=f.DURATION_MIN, max=f.DURATION_MAX),
        preference=t("plan.form.preference"),
        preference_choices=tuple(
            Choice(p, t(f"plan.preference.{p}")) for p in f.PREFERENCES
        ),
        mode=t("plan.form.mode"),
        mode_choices=tuple(Choice(m, t(f"plan.mode.{m}.long")) for m in f.MODES),
        starts_on=t("plan.form.starts_on"),
        ends_on=t("plan.form.ends_on"),
        occurrences=t("plan.form.occurrences"),
        occurrences_error=t("plan.error.occurrences", max=f.OCCURRENCES_MAX),
        horizon_hint=t("plan.form.horizon.hint"),
        what_heading=t("plan.form.what"),
        goal=t("plan.form.goal"),
        goal_placeholder=t("plan.form.goal.placeholder"),
        goal_error=t("plan.error.goal_required"),
        material=t("plan.form.material"),
        material_placeholder=t("plan.form.material.placeholder"),
        material_error=t("plan.error.material_url"),
        errors_heading=t("plan.form.errors_heading"),
        preview_button=t("plan.form.preview"),
        book_button=t("plan.form.book"),
        save_button=t("plan.form.save"),
    )
