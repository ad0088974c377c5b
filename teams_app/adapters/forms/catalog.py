"""The form catalog: the built-in forms, plus the form files in a folder an admin names."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from teams_app.adapters.forms.files import SUFFIXES, load_form_file
from teams_app.domain.forms.definitions import Form
from teams_app.ports.forms import InvalidFormFile

BUILTIN = Path(__file__).with_name("builtin")


def form_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def load_forms(files: Iterable[Path]) -> list[Form]:
    """Every file's form; InvalidFormFile for the first file with a mistake, or for a key and
    version that two files both claim (answers name a form by the two)."""
    forms: list[Form] = []
    origin: dict[tuple[str, int], str] = {}
    for path in files:
        form = load_form_file(path)
        claimed = origin.setdefault((form.key, form.version), path.name)
        if claimed != path.name:
            raise InvalidFormFile(path.name, (
                f'form: "key" {form.key} version {form.version} is also in {claimed}',
            ))
        forms.append(form)
    return forms


class FileFormCatalog:
    """Forms held in memory, loaded once when the app starts: a mistake in a file stops the
    start with a message naming it, rather than a card failing later."""

    def __init__(self, forms: Iterable[Form]) -> None:
        self._forms = {(form.key, form.version): form for form in forms}

    @classmethod
    def load(cls, directory: Path | None = None) -> FileFormCatalog:
        files = form_files(BUILTIN) + (form_files(directory) if directory is not None else [])
        return cls(load_forms(files))

    async def get(self, key: str, version: int | None = None) -> Form | None:
        if version is not None:
            return self._forms.get((key, version))
        versions = [form for (k, _), form in self._forms.items() if k == key]
        return max(versions, key=lambda form: form.version, default=None)

    async def forms(self) -> list[Form]:
        newest: dict[str, Form] = {}
        for form in self._forms.values():
            if form.key not in newest or form.version > newest[form.key].version:
                newest[form.key] = form
        return sorted(newest.values(), key=lambda form: form.key)

    async def every_version(self) -> list[Form]:
        return [self._forms[k] for k in sorted(self._forms)]
