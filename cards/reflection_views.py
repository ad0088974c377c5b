"""View models of the reflection round cards: display-ready strings only (the presenters in
teams_app/bot/reflections/ word and localise them)."""

from __future__ import annotations

from dataclasses import dataclass

from cards.views import Fact


@dataclass(frozen=True)
class SharedLine:
    text: str  # a take-away or an action, as its author wrote it
    who: str  # their name, or "Anonymous"
    by: str | None = None  # an action's "by when", worded


@dataclass(frozen=True)
class ReflectionSummaryView:
    """What a round's summary shows the group: only what each person chose to share."""

    title: str
    reflected: str  # "7 of 12 reflected"
    notes: tuple[str, ...] = ()  # counts only below k, private ones only counted, redirected
    takeaways_heading: str = ""
    takeaways: tuple[SharedLine, ...] = ()
    hindrances_heading: str = ""
    hindrances: tuple[Fact, ...] = ()  # (hindrance, how many)
    actions_heading: str = ""
    actions: tuple[SharedLine, ...] = ()
    more: str | None = None  # "…and 12 more" when the lists were cut
    nothing_shared: str | None = None
    round_id: str = ""  # with pair_button: the organiser pairs the participants from here
    pair_button: str | None = None


@dataclass(frozen=True)
class FollowUpAnswerView:
    """A follow-up answered: what they said, and "ask me again" after a "not yet"."""

    title: str
    message: str
    follow_up_id: str
    again_label: str | None = None  # None: no asking again (answered yes/partly, or twice)
