"""Bar charts drawn on the server as inline SVG: no script, nothing fetched, and colours as
SVG attributes (the console's Content-Security-Policy allows no inline style). A chart is a
picture of the GOV.UK table beside it, which carries the same numbers for screen readers; so
the SVG is one labelled image, not a second copy of the numbers to read out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 6, 40, 36
# GOV.UK's text colour, and its palette's colours for the series (each meets 3:1 on white).
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
COLOURS = ("#1d70b8", "#003078", "#d4351c", "#505a5f", "#f47738", "#00703c")


@dataclass(frozen=True)
class Series:
    """One series of bars: its name (in the legend) and a value a week (None: no value)."""

    name: str
    values: tuple[float | None, ...]


def _nice_top(largest: float) -> float:
    """The axis' top: 1, 2 or 5 times a power of ten at or above the largest value."""
    if largest <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    *, label: str, weeks: Sequence[str], series: Sequence[Series], stacked: bool = False
) -> Markup:
    """Bars a week, side by side (`stacked` False) or one on another; `label` names the
    image for assistive technology and points to the table beside it."""
    count = max(1, len(weeks))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / count
    values = [[v or 0.0 for v in s.values] for s in series]
    if stacked:
        largest = max((sum(column) for column in zip(*values, strict=True)), default=0.0)
    else:
        largest = max((v for row in values for v in row), default=0.0)
    top = _nice_top(largest)
    parts = [
        f'<svg class="waypoint-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(label)}" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="arial, sans-serif" font-size="17">'
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{_number(top * fraction)}</text>"
        )
    group = slot * 0.8
    for index in range(len(weeks)):
        x0 = LEFT + slot * index + (slot - group) / 2
        base = 0.0
        for number, row in enumerate(values):
            value = row[index]
            if value <= 0:
                continue
            height = plot_height * value / top
            if stacked:
                x, width, y = x0, group, TOP + plot_height - (base + height)
                base += height
            else:
                width = group / len(values)
                x, y = x0 + width * number, TOP + plot_height - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[number % len(COLOURS)]}"/>'
            )
    every = math.ceil(count / 6)
    for index, week in enumerate(weeks):
        if index % every == 0:
            x = LEFT + slot * index + slot / 2
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(week)}</text>'
            )
    x = float(LEFT)
    for number, one in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="8" width="16" height="16" '
            f'fill="{COLOURS[number % len(COLOURS)]}"/>'
            f'<text x="{x + 20:.1f}" y="20" fill="{TEXT}">{escape(one.name)}</text>'
        )
        x += 30 + 8.5 * len(one.name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped names only
