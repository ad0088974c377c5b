"""What a learning plan refuses, with stable codes; `field` names the plan input a card shows
the message under (None: a notice above the card)."""

from __future__ import annotations

from typing import ClassVar

from teams_app.domain.errors import DomainError


class PlanError(DomainError):
    code = "plan_invalid"
    field: ClassVar[str | None] = None


class NoMembers(PlanError):
    code = "plan_no_members"
    field = "members"


class DurationOutOfRange(PlanError):
    code = "plan_duration_out_of_range"
    field = "duration"


class DurationLongerThanWindow(PlanError):
    code = "plan_duration_longer_than_window"
    field = "duration"


class WindowInvalid(PlanError):
    code = "plan_window_invalid"  # no days, ends before it starts, or not on quarter hours
    field = "window"


class CadenceInvalid(PlanError):
    code = "plan_cadence_invalid"
    field = "cadence"


class HorizonInvalid(PlanError):
    code = "plan_horizon_invalid"
    field = "horizon"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # stable too: end_and_count, too_long, starts_in_past, ...


class MaterialLinkNotHttps(PlanError):
    code = "plan_material_not_https"
    field = "material_url"


class GoalTooLong(PlanError):
    code = "plan_goal_too_long"
    field = "goal"


class PlanNotOwned(PlanError):
    code = "plan_not_owned"


class PlanAlreadyCancelled(PlanError):
    code = "plan_cancelled"


class PlanAlreadyBooked(PlanError):
    code = "plan_booked"  # booking has touched it: it is cancelled (series removed), not discarded


class PlanChanged(PlanError):
    code = "plan_changed"  # the action was made from an older revision: it changes nothing


class RevisionInvalid(PlanError):
    code = "plan_revision_invalid"  # a revision the plan never had: not from one of our cards


class OwnerCannotLeave(PlanError):
    code = "plan_owner_leaves"  # the owner cancels their plan instead


class NotTheMember(PlanError):
    code = "plan_not_member"  # only the member themself may leave (DESIGN.md section 7)


class MemberAlreadyLeft(PlanError):
    code = "plan_member_left"  # a second Leave, or the member is out of the plan already
