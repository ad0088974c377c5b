"""The plan card's input ids and option values: the contract between the card and the bot's
parser of its data. A value here is never shown to people; cards.plan_form_labels titles it.

What arrives (seen from the Agents Playground, Action.Execute `action.data`): every value is a
string, numbers too ("45"); a multi-select is "a,b"; an empty optional input is left out or "";
times "HH:MM", dates "YYYY-MM-DD"; `verb` and, when editing, `plan_id` ride along."""

from __future__ import annotations

# Input ids (keys of the submitted data).
MEMBERS = "members"  # comma-separated values (Teams sends a multi-select as "a,b,c")
CADENCE = "cadence"
DAYS = "days"  # comma-separated weekday values
WINDOW_START = "window_start"  # "HH:MM"
WINDOW_END = "window_end"
DURATION = "duration"  # minutes
PREFERENCE = "preference"
MODE = "mode"
STARTS_ON = "starts_on"  # "YYYY-MM-DD"
ENDS_ON = "ends_on"  # optional
OCCURRENCES = "occurrences"  # optional: the number of sessions instead of an end date
GOAL = "goal"
MATERIAL_URL = "material_url"

# Member choices the presenter offers besides people: everyone reporting to the manager, or a
# group ("group:<id>"); a person is "user:<directory object id>".
MEMBERS_DIRECT_REPORTS = "reports"
MEMBERS_GROUP_PREFIX = "group:"
MEMBERS_USER_PREFIX = "user:"

# Cadence: "weekly", "weeks:<n>" (every n weeks) or "monthly:<week>" (e.g. the first Tuesday).
WEEKLY = "weekly"
EVERY_N_WEEKS = (2, 3, 4)
MONTH_WEEKS = ("first", "second", "third", "fourth", "last")
CADENCES = (
    WEEKLY,
    *(f"weeks:{n}" for n in EVERY_N_WEEKS),
    *(f"monthly:{week}" for week in MONTH_WEEKS),
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PREFERENCES = ("any", "morning", "afternoon")
MODES = ("personal", "team")

DURATION_MIN = 15
DURATION_MAX = 240
OCCURRENCES_MAX = 104  # the domain's cap: two sessions a week for a year
GOAL_MAX_LENGTH = 500
MATERIAL_URL_MAX_LENGTH = 2000
# The domain accepts https only (plans must not point people at unencrypted pages).
MATERIAL_URL_PATTERN = r"^https://\S+$"
