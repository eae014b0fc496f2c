"""Server-side SVG charts from plain numbers: readable without JavaScript, with text alternatives.

Each function returns a ``markupsafe.Markup`` ``<svg>`` that a template can include as is.
Every chart carries ``role="img"`` with ``aria-labelledby`` pointing at its ``<title>`` and
a ``<desc>`` that states the figures in words; colour never carries meaning alone (text
labels, hatch and dot patterns, marker shapes, dashes); the viewBox makes it scale to its
container; all text is escaped. Pass ``chart_id_`` when a page shows two charts with the
same content (ids default to a hash of the content).

- :func:`rate_bars` — rates with interval whiskers (task success);
- :func:`time_distribution` — strip plot over a box plot (time on task);
- :func:`sus_scale` — the SUS mean on the Sauro-Lewis curved grade scale;
- :func:`nps_breakdown` — detractors / passives / promoters;
- :func:`cwv_chart` — page metrics at p75 against the Core Web Vitals bands;
- :func:`line_chart` — history (probe score over builds, participation over days) with a budget.
"""

from uxlab.charts.bands import PageMetric, cwv_chart, format_metric, nps_breakdown, sus_scale
from uxlab.charts.bars import RateBar, TimeGroup, rate_bars, time_distribution
from uxlab.charts.lines import Series, line_chart

__all__ = [
    "PageMetric",
    "RateBar",
    "Series",
    "TimeGroup",
    "cwv_chart",
    "format_metric",
    "line_chart",
    "nps_breakdown",
    "rate_bars",
    "sus_scale",
    "time_distribution",
]
