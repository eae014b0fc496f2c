"""Rates as horizontal bars with interval whiskers; time distributions as strip + box plots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup

from uxlab.charts.svg import (
    BAR,
    GRID,
    MUTED,
    chart_id,
    fit,
    line,
    nice_max,
    num,
    pct,
    rect,
    svg,
    text,
    ticks,
)

WIDTH = 680
LABEL_X = 200  # plot area starts here; labels are right-aligned before it
PLOT_W = 380
ROW_H = 30
TOP = 30


@dataclass(frozen=True)
class RateBar:
    """One bar: a 0..1 rate with its interval and n (``rate`` None: nothing to show)."""

    label: str
    rate: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0


def _x_rate(rate: float) -> float:
    return LABEL_X + min(max(rate, 0.0), 1.0) * PLOT_W


def rate_bars(
    title: str,
    bars: Sequence[RateBar],
    *,
    benchmark: float | None = None,
    benchmark_label: str = "benchmark",
    confidence: float = 0.95,
    chart_id_: str | None = None,
) -> Markup:
    """Horizontal bars of rates (0..1), bar length proportional to the rate, whiskers = interval.

    ``benchmark`` draws a dashed reference line (e.g. 0.78, the average completion rate).
    """
    cid = chart_id(chart_id_, "rates", title, bars, benchmark)
    level = f"{round(confidence * 100):d}%"
    height = TOP + ROW_H * max(len(bars), 1) + 10
    body = []
    for tick in ticks(1.0):
        x = _x_rate(tick)
        body.append(line(x, TOP - 4, x, height - 10, GRID))
        body.append(text(x, TOP - 10, pct(tick), "middle", fill=MUTED, font_size=11))
    parts = []
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_H
        mid = y + ROW_H / 2
        body.append(text(LABEL_X - 8, mid + 4, fit(bar.label, LABEL_X - 12), "end"))
        if bar.rate is None:
            body.append(text(LABEL_X + 4, mid + 4, "no attempts", fill=MUTED))
            parts.append(f"{bar.label}: no attempts")
            continue
        body.append(rect(LABEL_X, y + 7, _x_rate(bar.rate) - LABEL_X, ROW_H - 14, BAR, class_="bar"))
        desc = f"{bar.label}: {pct(bar.rate)}"
        if bar.low is not None and bar.high is not None:
            x1, x2 = _x_rate(bar.low), _x_rate(bar.high)
            body.append(line(x1, mid, x2, mid, stroke_width=2, class_="whisker"))
            body.append(line(x1, mid - 6, x1, mid + 6, stroke_width=2))
            body.append(line(x2, mid - 6, x2, mid + 6, stroke_width=2))
            desc += f" ({level} interval {pct(bar.low)} to {pct(bar.high)})"
        body.append(text(LABEL_X + PLOT_W + 10, mid + 4, f"{pct(bar.rate)}  n={bar.n}", class_="value"))
        parts.append(f"{desc}, n={bar.n}")
    if benchmark is not None:
        x = _x_rate(benchmark)
        body.append(line(x, TOP - 4, x, height - 10, MUTED, stroke_dasharray="5 3", class_="benchmark"))
        parts.append(f"{benchmark_label}: {pct(benchmark)}")
    return svg(cid, WIDTH, height, title, "; ".join(parts) or "No data.", body)


@dataclass(frozen=True)
class TimeGroup:
    """The times of one group (e.g. a task's successful attempts), optionally a target time."""

    label: str
    times_s: Sequence[float]
    target_s: float | None = None


def _quartiles(arr: np.ndarray) -> tuple[float, float, float]:
    q1, q2, q3 = np.percentile(arr, [25, 50, 75])
    return float(q1), float(q2), float(q3)


def time_distribution(
    title: str,
    groups: Sequence[TimeGroup],
    *,
    max_points: int = 200,
    chart_id_: str | None = None,
) -> Markup:
    """Strip plot (one dot per time) over a box plot (quartiles, median, range) per group.

    Large groups show ``max_points`` evenly spaced quantiles as dots instead of every time.
    A target time draws a dashed tick.
    """
    cid = chart_id(chart_id_, "times", title, [(g.label, len(g.times_s), g.target_s) for g in groups])
    arrays = [np.asarray(g.times_s, dtype=float) for g in groups]
    top_value = max(
        [float(a.max()) for a in arrays if a.size] + [g.target_s for g in groups if g.target_s] + [1.0]
    )
    maximum = nice_max(top_value)
    scale = PLOT_W / maximum
    height = TOP + ROW_H * 1.5 * max(len(groups), 1) + 10
    body = []
    for tick in ticks(maximum):
        x = LABEL_X + tick * scale
        body.append(line(x, TOP - 4, x, height - 10, GRID))
        body.append(text(x, TOP - 10, f"{num(tick)} s", "middle", fill=MUTED, font_size=11))
    parts = []
    for i, (group, arr) in enumerate(zip(groups, arrays, strict=True)):
        y = TOP + i * ROW_H * 1.5
        mid = y + ROW_H * 0.75
        body.append(text(LABEL_X - 8, mid + 4, fit(group.label, LABEL_X - 12), "end"))
        if group.target_s:
            x = LABEL_X + group.target_s * scale
            body.append(
                line(x, y + 2, x, y + ROW_H * 1.5 - 2, MUTED, stroke_dasharray="3 2", class_="target")
            )
        if arr.size == 0:
            body.append(text(LABEL_X + 4, mid + 4, "no successful attempts", fill=MUTED))
            parts.append(f"{group.label}: no successful attempts")
            continue
        q1, q2, q3 = _quartiles(arr)
        lo, hi = float(arr.min()), float(arr.max())
        body.append(line(LABEL_X + lo * scale, mid, LABEL_X + hi * scale, mid, MUTED, class_="range"))
        body.append(
            rect(LABEL_X + q1 * scale, mid - 8, (q3 - q1) * scale, 16, "#dbe9f7", stroke=BAR, class_="box")
        )
        body.append(
            line(
                LABEL_X + q2 * scale,
                mid - 9,
                LABEL_X + q2 * scale,
                mid + 9,
                BAR,
                stroke_width=3,
                class_="median",
            )
        )
        shown = arr if arr.size <= max_points else np.quantile(arr, np.linspace(0, 1, max_points))
        for j, value in enumerate(np.sort(shown)):
            jitter = ((j * 7) % 9 - 4) * 1.6
            body.append(
                f'<circle class="dot" cx="{num(LABEL_X + value * scale, 2)}" '
                f'cy="{num(mid + jitter, 2)}" r="2.5" fill="#1b1f24" fill-opacity="0.55"/>'
            )
        desc = (
            f"{group.label}: n={arr.size}, median {num(q2)} s, middle half {num(q1)} to {num(q3)} s, "
            f"range {num(lo)} to {num(hi)} s"
        )
        if group.target_s:
            desc += f", target {num(group.target_s)} s"
        parts.append(desc)
    return svg(cid, WIDTH, height, title, "; ".join(parts) or "No data.", body)
