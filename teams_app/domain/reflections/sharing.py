"""What each person chose to share of their reflection, who may see what of it, and the round's
summary built only from what was allowed.

| sharing   | the author               | the group (and organiser) | SharePoint list        |
|-----------|--------------------------|---------------------------|------------------------|
| named     | everything               | take-away, action, name   | everything, person id  |
| anonymous | nothing after the card   | take-away, action         | everything, no person  |
| private   | everything               | counted as reflected      | nothing                |

Learning partners see a named reflection's take-away and action, and nothing of the others.

An anonymous reflection keeps no person, so not even its author can be shown it again (nor be
followed up). A private one is the author's alone: not in the summary, not in the organisation's
list; it counts only in how many reflected."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum

from teams_app.domain.forms.answers import AnswerSet, ChoiceAnswer, DateAnswer, TextAnswer

# The reflection form's question ids (adapters/forms/builtin/reflection.yaml).
TAKEAWAY, WAYS, HINDRANCES, DIFFERENTLY = "takeaway", "ways", "hindrances", "differently"
ACTION, ACTION_BY, SHARING = "action", "action_by", "sharing"
TOP_HINDRANCES = 3


class Sharing(StrEnum):
    NAMED = "named"
    ANONYMOUS = "anonymous"
    PRIVATE = "private"


class Viewer(StrEnum):
    AUTHOR = "author"  # the person who reflected, later (their own data)
    GROUP = "group"  # everyone where the summary is posted, the organiser among them
    ORGANISATION = "organisation"  # whoever reads the SharePoint list
    PARTNER = "partner"  # their learning partners (domain/partners.py), on their own cards


class Shown(StrEnum):
    NOTHING = "nothing"
    COUNT = "count"  # only that they reflected
    ANONYMOUS = "anonymous"  # the shared parts, without who
    NAMED = "named"  # the shared parts and who


_RULES: Mapping[tuple[Sharing, Viewer], Shown] = {
    (Sharing.NAMED, Viewer.AUTHOR): Shown.NAMED,
    (Sharing.NAMED, Viewer.GROUP): Shown.NAMED,
    (Sharing.NAMED, Viewer.ORGANISATION): Shown.NAMED,
    (Sharing.ANONYMOUS, Viewer.AUTHOR): Shown.NOTHING,
    (Sharing.ANONYMOUS, Viewer.GROUP): Shown.ANONYMOUS,
    (Sharing.ANONYMOUS, Viewer.ORGANISATION): Shown.ANONYMOUS,
    (Sharing.PRIVATE, Viewer.AUTHOR): Shown.NAMED,
    (Sharing.PRIVATE, Viewer.GROUP): Shown.COUNT,
    (Sharing.PRIVATE, Viewer.ORGANISATION): Shown.NOTHING,
    # A partner sees a take-away and action only with the author's name on it: an anonymous
    # one shown to the one person who knows whose it could be would not stay anonymous.
    (Sharing.NAMED, Viewer.PARTNER): Shown.NAMED,
    (Sharing.ANONYMOUS, Viewer.PARTNER): Shown.NOTHING,
    (Sharing.PRIVATE, Viewer.PARTNER): Shown.NOTHING,
}


def shown_to(sharing: Sharing, viewer: Viewer) -> Shown:
    return _RULES[(sharing, viewer)]


def keeps_person(sharing: Sharing) -> bool:
    """Whether the stored reflection names its author (anonymous ones never do)."""
    return sharing is not Sharing.ANONYMOUS


def goes_to_list(sharing: Sharing) -> bool:
    return shown_to(sharing, Viewer.ORGANISATION) is not Shown.NOTHING


@dataclass(frozen=True)
class ReflectionContent:
    """The parts of a reflection the summary and follow-ups read."""

    sharing: Sharing
    takeaway: str = field(repr=False)
    hindrances: tuple[str, ...] = ()  # choice ids ("other" among them)
    action: str | None = field(default=None, repr=False)
    action_by: date | None = None


def stored_content(reflection: StoredReflection) -> ReflectionContent:
    """What a stored reflection says (as the card sent it, already checked when it was
    stored): for its author's own history and, when named, their partners."""
    answers = reflection.answers
    action = (answers.get(ACTION) or "").strip() or None
    try:
        by = date.fromisoformat(answers.get(ACTION_BY) or "") if action else None
    except ValueError:
        by = None
    return ReflectionContent(reflection.sharing, (answers.get(TAKEAWAY) or "").strip(),
                             tuple(c for c in (answers.get(HINDRANCES) or "").split(",") if c),
                             action, by)


def content_of(answers: AnswerSet) -> ReflectionContent:
    """From answers the reflection form accepted (sharing and take-away are required)."""
    sharing = answers.get(SHARING)
    takeaway = answers.get(TAKEAWAY)
    hindrances = answers.get(HINDRANCES)
    action = answers.get(ACTION)
    by = answers.get(ACTION_BY)
    if not isinstance(sharing, ChoiceAnswer) or not isinstance(takeaway, TextAnswer):
        raise ValueError("not the reflection form's answers")
    return ReflectionContent(
        sharing=Sharing(sharing.choices[0]),
        takeaway=takeaway.text,
        hindrances=tuple(hindrances.choices) if isinstance(hindrances, ChoiceAnswer) else (),
        action=action.text if isinstance(action, TextAnswer) else None,
        action_by=by.value if isinstance(by, DateAnswer) else None,
    )


@dataclass(frozen=True)
class StoredReflection:
    """A reflection as kept. `person_id` None for an anonymous one, whose `submitted_at` is
    only the day (midnight UTC): no precise time to match against who was asked."""

    key: str  # random
    round_id: str
    sharing: Sharing
    form_key: str
    form_version: int
    answers: Mapping[str, str] = field(repr=False)  # as the card sent them; personal
    submitted_at: datetime
    late: bool = False  # after the round closed: kept, never in its summary
    person_id: str | None = None


def coarse_day(at: datetime) -> datetime:
    return datetime.combine(at.astimezone(UTC).date(), time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class SharedItem:
    """One shared take-away or action; `person_id` None when shared anonymously."""

    text: str = field(repr=False)
    person_id: str | None = None
    by: date | None = None  # an action's "by when"


@dataclass(frozen=True)
class RoundSummary:
    asked: int
    reflected: int  # on time, any sharing
    k: int
    takeaways: tuple[SharedItem, ...] = ()
    hindrances: tuple[tuple[str, int], ...] = ()  # (choice id, how many), most common first
    actions: tuple[SharedItem, ...] = ()

    @property
    def counts_only(self) -> bool:
        return self.reflected < self.k


def summarise(
    reflections: Iterable[tuple[ReflectionContent, str | None]], *, asked: int, k: int
) -> RoundSummary:
    """The group's summary from the on-time reflections (content, author id or None): below
    k reflections, counts only; otherwise what each shared, exactly as they chose. Named
    items first (by author), then anonymous ones ordered by their words, so the order tells
    nothing about who answered when."""
    kept = list(reflections)
    reflected = len(kept)
    if reflected < k:
        return RoundSummary(asked, reflected, k)
    shared: list[tuple[ReflectionContent, str | None]] = []
    for content, author in kept:
        shown = shown_to(content.sharing, Viewer.GROUP)
        if shown is Shown.NAMED:
            shared.append((content, author))
        elif shown is Shown.ANONYMOUS:
            shared.append((content, None))

    def order(item: SharedItem) -> tuple[int, str, str]:
        return (item.person_id is None, item.person_id or "", item.text)

    takeaways = sorted((SharedItem(c.takeaway, who) for c, who in shared), key=order)
    actions = sorted((SharedItem(c.action, who, c.action_by) for c, who in shared if c.action),
                     key=order)
    counted = Counter(h for c, _ in shared for h in c.hindrances)
    common = sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_HINDRANCES]
    return RoundSummary(asked, reflected, k, tuple(takeaways), tuple(common), tuple(actions))
