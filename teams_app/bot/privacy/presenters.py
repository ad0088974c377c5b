"""A person's own data as cards in their language: holdings grouped by what they are for,
counted, with when each kind was last recorded and where it is stored."""

from __future__ import annotations

from collections.abc import Sequence

from cards import Translator
from cards.privacy import (
    EraseConfirmView,
    ErasedView,
    ExportReadyView,
    HeldGroup,
    MyDataView,
    PrivacyNoticeView,
)
from cards.views import Fact
from teams_app.bot.formatting import long_date, minutes
from teams_app.domain.privacy import DATABASE, Erased, Holding
from teams_app.use_cases.privacy.holdings import PersonalDataReport

# Which group each source's holdings are shown in; a source not named here (a new
# capability's) is shown under "other records" until it gets a group of its own.
_GROUPS = {"plans": "plans", "campaigns": "campaigns", "reflections": "reflections",
           "partners": "partners", "languages": "reach", "conversations": "reach",
           "reach": "reach"}
_GROUP_ORDER = ("plans", "campaigns", "reflections", "partners", "reach", "other")
_KINDS = {"membership", "owned_plan", "slot", "sessions", "response", "prompt", "language", "chat",
          "unreachable", "reflection", "follow_up", "reflection_round", "partner_group",
          "partner_check_in"}
# In the order a person reads what an erase did: their answers first, how they were reached last.
_COUNTS = ("named_responses", "prompts_kept_as_counts", "prompts_unsent", "named_reflections",
           "private_reflections", "follow_ups", "rounds_kept_as_counts", "rounds_unsent",
           "partner_groups", "partner_check_ins", "memberships", "slots", "sessions",
           "languages", "chats", "unreachable")


def my_data_view(report: PersonalDataReport, t: Translator) -> MyDataView:
    groups: dict[str, list[Fact]] = {}
    by_kind: dict[tuple[str, str], list[Holding]] = {}
    for holding in report.holdings:
        by_kind.setdefault((holding.source, holding.kind), []).append(holding)
    for (source, kind), held in by_kind.items():
        group = _GROUPS.get(source, "other")
        groups.setdefault(group, []).append(Fact(_kind(t, kind), _row(t, held)))
    return MyDataView(
        title=t("privacy.title"),
        intro=t("privacy.intro"),
        groups=tuple(HeldGroup(t(f"privacy.group.{g}"), tuple(groups[g]))
                     for g in _GROUP_ORDER if g in groups),
        empty=None if report.holdings else t("privacy.empty"),
        anonymous_note=t("privacy.anonymous_note"),
        owned_note=t("privacy.owned_note") if _owned(report) else None,
        export_button=t("privacy.export_button") if report.holdings else None,
        erase_button=t("privacy.erase_button") if report.erasable else None,
    )


def confirm_view(report: PersonalDataReport, t: Translator) -> EraseConfirmView:
    responses = sum(1 for h in report.holdings if h.kind == "response")
    reflections = sum(1 for h in report.holdings if h.kind in ("reflection", "follow_up"))
    pairings = sum(1 for h in report.holdings if h.kind == "partner_group")
    plans = len({h.item_id for h in report.holdings if h.kind == "membership"})
    owned = _owned(report)
    will_go = []
    if responses:
        will_go.append(_counted(t, "privacy.confirm.go.responses", responses))
    if reflections:
        will_go.append(_counted(t, "privacy.confirm.go.reflections", reflections))
    if pairings:
        will_go.append(_counted(t, "privacy.confirm.go.partners", pairings))
    if plans:
        will_go.append(_counted(t, "privacy.confirm.go.plans", plans))
    will_go.append(t("privacy.confirm.go.reach"))
    return EraseConfirmView(
        title=t("privacy.confirm.title"), will_go=tuple(will_go),
        owned_stay=_counted(t, "privacy.confirm.stay_owned", owned) if owned else None,
        will_stay=t("privacy.confirm.stay"), warning=t("privacy.confirm.warning"),
        confirm_button=t("privacy.confirm.button"), keep_button=t("privacy.confirm.keep"),
        person_id=report.person_id, fingerprint=report.fingerprint,
    )


def erased_view(erased: Erased, t: Translator) -> ErasedView:
    return ErasedView(
        title=t("privacy.erased.title"),
        counts=tuple(Fact(_count(t, kind), str(n)) for kind, n in sorted(
            erased.counts.items(), key=lambda c: (_rank(c[0]), c[0]))),
        follow_up=t("privacy.erased.follow_up"),
        back_button=t("privacy.erased.back"),
    )


def export_view(url: str, valid_minutes: int, t: Translator) -> ExportReadyView:
    return ExportReadyView(
        title=t("privacy.export.title"), message=t("privacy.export.message"),
        expires=t("privacy.export.expires", minutes=minutes(t, valid_minutes)),
        why_link=t("privacy.export.why_link"), download_button=t("privacy.export.download"),
        url=url,
    )


def notice_view(key: str, t: Translator) -> PrivacyNoticeView:
    return PrivacyNoticeView(t("privacy.notice.title"), t(key), t("privacy.notice.button"))


def _owned(report: PersonalDataReport) -> int:
    return sum(1 for h in report.holdings if h.kind == "owned_plan")


def _counted(t: Translator, key: str, count: int) -> str:
    return t(f"{key}.one") if count == 1 else t(key, count=count)


def _row(t: Translator, held: Sequence[Holding]) -> str:
    where = ", ".join(_where(t, w) for w in _places(held))
    dates = [h.recorded_at for h in held if h.recorded_at is not None]
    count = str(len(held))
    if not dates:
        return t("privacy.row.undated", count=count, where=where)
    return t("privacy.row", count=count, when=long_date(t, max(dates).date()), where=where)


def _places(held: Sequence[Holding]) -> list[str]:
    places: list[str] = []
    for holding in held:
        places += [p for p in holding.stored_in if p not in places]
    return places


def _where(t: Translator, place: str) -> str:
    if place == DATABASE:
        return t("privacy.where.database")
    if place == "calendar":
        return t("privacy.where.calendar")
    if place.startswith("sharepoint:"):
        return t("privacy.where.sharepoint", name=place.removeprefix("sharepoint:"))
    return place


def _kind(t: Translator, kind: str) -> str:
    return t(f"privacy.kind.{kind}") if kind in _KINDS else kind


def _rank(kind: str) -> int:
    return _COUNTS.index(kind) if kind in _COUNTS else len(_COUNTS)


def _count(t: Translator, kind: str) -> str:
    return t(f"privacy.count.{kind}") if kind in _COUNTS else t("privacy.count.other")


