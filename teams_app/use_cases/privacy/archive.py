"""The export file: a zip with everything as JSON (data.json) and one CSV per kind of
holding, so a person can read it in a spreadsheet and a program can read it whole."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from teams_app.domain.privacy import Holding


def export_archive(person_id: str, holdings: Sequence[Holding], *, at: datetime) -> bytes:
    rows = [_row(h) for h in holdings]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(
            {"person_id": person_id, "exported_at": at.isoformat(), "holdings": rows},
            ensure_ascii=False, indent=2, default=str))
        for kind in sorted({h.kind for h in holdings}):
            archive.writestr(f"{kind}.csv", _csv([r for r in rows if r["kind"] == kind]))
    return buffer.getvalue()


def archive_name(at: datetime) -> str:
    return f"learning-loop-my-data-{at:%Y%m%d}.zip"


def _row(holding: Holding) -> dict[str, Any]:
    return {"source": holding.source, "kind": holding.kind, "id": holding.item_id,
            "recorded_at": holding.recorded_at.isoformat() if holding.recorded_at else None,
            "stored_in": list(holding.stored_in), **dict(holding.details)}


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return "" if value is None else str(value)
