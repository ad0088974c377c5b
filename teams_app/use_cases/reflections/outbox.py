"""Reflections on their way to the organisation's SharePoint list ("Learning Loop
reflections"), by a periodic sweep as for campaign responses (use_cases/campaigns/outbox.py):
an outbox row added in the answer's own transaction would record when each anonymous
reflection came. Named ones go with their person; anonymous ones without, only in batches of at
least the round's k, once the round has closed, or the day after they came; private ones never
leave the database (domain/reflections/sharing.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import structlog

from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.reflections.rounds import Round
from teams_app.domain.reflections.sharing import StoredReflection, goes_to_list
from teams_app.domain.results.items import response_fields
from teams_app.domain.results.lists import LATE, ListKind, results_list
from teams_app.ports import Clock, FormCatalog, UnitOfWorkFactory

log = structlog.get_logger()

EXPORT = "reflection.export"
BATCH = 500


async def hand_reflections_to_outbox(
    *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock, limit: int = BATCH
) -> int:
    """Hands waiting reflections to the SharePoint outbox; returns how many were dealt with
    (private ones are marked without leaving)."""
    at = clock.now()
    async with uow() as tx:
        waiting = await tx.reflections.unexported_reflections(limit)
        if not waiting:
            return 0
        results = results_list(await forms.every_version(), ListKind.REFLECTION)
        rounds = {r: await tx.reflections.round(r) for r in {w.round_id for w in waiting}}
        anonymous = Counter(w.round_id for w in waiting if w.person_id is None)
        done: list[str] = []
        for reflection in waiting:
            rnd = rounds[reflection.round_id]
            if rnd is None or not _may_leave(reflection, rnd, anonymous, at):
                continue
            if not goes_to_list(reflection.sharing):
                done.append(reflection.key)
                continue
            form = await forms.get(reflection.form_key, reflection.form_version)
            if form is None:
                log.warning("reflection_form_missing", form_key=reflection.form_key)
                continue
            try:
                answers = validate_answers(form, reflection.answers)
            except InvalidAnswers:
                log.warning("reflection_unreadable", form_key=form.key, version=form.version)
                continue
            fields = response_fields(
                results, answers, response_key=reflection.key, campaign_id=reflection.round_id,
                submitted_at=reflection.submitted_at, person_id=reflection.person_id,
            )
            fields[LATE] = reflection.late
            await tx.outbox.add(ListKind.REFLECTION.value, reflection.key, fields)
            done.append(reflection.key)
        await tx.reflections.mark_reflections_exported(done)
        await tx.commit()
    return len(done)


def _may_leave(
    reflection: StoredReflection, rnd: Round, anonymous: Counter[str], at: datetime
) -> bool:
    if reflection.person_id is not None:
        return True
    return (anonymous[rnd.id] >= rnd.k or not rnd.is_open(at)
            or reflection.submitted_at.date() < at.date())
