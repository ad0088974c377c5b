"""Card action verbs: the contract between cards and bot handlers."""

HELP_SHOW = "help.show"

# Manager: protected learning time (issue 4). Data carries ids: plan_id, and revision (the
# plan revision the card was made from: an action on an older one changes nothing). Save on the
# preview of an edit also carries the edited answers, under the plan card's input ids.
PLAN_NEW = "plan.new"  # open an empty plan card
PLAN_PREVIEW = "plan.preview"  # plan card inputs (+ plan_id when editing) -> preview card
PLAN_BOOK = "plan.book"  # from the plan card (inputs) or the preview (plan_id) -> progress card
PLAN_SAVE = "plan.save"  # an edit (plan card inputs or the preview's answers) -> applied
PLAN_EDIT = "plan.edit"  # plan_id (+ the answers of an edit preview) -> the plan card, filled in
PLAN_CANCEL = "plan.cancel"  # plan_id, after the confirmation on the plans list
PLAN_DISCARD = "plan.discard"  # plan_id of a draft never booked (preview, plans list)
PLANS_LIST = "plans.list"  # -> the plans list card (and the plans the person is in)
# Member: leave a plan. Data: plan_id, revision, member_id (only that member may).
PLAN_LEAVE = "plan.leave"

# Member: defending a booked occurrence. Data: plan_id, slot_id, occurrence_id (+ move_to).
SLOT_MOVE = "slot.move"  # move_to: the suggested start, ISO 8601 UTC
SLOT_KEEP = "slot.keep"
SLOT_SKIP = "slot.skip"

# Anyone: answering a form sent by a campaign (issue 12). Data: campaign_id, round, form_key,
# form_version, and with submit the answers under the question ids.
FORM_SUBMIT = "form.submit"  # -> the read-only summary (or the form again, with its errors)
FORM_EDIT = "form.edit"  # from the summary -> the form, filled in with the answers kept
FORM_REFRESH = "form.refresh"  # the card's refresh (Universal Actions) -> the card as it is now

# Owner: their campaigns (issue 12). Data: campaign_id (only its owner sees the report).
CAMPAIGNS_LIST = "campaigns.list"  # -> the owner's campaigns, each with a Report button
CAMPAIGN_REPORT = "campaign.report"  # campaign_id -> counts; from k answers, charts too
CAMPAIGN_SAID_DID = "campaign.said_did"  # campaign_id, seen + the text -> sent to everyone asked
# token (the new campaign's id, made with the card), kind + the inputs -> the campaign's report
CAMPAIGN_CREATE = "campaign.create"
CAMPAIGN_NEW = "campaign.new"  # kind (checkin | feedback | pulse) -> a blank campaign card

# Owner: a plan's learning report (issue 13). Data: plan_id (only its owner sees the report).
REPORT_SHOW = "report.show"  # plan_id -> the report; no plan_id -> their plans to choose from
REPORT_TEAM = "report.team"  # team (a team key) -> the report over the owner's plans for it
# Anyone: their own learning (kept time, and later reflections and follow-ups). No data.
MY_LEARNING = "my.learning"
# Anyone: their own data (docs/privacy.md). Erase data: person_id and the fingerprint of what
# the confirmation showed (only that person may; an old confirmation erases nothing).
PRIVACY_SHOW = "privacy.show"  # -> the my data card
PRIVACY_EXPORT = "privacy.export"  # -> the export card with its download link
PRIVACY_ERASE_ASK = "privacy.erase_ask"  # -> the confirmation card
PRIVACY_ERASE = "privacy.erase"  # person_id, fingerprint -> the erased card

# Learning partners (issue 13). The owner pairs a plan's members (plan_id; only the owner may),
# the organiser a reflection round's participants (round_id, and `seen`: the pairing a pairing
# card showed; only the organiser may); a person answers their coaching check-in (pairing_id,
# number + the inputs; only that person).
PARTNERS_PAIR = "partners.pair"
PARTNER_CHECK_IN = "partner.check_in"
# Reflection rounds (docs/reflections.md): the reflection card and the follow-up card.
REFLECTION_SUBMIT = "reflection.submit"  # -> what they shared, read-only (or the card again)
REFLECTION_REFRESH = "reflection.refresh"  # the card as it is now for its person
FOLLOW_UP_SUBMIT = "followup.submit"  # -> their answer; "not yet" offers asking again
FOLLOW_UP_AGAIN = "followup.again"  # "ask me again in 7 days" (at most twice)
FOLLOW_UP_REFRESH = "followup.refresh"
