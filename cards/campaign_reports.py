"""The owner's campaign cards: the list of their campaigns, and a campaign's report (counts
always; charts only from k answers, which the presenter decides by what it puts in the view)."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, more_line, reach_block, section, small
from cards.campaign_views import CampaignReportView, CampaignsListView, SaidDidForm, SaidDidView
from cards.charts import distribution_chart, kept_hours_chart, rate_chart
from cards.elements import card, execute, heading, text

MAX_CAMPAIGNS = 20  # the presenter sends at most this many and says how many more there are
SAID_DID_INPUT = "said_did"  # the report's text input: what changed because of the answers


def campaigns_list_card(view: CampaignsListView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if not view.items:
        body.append(text(view.empty))
    for item in view.items[:MAX_CAMPAIGNS]:
        body.append(ac.Container(separator=True, spacing="Medium", items=[
            text(item.title, weight="Bolder"),
            text(item.details, subtle=True, spacing="Small"),
            text(item.counts, spacing="Small"),
            ac.ActionSet(actions=[execute(view.report_button, verbs.CAMPAIGN_REPORT,
                                          campaign_id=item.campaign_id)]),
        ]))
    body += more_line(view.more)
    return card(body, [execute(title, verbs.CAMPAIGN_NEW, kind=kind)
                       for kind, title in view.new_buttons])


def campaign_report_card(view: CampaignReportView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if view.notice:
        body.append(ac.Container(style="good", items=[text(view.notice, weight="Bolder")]))
    body += [text(view.details, subtle=True, spacing="Small"), facts(view.counts)]
    if view.below_k:
        body.append(small(view.below_k, spacing="Medium"))
    if view.rate is not None and view.rate.points:
        body += [text(view.rate.title, weight="Bolder", spacing="Medium"),
                 rate_chart(view.rate.title, view.rate.points, legend=view.rate.legend)]
    if view.hours is not None:
        hours = view.hours
        if hours.kept + hours.lost > 0:
            body.append(kept_hours_chart(hours.title, hours.kept, hours.lost,
                                         kept_legend=hours.kept_legend,
                                         lost_legend=hours.lost_legend))
        body.append(text(hours.words, spacing="Small"))
    if view.distributions and view.distributions_title:
        body.append(section(view.distributions_title))
        for d in view.distributions:
            body += [text(d.question, weight="Bolder", spacing="Medium"),
                     distribution_chart(d.question, d.bars)]
    if view.reach is not None:
        body.append(reach_block(view.reach))
    if view.said_did is not None:
        body += _said_did(view.campaign_id, view.said_did)
    return card(body, [
        execute(view.refresh_button, verbs.CAMPAIGN_REPORT, campaign_id=view.campaign_id),
        execute(view.list_button, verbs.CAMPAIGNS_LIST),
    ])


def _said_did(campaign_id: str, form: SaidDidForm) -> list[ac.Element]:
    items: list[ac.Element] = [section(form.label)]
    if form.notice:
        items.append(ac.Container(style="good", items=[text(form.notice, weight="Bolder")]))
    items += [small(line, spacing="Small") for line in form.sent]
    items.append(ac.TextInput(id=SAID_DID_INPUT, is_multiline=True, max_length=form.max_length,
                              placeholder=form.placeholder, value=form.value or None,
                              label=form.input_label))
    if form.error:
        items.append(text(form.error, color="attention", spacing="Small"))
    items.append(ac.ActionSet(actions=[
        execute(form.button, verbs.CAMPAIGN_SAID_DID, campaign_id=campaign_id, seen=form.seen),
    ]))
    return items


def said_did_card(view: SaidDidView) -> dict[str, Any]:
    """To everyone the campaign asked: what changed because of their answers."""
    return card([
        heading(view.title),
        text(view.about, subtle=True, spacing="Small"),
        text(view.text),
        small(view.thanks, spacing="Medium"),
    ])
