"""Bars and charts. A bar is Adaptive Cards 1.5 (coloured columns as wide as their share), so
every client draws it. Teams also draws Chart.* elements; they are not 1.5, so each carries such
a bar as its fallback, which older clients draw instead."""

from __future__ import annotations

from cards import models as ac
from cards.elements import text

BAR_HEIGHT = "8px"


def progress_bar(booked: int, failed: int, total: int) -> ac.ColumnSet:
    """How far booking has come: booked (green), failed (red), still to do (grey).
    Put its words ("Booking 12 of 30…") beside it."""
    booked, failed = max(booked, 0), max(failed, 0)
    pending = max(total - booked - failed, 0)
    if booked + failed + pending == 0:
        pending = 1  # nothing to book yet: an empty bar
    return simple_bar(((booked, "good"), (failed, "attention"), (pending, "emphasis")))


def kept_hours_chart(
    title: str, kept: float, lost: float, *, kept_legend: str, lost_legend: str
) -> ac.StackedHorizontalBarChart:
    """One stacked bar: hours kept (green) and not kept (red) of the hours booked so far.
    Needs kept + lost > 0; put the numbers in words ("12 of 16 hours kept") beside it."""
    return ac.StackedHorizontalBarChart(
        title=title,
        data=[
            ac.StackedBarData(
                title=title,
                data=[
                    ac.StackedBarPoint(legend=kept_legend, value=_hours(kept), color="good"),
                    ac.StackedBarPoint(legend=lost_legend, value=_hours(lost),
                                       color="attention"),
                ],
            )
        ],
        fallback=simple_bar(((kept, "good"), (lost, "attention"))),
    )


def simple_bar(parts: tuple[tuple[float, ac.ContainerStyle], ...]) -> ac.ColumnSet:
    """Adaptive Cards 1.5 only: coloured columns as wide as their share of the whole."""
    shown = [(size, style) for size, style in parts if size > 0]
    columns = [
        ac.Column(width=_weight(size), style=style, min_height=BAR_HEIGHT, items=[],
                  spacing="None" if i else None)  # one bar, not separate blocks
        for i, (size, style) in enumerate(shown)
    ]
    return ac.ColumnSet(columns=columns, spacing="Small")


def _weight(size: float) -> int:
    # Column widths are relative weights; whole numbers keep every client's layout the same.
    return max(1, round(size * 10))


def _hours(value: float) -> float:
    return round(value, 2)  # a quarter hour stays 0.25, as the words beside the chart say


def rate_chart(
    title: str, points: tuple[tuple[str, int, str], ...], *, legend: str
) -> ac.LineChart:
    """The share answered (percent, 0-100) day by day: (day, percent, the words for it). The
    1.5 fallback lists the days with their words. Put the title above it as text: not every
    client shows a chart's own title."""
    return ac.LineChart(
        title=title,
        y_min=0,
        y_max=100,
        data=[ac.LineChartData(legend=legend, color="good", values=[
            ac.LineChartValue(x=day, y=percent) for day, percent, _ in points])],
        fallback=ac.FactSet(facts=[ac.Fact(title=day, value=words) for day, _, words in points]),
    )


def distribution_chart(title: str, bars: tuple[tuple[str, int], ...]) -> ac.HorizontalBarChart:
    """How many chose each answer: (label, count) in the form's order. The 1.5 fallback is a
    row per answer: its label, a bar as long as its share of the largest, the count. Put the
    title above it as text: not every client shows a chart's own title."""
    largest = max((count for _, count in bars), default=0)
    rows: list[ac.Element] = []
    for label, count in bars:
        bar = simple_bar(((count, "accent"), (largest - count, "emphasis"))) if largest else None
        rows.append(ac.ColumnSet(spacing="Small", columns=[
            ac.Column(width=4, items=[text(label, size="Small")],
                      vertical_content_alignment="Center"),
            ac.Column(width=5, items=[bar] if bar else [],
                      vertical_content_alignment="Center"),
            ac.Column(width=1, items=[text(str(count), size="Small", horizontal_alignment="Right")],
                      vertical_content_alignment="Center"),
        ]))
    return ac.HorizontalBarChart(
        title=title,
        # Counts are small whole numbers: an axis would read 0, 0.33, 0.67 ...; the values on
        # the bars say it plainly.
        display_mode="AbsoluteNoAxis",
        data=[ac.HorizontalBarValue(x=label, y=count) for label, count in bars],
        fallback=ac.Container(items=rows),
    )
