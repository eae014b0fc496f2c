"""SVG charts: geometry follows the numbers, text alternatives exist, hostile text is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from uxlab import charts

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = "<script>alert('x')</script> & \"quoted\" </svg>"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{{{NS['s']}}}{tag}") if cls in (el.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{{{NS['s']}}}text")]


def check_accessible(root: ET.Element) -> str:
    """Role img, labelled by its own title and desc, responsive; returns the desc text."""
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None and root.get("height") is None
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find("s:title", NS)
    desc = root.find("s:desc", NS)
    assert title is not None and title.get("id") == title_id and title.text
    assert desc is not None and desc.get("id") == desc_id and desc.text
    return desc.text


def test_rate_bars_lengths_are_proportional_to_rates() -> None:
    bars = [
        charts.RateBar("Find the helpdesk", 0.8, 0.49, 0.94, 10),
        charts.RateBar("Find the phone number", 0.25, 0.1, 0.5, 20),
        charts.RateBar("Nobody tried", None),
    ]
    root = parse(charts.rate_bars("Task success", bars, benchmark=0.78))
    desc = check_accessible(root)
    widths = [float(r.get("width", "nan")) for r in by_class(root, "rect", "bar")]
    assert len(widths) == 2
    assert widths[0] / widths[1] == pytest.approx(0.8 / 0.25)
    assert widths[0] == pytest.approx(0.8 * charts.bars.PLOT_W)
    whisker = by_class(root, "line", "whisker")[0]
    x0 = charts.bars.LABEL_X
    assert float(whisker.get("x1", "nan")) == pytest.approx(x0 + 0.49 * charts.bars.PLOT_W)
    assert float(whisker.get("x2", "nan")) == pytest.approx(x0 + 0.94 * charts.bars.PLOT_W)
    benchmark = by_class(root, "line", "benchmark")[0]
    assert float(benchmark.get("x1", "nan")) == pytest.approx(x0 + 0.78 * charts.bars.PLOT_W)
    assert "Find the helpdesk: 80% (95% interval 49% to 94%), n=10" in desc
    assert "Nobody tried: no attempts" in desc
    assert "no attempts" in texts(root)


def test_time_distribution_box_and_dots_follow_the_sample() -> None:
    times = [12.0, 15.0, 20.0, 31.0, 44.0, 60.0]
    root = parse(
        charts.time_distribution(
            "Time on task", [charts.TimeGroup("Task A", times, 40.0), charts.TimeGroup("Task B", [])]
        )
    )
    desc = check_accessible(root)
    scale = charts.bars.PLOT_W / 100.0  # axis rounds 60 s up to 100 s
    q1, q2, q3 = np.percentile(times, [25, 50, 75])
    box = by_class(root, "rect", "box")[0]
    assert float(box.get("x", "nan")) == pytest.approx(charts.bars.LABEL_X + q1 * scale, abs=0.01)
    assert float(box.get("width", "nan")) == pytest.approx((q3 - q1) * scale, abs=0.01)
    median = by_class(root, "line", "median")[0]
    assert float(median.get("x1", "nan")) == pytest.approx(charts.bars.LABEL_X + q2 * scale, abs=0.01)
    dots = sorted(float(c.get("cx", "nan")) for c in by_class(root, "circle", "dot"))
    assert dots == pytest.approx([charts.bars.LABEL_X + t * scale for t in times], abs=0.01)
    assert "Task A: n=6, median 25.5 s" in desc
    assert "Task B: no successful attempts" in desc


def test_time_distribution_caps_the_dots_of_large_samples() -> None:
    rng = np.random.default_rng(5)
    root = parse(charts.time_distribution("Times", [charts.TimeGroup("Big", rng.lognormal(3, 0.5, 5000))]))
    assert len(by_class(root, "circle", "dot")) == 200


def test_sus_scale_marks_the_score_and_its_grade() -> None:
    root = parse(charts.sus_scale(72.6, 65.0, 80.0, n=12))
    desc = check_accessible(root)
    marker = by_class(root, "line", "marker")[0]
    x = charts.bands.X0 + 72.6 * charts.bands.PLOT_W / 100
    assert float(marker.get("x1", "nan")) == pytest.approx(x)
    whisker = by_class(root, "line", "whisker")[0]
    assert float(whisker.get("x1", "nan")) == pytest.approx(
        charts.bands.X0 + 65.0 * charts.bands.PLOT_W / 100
    )
    # Sauro & Lewis 2016, Table 8.5: 72.6 is the lowest B- score.
    assert "72.6 (B-)" in texts(root)
    assert "grade B-" in desc and "n=12" in desc
    assert {"F", "D", "C", "B", "A"} <= set(texts(root))
    check_accessible(parse(charts.sus_scale(None)))


def test_nps_breakdown_segments_are_proportional_to_counts() -> None:
    root = parse(charts.nps_breakdown(3, 2, 5, low=-20.0, high=55.0))
    desc = check_accessible(root)
    widths = [float(s.get("width", "nan")) for s in by_class(root, "rect", "segment")]
    assert widths == pytest.approx([0.3 * 600, 0.2 * 600, 0.5 * 600])
    segments = by_class(root, "rect", "segment")
    hatch = segments[0].get("fill", "")
    assert hatch.startswith("url(#") and root.find(f".//s:pattern[@id='{hatch[5:-1]}']", NS) is not None
    assert "NPS +20 (95% interval -20 to +55)" in desc  # (5 - 3) / 10 promoters minus detractors
    assert "Detractors (0-6): 3 (30%)" in texts(root)
    check_accessible(parse(charts.nps_breakdown(0, 0, 0)))


def test_cwv_chart_rates_p75_against_thresholds() -> None:
    rows = [charts.PageMetric("/", "lcp_ms", 2600.0, 9), charts.PageMetric("/", "cls", 0.3, 9)]
    root = parse(charts.cwv_chart(rows))
    desc = check_accessible(root)
    values = [t for t in texts(root) if "s needs" in t or "poor" in t]
    assert "2.6 s needs improvement" in values  # web.dev: LCP 2500 < 2600 <= 4000
    assert "0.3 poor" in values  # web.dev: CLS 0.3 > 0.25
    marker = by_class(root, "line", "marker")[0]
    bands = by_class(root, "rect", "band")[:3]
    good_end = float(bands[0].get("x", "nan")) + float(bands[0].get("width", "nan"))
    ni_end = float(bands[1].get("x", "nan")) + float(bands[1].get("width", "nan"))
    assert good_end < float(marker.get("x1", "nan")) < ni_end
    assert "good up to 2.5 s, poor above 4 s" in desc
    check_accessible(parse(charts.cwv_chart([])))


def test_line_chart_points_and_budget() -> None:
    series = [
        charts.Series("/ desktop", [0.9, 0.7, None, 1.0]),
        charts.Series("/ mobile", [0.5, 0.6, 0.55, 0.6]),
    ]
    root = parse(charts.line_chart("Probe score", ["b1", "b2", "b3", "b4"], series, budget=0.8, y_max=1.0))
    desc = check_accessible(root)
    lines = by_class(root, "polyline", "series")
    first = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    y_of = lambda v: charts.lines.Y1 - v * (charts.lines.Y1 - charts.lines.Y0)  # noqa: E731
    assert [y for _, y in first] == pytest.approx([y_of(0.9), y_of(0.7), y_of(1.0)])
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    budget = by_class(root, "line", "budget")[0]
    assert float(budget.get("y1", "nan")) == pytest.approx(y_of(0.8))
    assert "/ desktop: b1 0.9, b2 0.7, b4 1" in desc and "budget: 0.8" in desc


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.rate_bars(
            HOSTILE, [charts.RateBar(HOSTILE, 0.5, 0.2, 0.8, 4)], benchmark_label=HOSTILE
        ),
        lambda: charts.time_distribution(HOSTILE, [charts.TimeGroup(HOSTILE, [3.0, 4.0])]),
        lambda: charts.sus_scale(50.0, title=HOSTILE),
        lambda: charts.nps_breakdown(1, 1, 1, title=HOSTILE),
        lambda: charts.cwv_chart([charts.PageMetric(HOSTILE, "fcp_ms", 900.0)], title=HOSTILE),
        lambda: charts.line_chart(HOSTILE, [HOSTILE], [charts.Series(HOSTILE, [1.0])], budget_label=HOSTILE),
    ],
)
def test_hostile_text_is_escaped(make) -> None:  # type: ignore[no-untyped-def]
    markup = str(make())
    root = parse(markup)  # parses: nothing broke out of its element
    assert root.find(".//s:script", NS) is None and root.find(".//script") is None
    assert "<script>" not in markup
    title = root.find("s:title", NS)
    assert title is not None and HOSTILE in "".join(title.itertext()) + check_accessible(root)


def test_explicit_ids_are_kept_and_cleaned() -> None:
    root = parse(charts.nps_breakdown(1, 0, 0, chart_id_="nps 1/2"))
    assert root.get("id") == "nps-1-2"
    assert root.get("aria-labelledby") == "nps-1-2-t nps-1-2-d"
