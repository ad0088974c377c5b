"""Presenters: turn results into translated, display-ready view models for cards."""

from __future__ import annotations

from cards import (
    CommandHelp,
    HelpView,
    Translator,
    WelcomeView,
    help_card,
    translator_for,
    welcome_card,
)
from teams_app.domain.conversations import ConversationKind, ConversationRef
from teams_app.domain.messages import OutboundMessage
from teams_app.use_cases.notifications import UnknownTemplate

# Words a person may type for help, in every language the cards speak.
HELP_WORDS = frozenset({"help", "?", "hjälp", "hjalp", "hulp", "hilfe", "start", "hi", "hello"})


def help_view(t: Translator, *, not_understood: bool = False) -> HelpView:
    return HelpView(
        title=t("help.title"),
        intro=t("help.intro"),
        cycle_heading=t("help.cycle_heading"),
        cycle=(t("help.cycle.before"), t("help.cycle.during"), t("help.cycle.after")),
        commands_heading=t("help.commands_heading"),
        commands=(
            CommandHelp(t("help.command.plan.word"), t("help.command.plan")),
            CommandHelp(t("help.command.plans.word"), t("help.command.plans")),
            CommandHelp(t("help.command.new_campaign.word"), t("help.command.new_campaign")),
            CommandHelp(t("help.command.campaigns.word"), t("help.command.campaigns")),
            CommandHelp(t("help.command.report.word"), t("help.command.report")),
            CommandHelp(t("help.command.my_learning.word"), t("help.command.my_learning")),
            CommandHelp(t("help.command.my_data.word"), t("help.command.my_data")),
            CommandHelp(t("help.command.partners.word"), t("help.command.partners")),
            CommandHelp("help", t("help.command.help")),
        ),
        privacy_note=t("help.privacy"),
        notice=t("help.not_understood") if not_understood else None,
    )


def welcome_view(t: Translator, *, kind: ConversationKind, name: str | None) -> WelcomeView:
    if kind is not ConversationKind.PERSONAL:
        greeting = t("welcome.greeting.group")
    elif name:
        greeting = t("welcome.greeting.person", name=first_name(name))
    else:
        greeting = t("welcome.greeting.anonymous")
    return WelcomeView(
        title=t("welcome.title"),
        greeting=greeting,
        points=(t("welcome.point.time"), t("welcome.point.checkins"), t("welcome.point.followup")),
        help_button=t("welcome.help_button"),
    )


def first_name(display_name: str) -> str:
    # Teams display names are often "Surname, Given" in enterprise directories.
    if "," in display_name:
        return display_name.split(",", 1)[1].strip() or display_name.strip()
    return display_name.strip().split(" ")[0]


class TranslatedCards:
    """Renders a notification template for a conversation, in the locale given (the person's
    language, or the chat's); the default language when there is none we speak."""

    def __init__(self, default_language: str) -> None:
        self._default_language = default_language

    def translator(self, locale: str | None) -> Translator:
        return translator_for(locale, self._default_language)

    def render(
        self, template: str, ref: ConversationRef, locale: str | None
    ) -> OutboundMessage:
        t = self.translator(locale)
        if template == "help":
            return OutboundMessage(card=help_card(help_view(t)), summary=t("help.title"))
        if template == "welcome":
            view = welcome_view(t, kind=ref.kind, name=None)
            return OutboundMessage(card=welcome_card(view), summary=view.title)
        raise UnknownTemplate(template)
