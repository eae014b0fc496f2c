"""Chart labels fit their SVG in a real browser (issue 16: "/support/helpdesk" lost its "/").

Text widths depend on the font, so they are measured in Chromium (getBBox), not estimated.
"""

from __future__ import annotations

from typing import Any

import pytest

from uxlab.charts import (
    PageMetric,
    RateBar,
    Series,
    TimeGroup,
    cwv_chart,
    line_chart,
    rate_bars,
    time_distribution,
)

pytestmark = pytest.mark.browser

LONG_PATHS = ["/support/helpdesk", "/support/helpdesk/tickets/new?x=1", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"]


def _charts() -> list[str]:
    bars = [RateBar(label, 0.5, 0.3, 0.7, 10) for label in LONG_PATHS]
    times = [TimeGroup(label, [3.0, 5.0, 8.0], 6.0) for label in LONG_PATHS]
    pages = [PageMetric(label, "lcp_ms", 2600.0) for label in LONG_PATHS]
    lines = line_chart("Score", ["build-0123456789", "b2"], [Series("/support/helpdesk " * 5, [0.5, 0.7])])
    return [
        str(rate_bars("Success", bars, benchmark=0.78)),
        str(time_distribution("Times", times)),
        str(cwv_chart(pages)),
        str(lines),
    ]


def test_every_label_lies_inside_its_chart(browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.set_content("<!doctype html><html><body>" + "".join(_charts()) + "</body></html>")
        outside = page.evaluate(
            """() => [...document.querySelectorAll('svg')].flatMap(svg => {
                const box = svg.viewBox.baseVal;
                return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
                  .filter(([, b]) => b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5)
                  .map(([text, b]) => `${text}: ${b.x.toFixed(1)}..${(b.x + b.width).toFixed(1)}`);
            })"""
        )
        assert outside == []
        shown = page.evaluate("[...document.querySelectorAll('text')].map(t => t.textContent)")
        assert "/support/helpdesk" in shown  # short labels are shown whole
    finally:
        page.close()
