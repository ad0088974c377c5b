"""Adaptive Card builders: pure functions from view models to Adaptive Cards 1.5 JSON."""

from cards.help import help_card
from cards.i18n import SUPPORTED_LOCALES, Translator, translator_for
from cards.views import CommandHelp, HelpView, WelcomeView
from cards.welcome import welcome_card

__all__ = [
    "SUPPORTED_LOCALES",
    "CommandHelp",
    "HelpView",
    "Translator",
    "WelcomeView",
    "help_card",
    "translator_for",
    "welcome_card",
]
