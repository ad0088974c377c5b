"""The plans list: a manager's plans with kept vs booked hours, to edit or cancel."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import more_line, reach_block, section
from cards.charts import kept_hours_chart
from cards.elements import card, execute, heading, text
from cards.slots import leave_action
from cards.views import MemberPlanSummary, MembershipsView, PlansListView, PlanSummary

TITLE_MAX_CHARS = 120  # a goal can be 500 characters; the list shows its start
MAX_PLANS = 20  # the presenter sends at most this many and says how many more there are


def plans_list_card(view: PlansListView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if view.notice:
        body.append(ac.Container(style="attention", items=[text(view.notice, weight="Bolder")]))
    if view.intro and view.plans:
        body.append(text(view.intro, subtle=True))
    memberships = view.memberships if view.memberships and view.memberships.plans else None
    if not view.plans and memberships is None:
        body.append(text(view.empty))
    body += [_plan(view, plan) for plan in view.plans[:MAX_PLANS]]
    body += more_line(view.more)
    if memberships is not None:
        body += _memberships(memberships)
    return card(body, [execute(view.new_plan_button, verbs.PLAN_NEW)])


def _memberships(view: MembershipsView) -> list[ac.Element]:
    """The plans the person is in, below their own: a section of its own, so an owner who
    is also a member reads which plans they run and which they take part in."""
    items: list[ac.Element] = [section(view.title)]
    items += [_membership(plan) for plan in view.plans[:MAX_PLANS]]
    return items + more_line(view.more)


def _membership(plan: MemberPlanSummary) -> ac.Container:
    items: list[ac.Element] = [
        text(shorten(plan.title, TITLE_MAX_CHARS), weight="Bolder", max_lines=2),
        text(plan.when, subtle=True, spacing="Small"),
    ]
    if plan.next_session:
        items.append(text(plan.next_session, spacing="Small"))
    items += [
        text(plan.hours, spacing="Small"),
        ac.ActionSet(actions=[leave_action(plan.leave)]),
    ]
    return ac.Container(separator=True, spacing="Medium", items=items)


def _plan(view: PlansListView, plan: PlanSummary) -> ac.Container:
    details = " · ".join(p for p in (plan.cadence, plan.members, plan.status) if p)
    items: list[ac.Element] = [
        text(shorten(plan.title, TITLE_MAX_CHARS), weight="Bolder", max_lines=2),
        text(details, subtle=True, spacing="Small"),
    ]
    lost = max(plan.booked_hours - plan.kept_hours, 0.0)
    if plan.kept_hours + lost > 0:
        items.append(kept_hours_chart(view.hours_title, plan.kept_hours, lost,
                                      kept_legend=view.kept_legend,
                                      lost_legend=view.lost_legend))
    items.append(text(plan.hours, spacing="Small"))
    if plan.reach is not None:
        items.append(reach_block(plan.reach))
    # A draft nobody booked is discarded; a booked plan is cancelled (its series removed).
    verb, button, confirm_button = (
        (verbs.PLAN_DISCARD, view.discard_button, view.confirm_discard_button) if plan.draft
        else (verbs.PLAN_CANCEL, view.cancel_button, view.confirm_cancel_button)
    )
    confirm = ac.AdaptiveCard(
        version=None,  # the model's default; a ShowCard's card has none
        body=[text(plan.cancel_question)],
        actions=[execute(confirm_button, verb, style="destructive",
                         plan_id=plan.plan_id, revision=plan.revision)],
    )
    actions: list[ac.Action] = [
        execute(view.edit_button, verbs.PLAN_EDIT, plan_id=plan.plan_id, revision=plan.revision),
    ]
    if view.report_button and not plan.draft:  # a draft has no sessions or answers to report
        actions.append(execute(view.report_button, verbs.REPORT_SHOW, plan_id=plan.plan_id))
    actions.append(ac.ShowCardAction(title=button, card=confirm))
    items.append(ac.ActionSet(actions=actions))
    return ac.Container(separator=True, spacing="Large", items=items)


def shorten(value: str, limit: int) -> str:
    """`value` on one line, cut at a word boundary to at most `limit` characters."""
    line = " ".join(value.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(" ,.;:-") + "…"
