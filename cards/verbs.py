"""Card action verbs: the contract between cards and bot handlers."""

HELP_SHOW = "help.show"

# Manager: protected learning time (issue 4). Data carries ids only: plan_id.
PLAN_NEW = "plan.new"  # open an empty plan card
PLAN_PREVIEW = "plan.preview"  # plan card inputs (+ plan_id when editing) -> preview card
PLAN_BOOK = "plan.book"  # from the plan card (inputs) or the preview (plan_id) -> progress card
PLAN_EDIT = "plan.edit"  # plan_id -> the plan card, filled in
PLAN_CANCEL = "plan.cancel"  # plan_id, after the confirmation on the plans list
PLANS_LIST = "plans.list"  # -> the plans list card

# Member: defending a booked occurrence. Data: plan_id, slot_id, occurrence_id (+ move_to).
SLOT_MOVE = "slot.move"  # move_to: the suggested start, ISO 8601 UTC
SLOT_KEEP = "slot.keep"
SLOT_SKIP = "slot.skip"
