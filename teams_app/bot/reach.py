"""Who a plan's or a campaign's cards do not reach in Teams, and what would fix it: the notice on
the owner's plans list, booking summary and campaign report (use_cases/reach.py keeps the
reasons)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cards import MAX_ROWS, Fact, ReachNotice, Translator
from teams_app.domain.reach import UnreachablePerson


def reach_notice(
    t: Translator,
    unreachable: Sequence[UnreachablePerson],
    names: Mapping[str, str],
    *,
    missed_cards: int = 0,
    heading_key: str = "reach.heading",
) -> ReachNotice | None:
    """Who the plan's cards do not reach, why, and one piece of advice per reason present."""
    if not unreachable:
        return None
    reasons = list(dict.fromkeys(u.reason for u in unreachable))
    heading = (t(f"{heading_key}.one") if len(unreachable) == 1
               else t(f"{heading_key}.other", count=len(unreachable)))
    if missed_cards:
        heading = f"{heading} · {t('reach.missed', count=missed_cards)}"
    return ReachNotice(
        heading=heading,
        people=tuple(
            Fact(names.get(u.user_id, u.user_id), t(f"reach.reason.{u.reason.value}"))
            for u in unreachable[:MAX_ROWS]
        ),
        advice=tuple(t(f"reach.advice.{reason.value}") for reason in reasons),
        more=t("plan.more", count=len(unreachable) - MAX_ROWS)
        if len(unreachable) > MAX_ROWS else None,
    )
