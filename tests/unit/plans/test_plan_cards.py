"""The protected-learning-time cards (issue 4), in every language: valid Adaptive Cards 1.5 with
valid fallbacks, every text shown, the verbs and ids the handlers expect, under the size limit.
The views come from plan_card_views.py, built from the catalogs as a presenter does."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from cards import (
    MAX_PLANS,
    MAX_ROWS,
    SUPPORTED_LOCALES,
    BookingProgressView,
    BookingSummaryView,
    Choice,
    LeaveChoice,
    PlanPreviewView,
    PlansListView,
    Translator,
    booking_progress_card,
    booking_summary_card,
    member_left_card,
    plan_form_card,
    plan_preview_card,
    plans_list_card,
    slot_booked_card,
    slot_collision_card,
    translator_for,
    verbs,
)
from cards import plan_fields as f
from cards.plans import form_data
from cards.plans_list import shorten
from tests.card_schema import MAX_CARD_BYTES, assert_valid_card, known_types
from tests.card_texts import nodes
from tests.unit.plans.plan_card_views import (
    GOAL,
    MATERIAL,
    all_plan_cards,
    booked_view,
    collision_view,
    edit_plan_view,
    edit_preview_view,
    member_left_view,
    memberships_view,
    moved_to,
    new_plan_view,
    plans_view,
    preview_view,
    progress_view,
    summary_view,
)

# --- helpers -----------------------------------------------------------------------------------


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action, also those in ActionSets and ShowCards, but not fallbacks' copies."""
    found = []
    for node in nodes(card):
        for action in node.get("actions", []) if node.get("type") != "Action.Submit" else []:
            if isinstance(action, dict) and str(action.get("type", "")).startswith("Action."):
                found.append(action)
    return found


def by_verb(card: dict[str, Any], verb: str) -> dict[str, Any]:
    matches = [a for a in actions(card) if a.get("verb") == verb]
    assert len(matches) == 1, f"{verb}: {len(matches)} actions"
    return matches[0]


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in nodes(card) if str(n.get("type", "")).startswith("Input.")}


LANGUAGES = pytest.mark.parametrize("language", SUPPORTED_LOCALES)


# --- every card, every language ------------------------------------------------------------


@LANGUAGES
def test_every_plan_card_is_valid_adaptive_cards_1_5(language: str) -> None:
    for name, card in all_plan_cards(translator_for(language)).items():
        try:
            assert_valid_card(card)
        except AssertionError as exc:
            raise AssertionError(f"{name} ({language}): {exc}") from exc


@LANGUAGES
def test_every_execute_falls_back_to_a_submit_with_the_same_data(language: str) -> None:
    for name, card in all_plan_cards(translator_for(language)).items():
        for action in actions(card):
            if action["type"] == "Action.Execute":
                fallback = action["fallback"]
                assert fallback["type"] == "Action.Submit", name
                assert fallback["data"] == action["data"], name
                assert fallback["title"] == action["title"], name
                assert action["data"]["verb"] == action["verb"], name


@LANGUAGES
def test_teams_only_elements_carry_a_1_5_fallback(language: str) -> None:
    cards = all_plan_cards(translator_for(language))
    extras = {n["type"]: n for c in cards.values() for n in nodes(c)
              if str(n.get("type", "")).startswith("Chart.")}
    assert set(extras) == {"Chart.HorizontalBar.Stacked"}
    for element in extras.values():
        assert element["type"] not in known_types()
        fallback = element["fallback"]
        assert fallback["type"] in known_types()
        assert_valid_card({"type": "AdaptiveCard", "version": "1.5", "body": [fallback]})


# --- the plan card ---------------------------------------------------------------------------


@LANGUAGES
def test_plan_card_shows_every_label_and_choice(language: str) -> None:
    t = translator_for(language)
    view = new_plan_view(t)
    text = card_text(plan_form_card(view))
    labels = view.labels
    for value in vars(labels).values():
        for label in value if isinstance(value, tuple) else (value,):
            shown = label.title if isinstance(label, Choice) else label
            if label is labels.errors_heading:
                continue  # only with errors
            if label is labels.save_button:
                continue  # only when editing
            assert json.dumps(shown, ensure_ascii=False)[1:-1] in text, shown
    assert {c.title for c in view.people} <= {
        c["title"] for c in inputs(plan_form_card(view))[f.MEMBERS]["choices"]}


def test_plan_card_has_the_inputs_the_handler_reads() -> None:
    card = plan_form_card(new_plan_view(translator_for("en")))
    found = inputs(card)
    assert set(found) == {f.MEMBERS, f.CADENCE, f.DAYS, f.WINDOW_START, f.WINDOW_END,
                          f.DURATION, f.PREFERENCE, f.MODE, f.STARTS_ON, f.ENDS_ON,
                          f.OCCURRENCES, f.GOAL, f.MATERIAL_URL}
    assert found[f.MEMBERS]["isMultiSelect"] and found[f.DAYS]["isMultiSelect"]
    assert found[f.DURATION] | {"min": 15, "max": 240} == found[f.DURATION]
    assert found[f.WINDOW_START]["type"] == found[f.WINDOW_END]["type"] == "Input.Time"
    assert found[f.STARTS_ON]["type"] == found[f.ENDS_ON]["type"] == "Input.Date"
    assert found[f.GOAL]["isMultiline"] and found[f.GOAL]["maxLength"] == f.GOAL_MAX_LENGTH
    assert found[f.MATERIAL_URL]["style"] == "url"
    assert [c["value"] for c in found[f.CADENCE]["choices"]] == list(f.CADENCES)
    assert [c["value"] for c in found[f.DAYS]["choices"]] == list(f.WEEKDAYS)
    assert [c["value"] for c in found[f.MODE]["choices"]] == list(f.MODES)
    assert [c["value"] for c in found[f.PREFERENCE]["choices"]] == list(f.PREFERENCES)
    assert found[f.DURATION]["errorMessage"] == "Duration must be between 15 and 240 minutes."


def test_a_new_plan_sends_no_plan_id_and_an_edited_one_sends_its_id_and_revision() -> None:
    t = translator_for("en")
    new, edited = plan_form_card(new_plan_view(t)), plan_form_card(edit_plan_view(t))
    for verb in (verbs.PLAN_PREVIEW, verbs.PLAN_BOOK):
        assert by_verb(new, verb)["data"] == {"verb": verb}
    for verb in (verbs.PLAN_PREVIEW, verbs.PLAN_SAVE):
        assert by_verb(edited, verb)["data"] == {"verb": verb, "plan_id": "p-7", "revision": 3}
    assert [a["verb"] for a in new["actions"]] == [verbs.PLAN_PREVIEW, verbs.PLAN_BOOK]
    # An edit is saved, not booked: the edit card has Save where a new plan has Book.
    assert [(a["verb"], a["title"]) for a in edited["actions"]] == [
        (verbs.PLAN_PREVIEW, "Preview"), (verbs.PLAN_SAVE, "Save")]


@LANGUAGES
def test_the_preview_of_an_edit_saves_the_answers_it_carries(language: str) -> None:
    t = translator_for(language)
    card = plan_preview_card(edit_preview_view(t))
    save, edit = by_verb(card, verbs.PLAN_SAVE), by_verb(card, verbs.PLAN_EDIT)
    assert save["title"] == t("plan.preview.save") != t("plan.preview.book")
    assert not [a for a in actions(card) if a.get("verb") in (verbs.PLAN_BOOK,
                                                              verbs.PLAN_DISCARD)]
    carried = form_data(edit_plan_view(t).values)
    assert save["data"] == {"verb": verbs.PLAN_SAVE, "plan_id": "p-7", "revision": 3, **carried}
    assert edit["data"] == {"verb": verbs.PLAN_EDIT, "plan_id": "p-7", "revision": 3, **carried}
    assert carried[f.DAYS] == "tue,thu" and carried[f.DURATION] == "300"
    assert f.ENDS_ON not in carried  # empty answers are left out, as Teams leaves them out


def test_editing_fills_in_the_plan_and_shows_errors_under_their_inputs() -> None:
    card = plan_form_card(edit_plan_view(translator_for("en")))
    found = inputs(card)
    assert found[f.MEMBERS]["value"] == "reports,user:u-2"
    assert found[f.DAYS]["value"] == "tue,thu"
    assert found[f.CADENCE]["value"] == "monthly:first"
    assert found[f.DURATION]["value"] == 300
    assert found[f.OCCURRENCES]["value"] == 6
    assert found[f.MODE]["value"] == "team"
    assert found[f.GOAL]["value"] == GOAL
    assert f.ENDS_ON not in {k for k, v in found.items() if "value" in v}

    def error_after(input_id: str) -> str:
        for node in nodes(card):
            items = node.get("items", node.get("body"))
            if isinstance(items, list):
                ids = [i.get("id") for i in items]
                if input_id in ids:
                    after = items[ids.index(input_id) + 1]
                    assert after["color"] == "attention"
                    return after["text"]
        raise AssertionError(input_id)

    assert error_after(f.DURATION) == "Duration must be between 15 and 240 minutes."
    assert error_after(f.MATERIAL_URL).startswith("The link must start with https://")
    # the client's own message would repeat ours when its check fails again
    assert "errorMessage" not in found[f.DURATION] and "errorMessage" not in found[f.MATERIAL_URL]
    assert found[f.DAYS]["errorMessage"] == "Choose at least one day."
    top = card["body"][2]
    assert top["style"] == "attention"
    assert "Only the person who created this plan can change it." in card_text(top)


# --- preview, progress, summary ----------------------------------------------------------------


@LANGUAGES
def test_preview_lists_each_person_their_time_conflicts_and_who_cannot_be_booked(
    language: str,
) -> None:
    t = translator_for(language)
    view = preview_view(t)
    card = plan_preview_card(view)
    table = next(n for n in nodes(card) if n.get("type") == "Table")
    rows = [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]
    assert rows[0] == [view.member_header, view.time_header, view.conflicts_header]
    assert rows[1:] == [[s.member, s.when, s.conflicts] for s in view.slots]
    facts = next(n for n in nodes(card) if n.get("type") == "FactSet")["facts"]
    assert [(x["title"], x["value"]) for x in facts] == [(u.member, u.reason)
                                                         for u in view.unbookable]
    for verb in (verbs.PLAN_BOOK, verbs.PLAN_EDIT, verbs.PLAN_DISCARD):
        assert by_verb(card, verb)["data"] == {"verb": verb, "plan_id": "p-7", "revision": 1}
    assert by_verb(card, verbs.PLAN_DISCARD)["style"] == "destructive"


@LANGUAGES
def test_progress_and_summary_show_their_counts(language: str) -> None:
    t = translator_for(language)
    progress = booking_progress_card(progress_view(t))
    assert t("plan.booking.progress", done=12, total=30) in card_text(progress)
    assert bar_parts(progress) == [(110, "good"), (10, "attention"), (180, "emphasis")]
    assert "actions" not in progress
    summary_v = summary_view(t)
    summary = booking_summary_card(summary_v)
    text = card_text(summary)
    for fact in summary_v.counts:
        assert fact.title in text
    for failure in summary_v.failures:
        assert failure.member in text and failure.reason in text
    assert "**plans**" in text
    assert by_verb(summary, verbs.PLANS_LIST)["data"] == {"verb": verbs.PLANS_LIST}


def bar_parts(card: dict[str, Any]) -> list[tuple[int, str]]:
    """The (relative width, colour) of each segment of the card's first 1.5 bar."""
    bar = next(n for n in nodes(card) if n.get("type") == "ColumnSet"
               and all(c.get("minHeight") for c in n["columns"]))
    return [(c["width"], c["style"]) for c in bar["columns"]]


@pytest.mark.parametrize(
    ("booked", "failed", "total", "parts"),
    [(0, 0, 30, [(300, "emphasis")]), (30, 0, 30, [(300, "good")]),
     (28, 2, 30, [(280, "good"), (20, "attention")]), (0, 0, 0, [(10, "emphasis")]),
     (40, 0, 30, [(400, "good")])],
)
def test_the_progress_bar_shows_booked_failed_and_still_to_do(
    booked: int, failed: int, total: int, parts: list[tuple[int, str]]
) -> None:
    card = booking_progress_card(BookingProgressView("p", "T", "P", booked, failed, total, (),
                                                     "N"))
    assert_valid_card(card)
    assert bar_parts(card) == parts


# --- plans list ------------------------------------------------------------------------------


@LANGUAGES
def test_plans_list_shows_each_plan_with_hours_edit_and_a_confirmed_cancel(language: str) -> None:
    t = translator_for(language)
    view = plans_view(t)
    card = plans_list_card(view)
    text = card_text(card)
    for plan in view.plans:
        assert plan.hours in text and plan.members in text
        edit = [a for a in actions(card) if a.get("verb") == verbs.PLAN_EDIT
                and a["data"]["plan_id"] == plan.plan_id]
        assert len(edit) == 1
        show = [a for a in actions(card) if a["type"] == "Action.ShowCard"
                and card_text(a).count(f'"plan_id": "{plan.plan_id}"')]
        # A draft nobody booked is discarded; a booked plan is cancelled.
        verb = verbs.PLAN_DISCARD if plan.draft else verbs.PLAN_CANCEL
        title = view.discard_button if plan.draft else view.cancel_button
        assert len(show) == 1 and show[0]["title"] == title
        confirm = show[0]["card"]["actions"][0]
        assert confirm["verb"] == verb and confirm["style"] == "destructive"
        assert confirm["data"] == {"verb": verb, "plan_id": plan.plan_id,
                                   "revision": plan.revision}
        assert edit[0]["data"]["revision"] == plan.revision
        assert plan.cancel_question in card_text(show[0]["card"])
    # no chart for a plan with nothing booked yet; the words are always there
    charts = [n for n in nodes(card) if n.get("type") == "Chart.HorizontalBar.Stacked"]
    assert len(charts) == 2
    # A quarter hour stays in the chart as in the words beside it (2.25 kept of 4 booked).
    assert [p["value"] for p in charts[1]["data"][0]["data"]] == [2.25, 1.75]
    assert by_verb(card, verbs.PLAN_NEW)["data"] == {"verb": verbs.PLAN_NEW}


def test_an_empty_plans_list_says_how_to_start() -> None:
    t = translator_for("en")
    card = plans_list_card(plans_view(t, plans=0))
    assert t("plans.empty") in card_text(card)
    assert t("plans.intro") not in card_text(card)


def test_long_goals_are_shortened_on_a_word_boundary() -> None:
    assert shorten("Short goal", 120) == "Short goal"
    long = shorten("word " * 60, 40)
    assert len(long) <= 40 and long.endswith("…") and " …" not in long
    assert shorten("first line\nsecond line", 120) == "first line second line"


# --- member cards ---------------------------------------------------------------------------


@LANGUAGES
def test_the_booked_card_shows_the_goal_time_and_opens_the_material(language: str) -> None:
    t = translator_for(language)
    view = booked_view(t)
    card = slot_booked_card(view)
    text = card_text(card)
    assert all(fact.value in text for fact in view.facts)
    assert GOAL in text and view.protected_note in text
    assert card["actions"][0] == {"type": "Action.OpenUrl", "title": view.material_button,
                                  "url": MATERIAL}
    assert [a["type"] for a in slot_booked_card(booked_view(t, material=False))["actions"]] == [
        "Action.ShowCard"]  # Leave, with its confirmation
    assert_leave_asks_first(card["actions"][1], view.leave)


def assert_leave_asks_first(action: dict[str, Any], leave: LeaveChoice | None) -> None:
    assert leave is not None
    assert action["type"] == "Action.ShowCard" and action["title"] == leave.button
    assert leave.question in card_text(action["card"])
    [confirm] = action["card"]["actions"]
    assert confirm["verb"] == verbs.PLAN_LEAVE and confirm["style"] == "destructive"
    assert confirm["title"] == leave.confirm_button
    # ids only: the handler checks the sender is this member and the revision is current
    assert confirm["data"] == {"verb": verbs.PLAN_LEAVE, "plan_id": leave.plan_id,
                               "revision": leave.revision, "member_id": leave.member_id}


@LANGUAGES
def test_the_plans_a_member_is_in_come_below_their_own_with_slot_hours_and_leave(
    language: str,
) -> None:
    t = translator_for(language)
    members = memberships_view(t)
    card = plans_list_card(replace(plans_view(t, plans=1), memberships=members))
    text = card_text(card)
    own = text.index(shorten(plans_view(t, plans=1).plans[0].title, 120))
    assert own < text.index(members.title)  # the person's own plans first
    for plan in members.plans:
        assert plan.title in text and plan.when in text and plan.hours in text
        assert plan.next_session is not None and plan.next_session in text
        [leave] = [a for a in actions(card) if a["type"] == "Action.ShowCard"
                   and card_text(a).count(f'"plan_id": "{plan.leave.plan_id}"')]
        assert_leave_asks_first(leave, plan.leave)
    # Someone who owns no plan sees the plans they are in, not "you have no plans yet".
    only = card_text(plans_list_card(replace(plans_view(t, plans=0), memberships=members)))
    assert members.title in only and t("plans.empty") not in only


@LANGUAGES
def test_the_owner_is_told_who_left_with_a_way_to_their_plans(language: str) -> None:
    t = translator_for(language)
    view = member_left_view(t)
    card = member_left_card(view)
    assert "Bram de Vries" in card_text(card) and GOAL in card_text(card)
    assert by_verb(card, verbs.PLANS_LIST)["title"] == view.plans_button


@LANGUAGES
def test_collision_buttons_carry_ids_only(language: str) -> None:
    t = translator_for(language)
    card = slot_collision_card(collision_view(t))
    ids = {"plan_id": "p-7", "slot_id": "s-3", "occurrence_id": "o-2026-03-10"}
    assert [a["verb"] for a in card["actions"]] == [verbs.SLOT_MOVE] * 3 + [verbs.SLOT_KEEP,
                                                                          verbs.SLOT_SKIP]
    moves = [a for a in card["actions"] if a["verb"] == verbs.SLOT_MOVE]
    assert [m["data"] for m in moves] == [
        {"verb": verbs.SLOT_MOVE, **ids, "move_to": f"2026-03-12T{hour}:00:00Z"}
        for hour in (13, 11, 15)
    ]
    assert moves[0]["title"] == t("slot.collision.move", when=moved_to(t))
    for verb in (verbs.SLOT_KEEP, verbs.SLOT_SKIP):
        assert by_verb(card, verb)["data"] == {"verb": verb, **ids}
    assert "Sprint review" in card["body"][0]["text"]


def test_with_no_free_time_the_collision_card_offers_keep_and_skip_and_says_why() -> None:
    t = translator_for("en")
    card = slot_collision_card(collision_view(t, free_time=False))
    assert [a["verb"] for a in card["actions"]] == [verbs.SLOT_KEEP, verbs.SLOT_SKIP]
    assert t("slot.collision.no_free_time") in card_text(card)
    assert "was deleted" in card["body"][0]["text"]


# --- size -------------------------------------------------------------------------------------


BIG: dict[str, Callable[[Translator], dict[str, Any]]] = {
    "preview with more people than fit": lambda t: plan_preview_card(
        PlanPreviewView(**{**vars(preview_view(t, rows=MAX_ROWS + 30)),
                           "unbookable": preview_view(t).unbookable * 30,
                           "slots_more": t("plan.more", count=30)})),
    "summary with many failures": lambda t: booking_summary_card(
        BookingSummaryView(**{**vars(summary_view(t)),
                              "failures": summary_view(t).failures * 40})),
    "plans list with many plans": lambda t: plans_list_card(
        PlansListView(**{**vars(plans_view(t, plans=MAX_PLANS + 10)),
                         "more": t("plan.more", count=10)})),
}


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
@pytest.mark.parametrize("name", BIG)
def test_long_lists_are_cut_and_stay_under_the_size_limit(name: str, language: str) -> None:
    card = BIG[name](translator_for(language))
    assert_valid_card(card)  # includes the size check
    assert len(card_text(card).encode()) < MAX_CARD_BYTES / 2
    tables = [n for n in nodes(card) if n.get("type") == "Table"]
    assert all(len(table["rows"]) == MAX_ROWS + 1 for table in tables)
    fact_sets = [n for n in nodes(card) if n.get("type") == "FactSet"]
    assert all(len(s["facts"]) <= MAX_ROWS for s in fact_sets)
