"""Scores against banded scales: SUS on the grade scale, the NPS breakdown, page metrics vs CWV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from uxlab.charts.svg import (
    GRID,
    INK,
    MUTED,
    STATUS_FILL,
    STATUS_LABEL,
    chart_id,
    fit,
    line,
    num,
    patterns,
    rect,
    status_fill,
    svg,
    text,
)
from uxlab.metrics.pagespeed import CWV_THRESHOLDS, cwv_rating
from uxlab.metrics.sus import GRADES

WIDTH = 680
X0 = 40
PLOT_W = 600

# Letter groups of the curved grades (lowest score, letter); tints step lighter per letter.
_LETTERS = ((0.0, "F"), (51.7, "D"), (62.7, "C"), (72.6, "B"), (78.9, "A"))
_LETTER_FILL = {"F": "#f5c2bd", "D": "#f9d9b5", "C": "#fbe3a6", "B": "#dcefc4", "A": "#c9ecd9"}


def _grade_of(score: float) -> str:
    return next((grade for lowest, grade in GRADES if score >= lowest), "F")


def sus_scale(
    score: float | None,
    low: float | None = None,
    high: float | None = None,
    *,
    n: int = 0,
    title: str = "SUS score on the grade scale",
    chart_id_: str | None = None,
) -> Markup:
    """The SUS scale 0..100 with the Sauro-Lewis curved grade bands, the mean and its interval."""
    cid = chart_id(chart_id_, "sus", title, score, low, high, n)
    x = lambda v: X0 + max(0.0, min(100.0, v)) * PLOT_W / 100  # noqa: E731
    bounds = [0.0, *sorted(lowest for lowest, _ in GRADES), 100.0]
    body = []
    edges = [lowest for lowest, _ in _LETTERS] + [100.0]
    for (lowest, letter), upper in zip(_LETTERS, edges[1:], strict=True):
        body.append(rect(x(lowest), 34, x(upper) - x(lowest), 36, _LETTER_FILL[letter], class_="band"))
        body.append(text((x(lowest) + x(upper)) / 2, 57, letter, "middle", font_weight="700"))
    for bound in bounds[1:-1]:
        body.append(line(x(bound), 34, x(bound), 70, "#ffffff", stroke_width=1.5))
    for tick in range(0, 101, 10):
        body.append(line(x(tick), 70, x(tick), 75, MUTED))
        body.append(text(x(tick), 88, str(tick), "middle", fill=MUTED, font_size=11))
    if score is None:
        body.append(text(X0, 22, "No SUS answers yet", fill=MUTED))
        desc = "No SUS answers yet."
    else:
        grade = _grade_of(score)
        if low is not None and high is not None:
            body.append(line(x(low), 78, x(high), 78, INK, stroke_width=2, class_="whisker"))
        body.append(line(x(score), 28, x(score), 76, INK, stroke_width=3, class_="marker"))
        label = f"{num(score)} ({grade})"
        anchor = "start" if score < 80 else "end"
        body.append(text(x(score) + (6 if anchor == "start" else -6), 22, label, anchor, font_weight="700"))
        desc = f"Mean SUS score {num(score)}, grade {grade} on the Sauro-Lewis curved scale"
        if low is not None and high is not None:
            desc += f", 95% interval {num(low)} to {num(high)}"
        desc += (
            f", n={n}. Grade bands: " + ", ".join(f"{g} from {num(lo)}" for lo, g in GRADES) + ", F below."
        )
    return svg(cid, WIDTH, 100, title, desc, body)


def nps_breakdown(
    detractors: int,
    passives: int,
    promoters: int,
    *,
    nps: float | None = None,
    low: float | None = None,
    high: float | None = None,
    title: str = "Net Promoter Score breakdown",
    chart_id_: str | None = None,
) -> Markup:
    """One 100% bar split into detractors (0-6, hatched), passives (7-8), promoters (9-10)."""
    cid = chart_id(chart_id_, "nps", title, detractors, passives, promoters, low, high)
    total = detractors + passives + promoters
    groups = (
        ("Detractors (0-6)", detractors, status_fill(cid, "poor")),
        ("Passives (7-8)", passives, "#e6e8eb"),
        ("Promoters (9-10)", promoters, STATUS_FILL["good"]),
    )
    body = []
    if nps is None and total:
        nps = 100 * (promoters - detractors) / total
    headline = "No NPS answers yet" if not total else f"NPS {nps:+.0f}"
    if total and low is not None and high is not None:
        headline += f" (95% interval {low:+.0f} to {high:+.0f})"
    body.append(text(X0, 20, headline + (f", n={total}" if total else ""), font_weight="700"))
    x = float(X0)
    parts = []
    for i, (name, count, fill) in enumerate(groups):
        share = count / total if total else 0.0
        width = share * PLOT_W
        body.append(rect(x, 32, width, 34, fill, stroke=INK, stroke_width=0.5, class_="segment"))
        if width >= 44:
            body.append(text(x + width / 2, 54, f"{round(share * 100)}%", "middle", font_weight="700"))
        x += width
        lx = X0 + i * 200
        body.append(rect(lx, 80, 14, 14, fill, stroke=INK, stroke_width=0.5))
        body.append(text(lx + 20, 92, f"{name}: {count} ({round(share * 100)}%)"))
        parts.append(f"{name}: {count} ({round(share * 100)}%)")
    if not total:
        body.append(rect(X0, 32, PLOT_W, 34, "#ffffff", stroke=GRID))
    return svg(cid, WIDTH, 104, title, headline + ". " + "; ".join(parts) + ".", body, patterns(cid))


@dataclass(frozen=True)
class PageMetric:
    """A page's metric at the 75th percentile (``metric`` a key of CWV_THRESHOLDS)."""

    label: str
    metric: str
    p75: float
    n: int = 0


_METRIC_NAMES = {"lcp_ms": "LCP", "inp_ms": "INP", "cls": "CLS", "fcp_ms": "FCP", "ttfb_ms": "TTFB"}


def format_metric(metric: str, value: float) -> str:
    """Human units: CLS unitless, times under 1 s in ms, else seconds."""
    if not metric.endswith("_ms"):
        return num(value, 2)
    return f"{value:.0f} ms" if value < 1000 else f"{num(value / 1000, 2)} s"


def cwv_chart(
    rows: Sequence[PageMetric],
    *,
    title: str = "Page metrics at p75 against Core Web Vitals",
    chart_id_: str | None = None,
) -> Markup:
    """Per row, the good / needs-improvement / poor bands of the metric and a marker at p75."""
    cid = chart_id(chart_id_, "cwv", title, rows)
    label_w, plot_x, plot_w, row_h, top = 210, 220, 260, 34, 40
    body = []
    for i, status in enumerate(("good", "needs-improvement", "poor")):
        lx = (20, 110, 270)[i]
        body.append(rect(lx, 8, 14, 14, status_fill(cid, status), stroke=INK, stroke_width=0.5))
        body.append(text(lx + 20, 20, STATUS_LABEL[status], font_size=12))
    parts = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        name = _METRIC_NAMES.get(row.metric, row.metric)
        body.append(text(label_w - 8, y + 21, fit(f"{row.label} {name}", label_w - 12), "end"))
        good, poor = CWV_THRESHOLDS[row.metric]
        maximum = max(poor * 1.6, row.p75 * 1.05)
        x = lambda v, m=maximum: plot_x + min(v, m) / m * plot_w  # noqa: E731
        for status, a, b in (("good", 0.0, good), ("needs-improvement", good, poor), ("poor", poor, maximum)):
            body.append(
                rect(x(a), y + 6, x(b) - x(a), row_h - 12, status_fill(cid, status), class_=f"band {status}")
            )
        rating = cwv_rating(row.metric, row.p75)
        body.append(line(x(row.p75), y + 2, x(row.p75), y + row_h - 2, INK, stroke_width=3, class_="marker"))
        value = format_metric(row.metric, row.p75)
        body.append(text(plot_x + plot_w + 10, y + 21, f"{value} {STATUS_LABEL[rating]}", class_="value"))
        parts.append(
            f"{row.label} {name} p75 {value}: {STATUS_LABEL[rating]} (good up to "
            f"{format_metric(row.metric, good)}, poor above {format_metric(row.metric, poor)}), n={row.n}"
        )
    height = top + row_h * max(len(rows), 1) + 6
    if not rows:
        body.append(text(plot_x, top + 20, "No page measurements yet", fill=MUTED))
    return svg(
        cid, WIDTH, height, title, "; ".join(parts) or "No page measurements yet.", body, patterns(cid)
    )
