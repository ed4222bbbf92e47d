"""Where a goal's ratings go on the page's chart: an inline SVG drawn on the server (no
script), one chart per scale. A rating stays on its own scale (GL-3): 0 to 10 on a line of
eleven steps, the three pictures on three levels by their names; never a percentage. The
numbers are also in a table beside the chart, for screen readers and for anyone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.goals import Picture, Scale
from bot.services.person_page import RatingPoint, RatingSeries

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 130, 24, 16, 40
# The three pictures from bottom to top: "not going well" is lowest, never a zero.
PICTURE_LEVELS = (Picture.NOT_GOING_WELL, Picture.SOMETIMES, Picture.GOING_WELL)
TEN_TICKS = ("0", "5", "10")


@dataclass(frozen=True)
class Dot:
    """One rating, where it is drawn."""

    x: float
    y: float
    point: RatingPoint


@dataclass(frozen=True)
class Tick:
    """A level on the chart's side: its height and the value it stands for."""

    y: float
    value: str


@dataclass(frozen=True)
class Chart:
    """One scale's chart: its dots, the line through them, and its levels."""

    scale: Scale
    width: int
    height: int
    left: int
    right_edge: int
    bottom_edge: int
    dots: tuple[Dot, ...]
    line: str
    ticks: tuple[Tick, ...]


def _height(scale: Scale, value: str) -> float:
    """A value's height from the bottom, 0 to 1, on its own scale's levels."""
    if scale is Scale.TEN:
        return int(value) / 10
    levels = [picture.value for picture in PICTURE_LEVELS]
    return levels.index(value) / (len(levels) - 1) if value in levels else 0.0


def chart(series: RatingSeries) -> Chart:
    """Place each rating: across by when it was given, up by its value on its own scale."""
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    bottom = TOP + inner_h
    first, last = series.points[0].at, series.points[-1].at
    span = (last - first).total_seconds()

    def x_of(point: RatingPoint) -> float:
        if span <= 0:
            return LEFT + inner_w / 2
        return LEFT + inner_w * (point.at - first).total_seconds() / span

    def y_of(value: str) -> float:
        return round(bottom - inner_h * _height(series.scale, value), 1)

    dots = tuple(Dot(round(x_of(p), 1), y_of(p.value), p) for p in series.points)
    values = TEN_TICKS if series.scale is Scale.TEN else [p.value for p in PICTURE_LEVELS]
    return Chart(
        scale=series.scale,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        bottom_edge=bottom,
        dots=dots,
        line=" ".join(f"{dot.x},{dot.y}" for dot in dots),
        ticks=tuple(Tick(y_of(value), value) for value in values),
    )
