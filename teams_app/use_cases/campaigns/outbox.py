"""Responses on their way to the organisation's SharePoint lists.

A periodic sweep (`hand_to_outbox`, the `campaign.export` job) hands every response that is
new or edited since its last export to the SharePoint outbox (`tx.outbox.add`, issue 12's
"Results in SharePoint"), which writes it to its form kind's list by its random response key, so
an edit updates the same item and a retry never adds one.

Why a sweep and not a row in the outbox from the answer's own transaction: the outbox row (its
id, its time, on PostgreSQL its transaction id) would record the moment each anonymous answer
came and the order they came in. The sweep adds them later, together, in the order of their
random keys, in a transaction of its own. Anonymous responses of a campaign leave only in
batches of at least its k, or once the campaign is closed, or the day after they came, so a
batch of one does not tell when its single answer was given (docs/campaigns.md, "Anonymity").
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import structlog

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.results.items import response_fields
from teams_app.domain.results.lists import ListKind, ResultsList, results_list
from teams_app.ports import Clock, UnitOfWorkFactory
from teams_app.ports.forms import FormCatalog

log = structlog.get_logger()

EXPORT = "campaign.export"
EXPORT_EVERY_SECONDS = 60.0
BATCH = 500


async def hand_to_outbox(
    *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock, limit: int = BATCH
) -> int:
    """Hands waiting responses to the SharePoint outbox; returns how many."""
    at = clock.now()
    lists: dict[ListKind, ResultsList] = {}
    async with uow() as tx:
        waiting = await tx.campaigns.unexported_responses(limit)
        if not waiting:
            return 0  # the usual minute: nothing new, so nothing more to read
        every_version = await forms.every_version()
        campaigns = {c: await tx.campaigns.get(c) for c in {r.campaign_id for r in waiting}}
        anonymous_waiting = Counter(r.campaign_id for r in waiting if r.person_id is None)
        handed: list[str] = []
        for response in waiting:
            campaign = campaigns[response.campaign_id]
            if campaign is None or not _may_leave(response, campaign, anonymous_waiting, at):
                continue
            form = await forms.get(response.form_key, response.form_version)
            if form is None:
                log.warning("response_form_missing", form_key=response.form_key,
                            form_version=response.form_version)
                continue
            try:
                answers = validate_answers(form, response.answers)
            except InvalidAnswers:  # stored after the same check: only a changed form file
                log.warning("response_unreadable", form_key=form.key, version=form.version)
                continue
            kind = ListKind(form.kind.value)
            if kind not in lists:
                lists[kind] = results_list(every_version, kind)
            fields = response_fields(
                lists[kind], answers, response_key=response.key,
                campaign_id=response.campaign_id,
                submitted_at=response.updated_at or response.submitted_at,
                person_id=response.person_id,
            )
            await tx.outbox.add(kind.value, response.key, fields)
            handed.append(response.key)
        await tx.campaigns.mark_exported(handed)
        await tx.commit()
    return len(handed)


def _may_leave(
    response: StoredResponse, campaign: Campaign, anonymous_waiting: Counter[str],
    at: datetime,
) -> bool:
    if response.person_id is not None:
        return True  # named: its item says who anyway
    return (
        anonymous_waiting[campaign.id] >= campaign.spec.k
        or not campaign.is_open(at)
        or response.submitted_at.date() < at.date()
    )
