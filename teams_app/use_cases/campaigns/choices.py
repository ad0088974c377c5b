"""What the owner's campaign card offers: their plans (a plan's members as the audience), the
groups they are in and the people they may ask, and the form of the kind they asked for."""

from __future__ import annotations

from dataclasses import dataclass

from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.learning_plans import LearningPlan
from teams_app.ports import Directory, FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.people_choices import PlanPeople, plan_people

MAX_PLANS = 20  # a choice list, newest first


@dataclass(frozen=True)
class CampaignChoices:
    people: PlanPeople
    plans: tuple[LearningPlan, ...]
    form: Form | None  # None: no form of that kind in the catalog


async def campaign_choices(
    owner_id: str, kind: FormKind, *, uow: UnitOfWorkFactory, directory: Directory | None,
    forms: FormCatalog,
) -> CampaignChoices:
    async with uow(read_only=True) as tx:
        plans = tuple((await tx.plans.plans_of(owner_id))[:MAX_PLANS])
    people = (await plan_people(owner_id, directory=directory) if directory is not None
              else PlanPeople(()))
    return CampaignChoices(people, plans, await form_of_kind(kind, forms))


async def form_of_kind(kind: FormKind, forms: FormCatalog) -> Form | None:
    """The form a kind's card sends: the built-in one when there, else the first of its kind
    (an admin's file), by key."""
    found = sorted((f for f in await forms.forms() if f.kind is kind), key=lambda f: f.key)
    builtin = {FormKind.CHECKIN: "learning_checkin", FormKind.FEEDBACK: "session_feedback",
               FormKind.PULSE: "learning_preferences", FormKind.SURVEY: "pre_session_survey"}
    return next((f for f in found if f.key == builtin[kind]), found[0] if found else None)
