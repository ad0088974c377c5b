"""Forms for the form tests: the built-in ones, and a small one asking every kind of question."""

from __future__ import annotations

from functools import cache

from teams_app.adapters.forms.catalog import BUILTIN, form_files, load_forms
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.questions import Alert, ChoiceOption, Question, QuestionKind
from teams_app.domain.forms.texts import Texts

K = QuestionKind


def texts(word: str) -> Texts:
    """A text that says which language it is in, so a test sees the language chosen."""
    return Texts(en=f"{word} (en)", sv=f"{word} (sv)", nl=f"{word} (nl)", de=f"{word} (de)")


@cache
def builtin_forms() -> tuple[Form, ...]:
    return tuple(load_forms(form_files(BUILTIN)))


def every_kind_form() -> Form:
    """One question of each kind: text limits, "other", a yes that alerts support, a date."""
    return Form(
        key="every_kind",
        kind=FormKind.CHECKIN,
        version=2,
        title=texts("Every kind"),
        intro=texts("Intro"),
        questions=(
            Question("name", K.SHORT_TEXT, texts("Name"), required=True, max_length=10),
            Question("story", K.LONG_TEXT, texts("Story")),
            Question("pick", K.SINGLE_CHOICE, texts("Pick"), required=True,
                     choices=(ChoiceOption("a", texts("A")), ChoiceOption("b", texts("B"))),
                     other=texts("Other")),
            Question("many", K.MULTIPLE_CHOICE, texts("Many"), hint=texts("All that fit"),
                     choices=tuple(ChoiceOption(c, texts(c.upper())) for c in "abc")),
            Question("stars", K.RATING, texts("Stars"), required=True, low=texts("Poor"),
                     high=texts("Great")),
            Question("score", K.SCALE, texts("Score"), low=texts("Never"),
                     high=texts("Always")),
            Question("help", K.YES_NO, texts("Help"), alerts=Alert.SUPPORT),
            Question("when", K.DATE, texts("When")),
        ),
    )


FULL_ANSWERS = {
    "name": "Astrid",
    "story": "Read the chapter on retries.",
    "pick": "b",
    "many": "c,a",
    "stars": "4",
    "score": "10",
    "help": "yes",
    "when": "2026-03-10",
}
