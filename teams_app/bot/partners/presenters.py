"""Presenters of the learning partners' cards: ids become names, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cards import (
    Fact,
    PairingView,
    PartnerAnsweredView,
    PartnerCheckInView,
    PartnersView,
    Translator,
    partner_check_in_card,
    partners_card,
)
from teams_app.bot.formatting import day_and_month
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.partners import ROUND_CHECK_INS, Pairing
from teams_app.ports.partners import PartnerCheckIn
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.partners.check_ins import MAX_TEXT
from teams_app.use_cases.partners.pairing import MyPartners, PairedOf, SharedLearning


def names_of(t: Translator, people: Sequence[str], names: Mapping[str, str]) -> str:
    """"Bram de Vries" or "Bram de Vries and Carl Weber" (a trio)."""
    shown = [names.get(p, t("partners.unnamed")) for p in people]
    if len(shown) < 2:
        return "".join(shown)
    return t("partners.and", first=", ".join(shown[:-1]), last=shown[-1])


def partners_view(t: Translator, mine: Sequence[MyPartners], names: Mapping[str, str]
                  ) -> PartnersView:
    shared = {q: learning for m in mine for q, learning in m.shared.items()}
    return PartnersView(
        shared_title=t("partners.shared.title"),
        shared=tuple(Fact(names.get(q, t("partners.unnamed")), _shared_words(t, learning))
                     for q, learning in sorted(shared.items())),
        title=t("partners.title"),
        lines=tuple(_line(t, m, names) for m in mine),
        about=t("partners.about", weeks=min((m.pairing.every_weeks for m in mine), default=2)),
        empty=t("partners.none"),
    )


def of_name(t: Translator, of: PairedOf) -> str:
    """A plan by its goal; a round, which keeps no title, by the day it opened."""
    if of.round_on is not None:
        return t("partners.round", date=day_and_month(t, of.round_on))
    return of.plan_goal.strip() or t("plans.untitled")


def _line(t: Translator, mine: MyPartners, names: Mapping[str, str]) -> str:
    plan = of_name(t, mine.of)
    if not mine.partners:  # their partner's data was erased: the group shrank to them
        return t("partners.line_alone_round" if mine.pairing.round_id else "partners.line_alone",
                 plan=plan)
    return t("partners.line", plan=plan, partners=names_of(t, mine.partners, names))


def check_in_view(t: Translator, pairing: Pairing, number: int, partners: Sequence[str],
                  names: Mapping[str, str], *, went: str = "", would_help: str = "",
                  error: str | None = None,
                  shared: Mapping[str, SharedLearning] | None = None) -> PartnerCheckInView:
    who = names_of(t, partners, names)
    actions = [s.action for p in partners if (s := (shared or {}).get(p)) and s.action]
    went_label = (t("partners.checkin.went_action", partners=who, action=actions[0])
                  if len(partners) == 1 and actions else t("partners.checkin.went", partners=who))
    return PartnerCheckInView(
        pairing_id=pairing.id, number=number,
        title=t("partners.checkin.title", partners=who),
        intro=t("partners.checkin.intro", partners=who),
        went_label=went_label,
        help_label=t("partners.checkin.help"),
        max_length=MAX_TEXT, button=t("partners.checkin.send"),
        privacy=t("partners.checkin.privacy"),
        went=went, would_help=would_help, error=error,
    )


def answered_view(t: Translator, check_in: PartnerCheckIn, *, newly: bool,
                  partners: Sequence[str], names: Mapping[str, str]) -> PartnerAnsweredView:
    who = names_of(t, partners, names)
    answers = tuple((q, words) for q, words in (
        (t("partners.checkin.went", partners=who), check_in.went or ""),
        (t("partners.checkin.help"), check_in.would_help or ""),
    ) if words)
    return PartnerAnsweredView(
        title=t("partners.checkin.title", partners=who),
        notice=t("partners.checkin.saved" if newly else "partners.checkin.already"),
        answers=answers, privacy=t("partners.checkin.privacy"),
    )


def pairing_view(t: Translator, pairing: Pairing, of: PairedOf, names: Mapping[str, str],
                 *, notice: str | None = None, changed: bool = True,
                 unreached: Mapping[str, int] | None = None) -> PairingView:
    """`changed` False: the card pressed was old, nothing was paired; this is the newest."""
    if pairing.round_id is not None:
        ids: tuple[tuple[str, str], ...] = (("round_id", pairing.round_id),
                                            ("seen", pairing.id))
        about = t("partners.pairing.about_round", weeks=pairing.every_weeks,
                  count=ROUND_CHECK_INS)
    else:
        ids = (("plan_id", pairing.plan_id or ""),)
        about = t("partners.pairing.about", weeks=pairing.every_weeks)
    missed = sum((unreached or {}).values())
    return PairingView(
        again_ids=ids,
        title=t("partners.pairing.title", plan=of_name(t, of)),
        groups=tuple(" · ".join(sorted((names.get(p, t("partners.unnamed")) for p in group),
                                       key=str.casefold))
                     for group in pairing.groups),
        about=about, again_button=t("partners.pairing.again"), notice=notice,
        notice_style="good" if changed else "warning",
        unreached=t("partners.pairing.unreached", count=missed) if missed else None,
    )


def _shared_words(t: Translator, learning: SharedLearning) -> str:
    words = t("partners.shared.takeaway", takeaway=learning.takeaway)
    if learning.action:
        words += " " + (t("partners.shared.action_by", action=learning.action,
                          date=day_and_month(t, learning.action_by)) if learning.action_by
                        else t("partners.shared.action", action=learning.action))
    return words


class PartnerCardRenderer:
    """The renderer the partner jobs use (use_cases.partners.check_ins.PartnerCards)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def announce(self, pairing: Pairing, partners: tuple[str, ...], names: Mapping[str, str],
                 of: PairedOf, *, locale: str | None) -> OutboundMessage:
        t = self._cards.translator(locale)
        mine = MyPartners(pairing, partners, of)
        return OutboundMessage(card=partners_card(partners_view(t, [mine], names)),
                               summary=t("partners.title"))

    def check_in(self, pairing: Pairing, number: int, partners: tuple[str, ...],
                 names: Mapping[str, str], shared: Mapping[str, SharedLearning], *,
                 locale: str | None) -> OutboundMessage:
        t = self._cards.translator(locale)
        view = check_in_view(t, pairing, number, partners, names, shared=shared)
        return OutboundMessage(card=partner_check_in_card(view), summary=view.title)

