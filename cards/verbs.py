"""Card action verbs: the contract between cards and bot handlers."""

HELP_SHOW = "help.show"
