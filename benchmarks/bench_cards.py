"""Time to build each card, from its view to the JSON-ready dict (microseconds per card).

Cards are built on the answer path of an `adaptiveCard/action` invoke, which Teams waits only a
few seconds for (we aim well under 100 ms), so this is the cost the cards add to an answer.
Views are built once beforehand (as tests/unit/plans/plan_card_views.py builds them, in
English); each figure is the median over `--repeat` timings of `--number` builds.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_cards.py
    PYTHONPATH=. .venv/bin/python benchmarks/bench_cards.py --json after.json --against before.json

To time another version of `cards` (e.g. HEAD's), put its parent directory first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH, so another `cards` can be timed

import cards  # noqa: E402
from cards import (  # noqa: E402
    MAX_PLANS,
    MAX_ROWS,
    NoticeView,
    PlanPreviewView,
    PlansListView,
    SlotDecisionView,
    booking_progress_card,
    booking_summary_card,
    help_card,
    notice_card,
    plan_form_card,
    plan_preview_card,
    plans_list_card,
    slot_booked_card,
    slot_collision_card,
    slot_decision_card,
    translator_for,
    verbs,
    welcome_card,
)
from teams_app.bot.presenters import help_view, welcome_view  # noqa: E402
from teams_app.domain.conversations import ConversationKind  # noqa: E402
from tests.unit.plans.plan_card_views import (  # noqa: E402
    booked_view,
    collision_view,
    edit_plan_view,
    new_plan_view,
    plans_view,
    preview_view,
    progress_view,
    summary_view,
)


def builders() -> dict[str, Callable[[], dict[str, Any]]]:
    """Each card type once, the largest lists at their caps (MAX_ROWS, MAX_PLANS)."""
    t = translator_for("en")
    preview = preview_view(t)
    biggest_preview = PlanPreviewView(**{**vars(preview_view(t, rows=MAX_ROWS)),
                                         "unbookable": preview.unbookable * (MAX_ROWS // 2)})
    full_list = PlansListView(**{**vars(plans_view(t, plans=MAX_PLANS)), "more": "…"})
    views: dict[str, tuple[Callable[[Any], dict[str, Any]], Any]] = {
        "help": (help_card, help_view(t)),
        "welcome": (welcome_card, welcome_view(t, kind=ConversationKind.PERSONAL, name="Ann")),
        "notice": (notice_card, NoticeView("Title", "Message", "Try again", verbs.PLAN_BOOK,
                                           plan_id="p-1")),
        "plan form (new)": (plan_form_card, new_plan_view(t)),
        "plan form (edit, errors)": (plan_form_card, edit_plan_view(t)),
        "preview (6 people)": (plan_preview_card, preview),
        f"preview ({MAX_ROWS} + {MAX_ROWS} rows)": (plan_preview_card, biggest_preview),
        "booking progress": (booking_progress_card, progress_view(t)),
        "booking summary": (booking_summary_card, summary_view(t)),
        "plans list (3 plans)": (plans_list_card, plans_view(t)),
        f"plans list ({MAX_PLANS} plans)": (plans_list_card, full_list),
        "slot booked": (slot_booked_card, booked_view(t)),
        "slot collision": (slot_collision_card, collision_view(t)),
        "slot decision": (slot_decision_card, SlotDecisionView("Title", "Detail")),
    }
    return {name: (lambda build=build, view=view: build(view))
            for name, (build, view) in views.items()}


def measure(build: Callable[[], dict[str, Any]], number: int, repeat: int) -> float:
    """Median microseconds per card."""
    build()  # warm up (catalogs, pydantic's first-use work)
    runs = timeit.repeat(build, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=200, help="builds per timing")
    parser.add_argument("--repeat", type=int, default=15, help="timings per card")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--against", type=Path, help="figures (--json) to compare with")
    args = parser.parse_args()

    print(f"cards from {Path(cards.__file__).parent}", file=sys.stderr)
    before = json.loads(args.against.read_text()) if args.against else {}
    results: dict[str, float] = {}
    header = f"{'card':<28} {'µs/card':>9}" + (f" {'before':>9} {'ratio':>6}" if before else "")
    print(header)
    print("-" * len(header))
    for name, build in builders().items():
        results[name] = measure(build, args.number, args.repeat)
        line = f"{name:<28} {results[name]:>9.1f}"
        if name in before:
            line += f" {before[name]:>9.1f} {results[name] / before[name]:>6.1f}"
        print(line, flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
