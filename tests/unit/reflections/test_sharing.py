"""The sharing rules (a table of choices x viewers: what each may see) and the round's
summary built only from what each person allowed."""

from __future__ import annotations

from datetime import date

import pytest

from teams_app.domain.reflections.sharing import (
    ReflectionContent,
    Sharing,
    Shown,
    Viewer,
    goes_to_list,
    keeps_person,
    shown_to,
    summarise,
)

RULES = [
    (Sharing.NAMED, Viewer.AUTHOR, Shown.NAMED),
    (Sharing.NAMED, Viewer.GROUP, Shown.NAMED),
    (Sharing.NAMED, Viewer.ORGANISATION, Shown.NAMED),
    (Sharing.ANONYMOUS, Viewer.AUTHOR, Shown.NOTHING),
    (Sharing.ANONYMOUS, Viewer.GROUP, Shown.ANONYMOUS),
    (Sharing.ANONYMOUS, Viewer.ORGANISATION, Shown.ANONYMOUS),
    (Sharing.PRIVATE, Viewer.AUTHOR, Shown.NAMED),
    (Sharing.PRIVATE, Viewer.GROUP, Shown.COUNT),
    (Sharing.PRIVATE, Viewer.ORGANISATION, Shown.NOTHING),
    (Sharing.NAMED, Viewer.PARTNER, Shown.NAMED),
    (Sharing.ANONYMOUS, Viewer.PARTNER, Shown.NOTHING),
    (Sharing.PRIVATE, Viewer.PARTNER, Shown.NOTHING),
]


@pytest.mark.parametrize(("sharing", "viewer", "shown"), RULES)
def test_each_choice_shows_each_viewer_exactly_this(
    sharing: Sharing, viewer: Viewer, shown: Shown
) -> None:
    assert shown_to(sharing, viewer) is shown


def test_the_table_covers_every_choice_and_viewer() -> None:
    assert {(s, v) for s, v, _ in RULES} == {(s, v) for s in Sharing for v in Viewer}


def test_only_anonymous_reflections_drop_the_person_and_private_ones_stay_home() -> None:
    assert [keeps_person(s) for s in Sharing] == [True, False, True]
    assert [goes_to_list(s) for s in Sharing] == [True, True, False]


def reflection(sharing: Sharing, takeaway: str, *, action: str | None = None,
               hindrances: tuple[str, ...] = (), by: date | None = None) -> ReflectionContent:
    return ReflectionContent(sharing, takeaway, hindrances, action, by)


def test_the_summary_shows_named_with_their_author_anonymous_without_and_private_never() -> None:
    summary = summarise([
        (reflection(Sharing.PRIVATE, "secret", action="hidden plan", hindrances=("pace",)),
         "clara"),
        (reflection(Sharing.ANONYMOUS, "zebra idea", action="act z", hindrances=("no_time",)),
         None),
        (reflection(Sharing.NAMED, "pairing", action="pair weekly", by=date(2026, 12, 1),
                    hindrances=("no_time", "format")), "astrid"),
        (reflection(Sharing.ANONYMOUS, "alpha idea", hindrances=("format", "no_time")), None),
        (reflection(Sharing.NAMED, "ask early"), "bram"),
    ], asked=9, k=5)
    assert (summary.asked, summary.reflected, summary.counts_only) == (9, 5, False)
    assert [(i.text, i.person_id) for i in summary.takeaways] == [
        ("pairing", "astrid"), ("ask early", "bram"), ("alpha idea", None), ("zebra idea", None)]
    assert [(i.text, i.person_id, i.by) for i in summary.actions] == [
        ("pair weekly", "astrid", date(2026, 12, 1)), ("act z", None, None)]
    assert summary.hindrances == (("no_time", 3), ("format", 2))
    texts = [i.text for i in (*summary.takeaways, *summary.actions)]
    assert "secret" not in texts and "hidden plan" not in texts


def test_below_k_only_counts_are_shown() -> None:
    summary = summarise([(reflection(Sharing.NAMED, "pairing", action="x"), "astrid")] * 4,
                        asked=12, k=5)
    assert summary.counts_only and summary.reflected == 4 and summary.asked == 12
    assert summary.takeaways == () and summary.actions == () and summary.hindrances == ()


def test_anonymous_items_are_ordered_by_their_words_not_by_when_they_came() -> None:
    first = summarise([(reflection(Sharing.ANONYMOUS, w), None) for w in "cab"], asked=3, k=3)
    second = summarise([(reflection(Sharing.ANONYMOUS, w), None) for w in "bca"], asked=3, k=3)
    assert [i.text for i in first.takeaways] == [i.text for i in second.takeaways] == list("abc")


def test_at_most_three_hindrances_most_common_first() -> None:
    many = [(reflection(Sharing.NAMED, "t", hindrances=h), "p") for h in (
        ("a", "b", "c", "d"), ("d", "c"), ("d",))]
    assert summarise(many, asked=3, k=3).hindrances == (("d", 3), ("c", 2), ("a", 1))


def test_a_stored_reflection_reads_back_what_its_card_sent() -> None:
    from datetime import UTC, date, datetime

    from teams_app.domain.reflections.sharing import StoredReflection, stored_content

    def stored(**answers: str) -> StoredReflection:
        return StoredReflection("k", "r", Sharing.NAMED, "reflection", 1, answers,
                                datetime(2026, 12, 1, tzinfo=UTC), person_id="p")

    read = stored_content(stored(takeaway=" Pairing helps ", hindrances="no_time,pace",
                                 action="Run a kata", action_by="2026-12-18"))
    assert (read.takeaway, read.hindrances, read.action, read.action_by) == (
        "Pairing helps", ("no_time", "pace"), "Run a kata", date(2026, 12, 18))
    assert stored_content(stored(takeaway="x", action="y", action_by="soon")).action_by is None
    assert stored_content(stored(takeaway="x", action_by="2026-12-18")).action_by is None
