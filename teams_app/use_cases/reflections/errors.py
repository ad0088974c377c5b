"""Why a round could not start or a card could not act, for the bot and the CLI to word."""

from __future__ import annotations

from teams_app.domain.reflections.rounds import Round, RoundError


class UnknownRound(RoundError):
    code = "reflection_unknown_round"


class UnknownFollowUp(RoundError):
    code = "follow_up_unknown"


class UnknownChat(RoundError):
    code = "reflection_unknown_chat"  # no stored conversation: the bot is not in that chat


class NotAGroupChat(RoundError):
    code = "reflection_personal_chat"  # a round asks the people of a group chat or channel


class ChatGone(RoundError):
    code = "reflection_chat_gone"  # Teams refused the chat: the bot was removed from it


class MissingForm(RoundError):
    code = "reflection_form_missing"  # the built-in form could not be loaded


class RoundAlreadyOpen(RoundError):
    code = "reflection_round_open"

    def __init__(self, rnd: Round) -> None:
        super().__init__(rnd.id)
        self.round = rnd
