"""The manager's learning report over one plan or one team's plans: read only, the owner only
(DESIGN.md 7); the k rule applied here, so nothing below k leaves this module
(domain/learning_report.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from teams_app.domain.bookings import OUT_OF_PLAN
from teams_app.domain.campaigns.campaigns import AudienceKind, Campaign
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.forms.answers import ChoiceAnswer, validate_answers
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.forms.questions import OTHER, Measure
from teams_app.domain.forms.texts import Texts
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.learning_report import (
    HindranceAnswer,
    LearningReport,
    PlanFacts,
    report_of,
    team_key,
)
from teams_app.domain.occurrence_records import StoredOccurrence
from teams_app.domain.occurrences import AccountedOccurrence, tally
from teams_app.domain.reflections.sharing import Sharing, StoredReflection
from teams_app.ports import Clock, FormCatalog, UnitOfWork, UnitOfWorkFactory
from teams_app.use_cases.learning_hours import accounted


class NoReport(Exception):
    """No such plan or team, or not the sender's: the same answer for both, so a tampered id
    learns nothing about another owner's plans."""

    def __init__(self, asked: str) -> None:
        super().__init__(asked)
        self.asked = asked


async def learning_report(
    plan_id: str, by: str, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock
) -> LearningReport:
    """One plan's report; it says how many plans its team has, for a "Whole team" offer."""
    async with uow(read_only=True) as tx:
        plan = await tx.plans.get(plan_id)
        if plan is None or plan.owner_id != by:
            raise NoReport(plan_id)
        team = await _team_plans(tx, by, team_key(plan))
        return await _report(tx, [plan], forms, at=clock.now(), team_plans=len(team))


async def team_report(
    team: str, by: str, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock
) -> LearningReport:
    """The report over every plan of `by` for one team (`team_key`), cancelled ones too: their
    sessions and answers are the team's history. Other owners' plans for the same people are
    never read."""
    async with uow(read_only=True) as tx:
        plans = await _team_plans(tx, by, team)
        if not plans:
            raise NoReport(team)
        return await _report(tx, plans, forms, at=clock.now(), team_id=team,
                             team_plans=len(plans))


async def _team_plans(tx: UnitOfWork, owner_id: str, team: str) -> list[LearningPlan]:
    return [p for p in await tx.plans.plans_of(owner_id, include_cancelled=True)
            if team_key(p) == team]


async def _report(tx: UnitOfWork, plans: Sequence[LearningPlan], forms: FormCatalog, *,
                  at: datetime, team_id: str | None = None, team_plans: int = 1
                  ) -> LearningReport:
    stored = await tx.occurrences.plan_occurrences([p.id for p in plans])
    campaigns = await tx.campaigns.of_owner(plans[0].owner_id)
    labels: dict[str, Texts] = {}
    facts = [await _plan_facts(tx, plan, [o for o in stored if o.slot.plan_id == plan.id],
                               [c for c in campaigns if _asks_plan(c, plan.id)], forms,
                               labels, at=at)
             for plan in plans]
    members = set().union(*(f.members for f in facts))
    follow_ups = await tx.reflections.follow_ups_of(people=members) if members else []
    return report_of(facts, follow_ups, labels=labels, team_id=team_id,
                     team_plans=team_plans)


async def _plan_facts(tx: UnitOfWork, plan: LearningPlan, stored: Sequence[StoredOccurrence],
                      campaigns: Sequence[Campaign], forms: FormCatalog,
                      labels: dict[str, Texts], *, at: datetime) -> PlanFacts:
    members = [m.member_id for m in await tx.plans.members(plan.id)
               if m.state not in OUT_OF_PLAN]
    asked = answered = 0
    ks: list[int] = []
    hindrances: list[HindranceAnswer] = []
    for campaign in campaigns:
        form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
        if form is None:
            continue  # its file was removed: nothing can be read from its answers
        if form.kind is FormKind.CHECKIN:
            counts = await tx.campaigns.counts(campaign.id)
            asked, answered = asked + counts.asked, answered + counts.answered
        questions = [q.id for q in form.questions if q.measures is Measure.HINDRANCES]
        _label(form, questions, labels)
        if form.kind is FormKind.CHECKIN or questions:
            ks.append(campaign.spec.k)
        if questions:
            hindrances += _hindrances(form, questions, await tx.campaigns.responses(
                campaign.id))
    for rnd in await tx.reflections.rounds_of_plan(plan.id):
        form = await forms.get(rnd.form_key, rnd.form_version)
        if form is None:
            continue
        ks.append(rnd.k)
        questions = [q.id for q in form.questions if q.measures is Measure.HINDRANCES]
        _label(form, questions, labels)
        shared = [r for r in await tx.reflections.reflections_of(rnd.id)
                  if r.sharing is not Sharing.PRIVATE]  # as the round's own summary
        hindrances += _hindrances(form, questions, shared)
    per_person: dict[str, list[AccountedOccurrence]] = defaultdict(list)
    for occurrence in stored:
        per_person[occurrence.slot.member_id].append(accounted(occurrence))
    # Everyone in the plan now, and anyone who left after sessions were recorded (their time
    # was part of the team's): a member none of whose sessions were seen yet shows zero.
    hours = {person: tally(per_person.get(person, []), at=at)
             for person in {*members, *per_person}}
    return PlanFacts(plan, frozenset(members), hours,
                     (asked, answered) if asked else None,
                     tuple(hindrances), tuple(ks))


def _asks_plan(campaign: Campaign, plan_id: str) -> bool:
    audience = campaign.spec.audience
    return audience.kind is AudienceKind.PLAN and audience.plan_id == plan_id


def _label(form: Form, questions: list[str], labels: dict[str, Texts]) -> None:
    for question in (form.question(q) for q in questions):
        if question is None:
            continue
        for choice in question.choices:
            labels.setdefault(choice.id, choice.label)
        if question.other is not None:
            labels.setdefault(OTHER, question.other)


def _hindrances(form: Form, questions: list[str],
                responses: Sequence[StoredResponse | StoredReflection]) -> list[HindranceAnswer]:
    found = []
    for response in responses:
        try:
            answers = validate_answers(form, response.answers)
        except InvalidAnswers:
            continue  # stored from a valid card; a form file edited in place is skipped
        for question in questions:
            answer = answers.get(question)
            if isinstance(answer, ChoiceAnswer):
                found.append(HindranceAnswer(response.submitted_at, frozenset(answer.choices)))
    return found


async def report_choices(owner_id: str, *, uow: UnitOfWorkFactory) -> list[LearningPlan]:
    """The plans `owner_id` may read a report of: their active plans, newest first."""
    async with uow(read_only=True) as tx:
        return await tx.plans.plans_of(owner_id)
