"""Line charts over an ordered axis (builds, days) with an optional budget line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from uxlab.charts.svg import (
    DASHES,
    GRID,
    MUTED,
    SERIES,
    chart_id,
    line,
    nice_max,
    num,
    rect,
    short,
    svg,
    text,
    ticks,
)

WIDTH = 680
X0, X1 = 60, 560
Y0, Y1 = 30, 210  # top and bottom of the plot area


@dataclass(frozen=True)
class Series:
    """One named line; ``values`` align with the chart's x labels (None: no value there)."""

    name: str
    values: Sequence[float | None]


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    if shape % 3 == 1:
        return rect(x - 4, y - 4, 8, 8, colour, class_="point")
    if shape % 3 == 2:
        points = (
            f"{num(x, 2)},{num(y - 5, 2)} {num(x + 5, 2)},{num(y + 4, 2)} {num(x - 5, 2)},{num(y + 4, 2)}"
        )
        return f'<polygon class="point" points="{points}" fill="{colour}"/>'
    return f'<circle class="point" cx="{num(x, 2)}" cy="{num(y, 2)}" r="4" fill="{colour}"/>'


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    budget: float | None = None,
    budget_label: str = "budget",
    y_max: float | None = None,
    fmt: Callable[[float], str] = lambda v: num(v, 2),
    chart_id_: str | None = None,
) -> Markup:
    """Lines over ``x_labels`` from 0 to ``y_max`` (default: a round number above the data).

    Series differ by colour, marker shape and dash pattern; a legend names them. ``budget``
    draws a dashed horizontal line with its label (e.g. a minimum probe score).
    """
    cid = chart_id(chart_id_, "line", title, tuple(x_labels), series, budget)
    present = [v for s in series for v in s.values if v is not None]
    top = y_max if y_max is not None else nice_max(max([*present, budget or 0.0, 0.0]) * 1.05)
    count = max(len(x_labels), 1)
    step = (X1 - X0) / max(count - 1, 1)
    x_of = lambda i: X0 + (i * step if count > 1 else (X1 - X0) / 2)  # noqa: E731
    y_of = lambda v: Y1 - max(0.0, min(v, top)) / top * (Y1 - Y0)  # noqa: E731
    body = []
    for tick in ticks(top):
        body.append(line(X0, y_of(tick), X1, y_of(tick), GRID))
        body.append(text(X0 - 6, y_of(tick) + 4, fmt(tick), "end", fill=MUTED, font_size=11))
    every = max(1, count // 8)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == count - 1:
            body.append(text(x_of(i), Y1 + 18, short(label, 12), "middle", fill=MUTED, font_size=11))
    parts = []
    for k, one in enumerate(series):
        colour, dash = SERIES[k % len(SERIES)], DASHES[k % len(DASHES)]
        points = [(x_of(i), y_of(v)) for i, v in enumerate(one.values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{num(x, 2)},{num(y, 2)}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<polyline class="series" points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        body.extend(_marker(k, x, y, colour) for x, y in points)
        ly = Y1 + 40 + 18 * k
        body.append(_marker(k, X0 + 4, ly - 4, colour))
        body.append(text(X0 + 16, ly, short(one.name, 60)))
        values = ", ".join(
            f"{label} {fmt(v)}" for label, v in zip(x_labels, one.values, strict=False) if v is not None
        )
        parts.append(f"{one.name}: {values or 'no values'}")
    if budget is not None:
        body.append(
            line(
                X0,
                y_of(budget),
                X1,
                y_of(budget),
                "#a40e26",
                stroke_width=2,
                stroke_dasharray="8 4",
                class_="budget",
            )
        )
        body.append(
            text(X1 + 6, y_of(budget) + 4, f"{budget_label} {fmt(budget)}", fill="#a40e26", font_size=12)
        )
        parts.append(f"{budget_label}: {fmt(budget)}")
    height = Y1 + 40 + 18 * max(len(series), 1)
    return svg(cid, WIDTH, height, title, "; ".join(parts) or "No data.", body)
