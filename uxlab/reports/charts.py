"""The charts of the study dashboard, drawn from a ``CXSummary``."""

from __future__ import annotations

from markupsafe import Markup

from uxlab.charts.bands import PageMetric, cwv_chart, nps_breakdown, sus_scale
from uxlab.charts.bars import RateBar, TimeGroup, rate_bars, time_distribution
from uxlab.charts.lines import Series, line_chart
from uxlab.metrics import AVERAGE_COMPLETION_RATE
from uxlab.reports.types import CXSummary

CWV_SHOWN = ("lcp_ms", "cls", "inp_ms")  # the Core Web Vitals


def dashboard_charts(summary: CXSummary) -> dict[str, Markup]:
    """Success, times, SUS, NPS, page speed and participation charts (keys of the same names)."""
    tasks = summary.tasks
    bars = [
        RateBar(t.prompt, t.success.estimate if t.success else None,
                t.success.low if t.success else None, t.success.high if t.success else None, t.attempts)
        for t in tasks
    ]  # fmt: skip
    sus = summary.figure("sus")
    counts = summary.nps_counts
    nps = summary.figure("nps")
    rows = [
        PageMetric(f"{p.page} ({p.profile})", metric, p.p75[metric], p.runs)
        for p in summary.pages
        for metric in CWV_SHOWN
        if metric in p.p75
    ]
    days = [d.day for d in summary.participation]
    return {
        "success": rate_bars(
            "Task success by task", bars, benchmark=AVERAGE_COMPLETION_RATE,
            benchmark_label="average completion rate 78%", chart_id_="chart-success",
        ),
        "times": time_distribution(
            "Time on task of successful attempts",
            [TimeGroup(t.prompt, t.times_s, t.target_time_s) for t in tasks], chart_id_="chart-times",
        ),
        "sus": sus_scale(sus.value, sus.low, sus.high, n=sus.n, chart_id_="chart-sus"),
        "nps": nps_breakdown(
            counts.get("detractors", 0), counts.get("passives", 0), counts.get("promoters", 0),
            nps=nps.value, low=nps.low, high=nps.high, chart_id_="chart-nps",
        ),
        "cwv": cwv_chart(rows, chart_id_="chart-cwv"),
        "participation": line_chart(
            "Participants per day", days,
            [Series("started", [float(d.started) for d in summary.participation]),
             Series("finished", [float(d.finished) for d in summary.participation])],
            fmt=lambda v: f"{v:.0f}", chart_id_="chart-participation",
        ),
    }  # fmt: skip


def history_charts(summary: CXSummary) -> list[tuple[str, Markup]]:
    """One probe-score line chart per page (a line per profile), with the score budget."""
    by_page: dict[str, list[Series]] = {}
    labels: dict[str, list[str]] = {}
    budgets: dict[str, float | None] = {}
    for page in summary.pages:
        if not page.history:
            continue
        known = labels.setdefault(page.page, [])
        known.extend(b for b, _ in page.history if b not in known)
        budgets[page.page] = budgets.get(page.page) or page.score_budget
    for page in summary.pages:
        if page.history:
            points = dict(page.history)
            by_page.setdefault(page.page, []).append(
                Series(page.profile, [points.get(b) for b in labels[page.page]])
            )
    return [
        (
            path,
            line_chart(
                f"Probe score of {path} by build", labels[path], series, budget=budgets[path],
                budget_label="budget", y_max=1.0, chart_id_=f"chart-history-{i}",
            ),
        )
        for i, (path, series) in enumerate(by_page.items())
    ]  # fmt: skip
