"""Adaptive Card builders: pure functions from view models to Adaptive Cards 1.5 JSON."""

from cards.booking import booking_progress_card, booking_summary_card
from cards.help import help_card
from cards.i18n import SUPPORTED_LOCALES, Translator, translator_for
from cards.notice import notice_card
from cards.plan_preview import MAX_ROWS, plan_preview_card
from cards.plans import plan_form_card, plan_form_labels
from cards.plans_list import MAX_PLANS, plans_list_card
from cards.slots import (
    member_left_card,
    slot_booked_card,
    slot_collision_card,
    slot_decision_card,
)
from cards.views import (
    BookingProgressView,
    BookingSummaryView,
    Choice,
    CommandHelp,
    Fact,
    FieldError,
    HelpView,
    LeaveChoice,
    MemberLeftView,
    MemberPlanSummary,
    MembershipsView,
    MoveChoice,
    NoticeView,
    PlanFormLabels,
    PlanFormValues,
    PlanFormView,
    PlanPreviewView,
    PlansListView,
    PlanSummary,
    ProposedSlot,
    SlotBookedView,
    SlotCollisionView,
    SlotDecisionView,
    Unbookable,
    WelcomeView,
)
from cards.welcome import welcome_card

__all__ = [
    "MAX_PLANS",
    "MAX_ROWS",
    "SUPPORTED_LOCALES",
    "BookingProgressView",
    "BookingSummaryView",
    "Choice",
    "CommandHelp",
    "Fact",
    "FieldError",
    "HelpView",
    "LeaveChoice",
    "MemberLeftView",
    "MemberPlanSummary",
    "MembershipsView",
    "NoticeView",
    "PlanFormLabels",
    "PlanFormValues",
    "PlanFormView",
    "PlanPreviewView",
    "PlanSummary",
    "PlansListView",
    "ProposedSlot",
    "SlotBookedView",
    "MoveChoice",
    "SlotCollisionView",
    "SlotDecisionView",
    "Translator",
    "Unbookable",
    "WelcomeView",
    "booking_progress_card",
    "booking_summary_card",
    "help_card",
    "member_left_card",
    "notice_card",
    "plan_form_card",
    "plan_form_labels",
    "plan_preview_card",
    "plans_list_card",
    "slot_booked_card",
    "slot_collision_card",
    "slot_decision_card",
    "translator_for",
    "welcome_card",
]
