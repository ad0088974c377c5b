"""Forms (issue 12): where the question sets come from, and what a bad form file raises."""

from __future__ import annotations

from typing import Protocol

from teams_app.domain.forms.definitions import Form


class FormCatalog(Protocol):
    """The forms a campaign may send: the built-in ones and any the admin adds as files."""

    async def get(self, key: str, version: int | None = None) -> Form | None: ...  # None: newest
    async def forms(self) -> list[Form]: ...  # the newest version of each, by key
    # Every version of every form: answers keep the version they answered, and the SharePoint
    # lists need a column for each of them.
    async def every_version(self) -> list[Form]: ...


class InvalidFormFile(Exception):
    """A form file that cannot become a form. Each problem names the file, and the question and
    field where there is one: 'checkin.yaml: question "used_time": translation "nl" of "label"
    is missing'. Raised when forms are loaded, so a mistake never reaches a card."""

    def __init__(self, file: str, problems: tuple[str, ...]) -> None:
        self.file = file
        self.problems = tuple(f"{file}: {problem}" for problem in problems)
        super().__init__("\n".join(self.problems))
