"""SVG building blocks shared by the charts: escaping, ids, scales, the accessible wrapper.

Every chart is ``<svg role="img" aria-labelledby="ID-t ID-d">`` with a ``<title>`` (what
the chart shows) and a ``<desc>`` (the figures in words), so assistive technology gets the
data the picture shows. Charts have a viewBox and no fixed size: they scale with their
container. Every piece of text passes through :func:`esc`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

from markupsafe import Markup

INK = "#1b1f24"
MUTED = "#57606a"
GRID = "#d0d7de"
BAR = "#0b5cad"
# Okabe-Ito colours (safe for the common colour-vision deficiencies), for series.
SERIES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
# Status tints behind dark text (contrast > 7:1); "poor" also hatched, "watch" dotted.
STATUS_FILL = {"good": "#c9ecd9", "needs-improvement": "#fbe3a6", "poor": "#f5c2bd"}
STATUS_LABEL = {"good": "good", "needs-improvement": "needs improvement", "poor": "poor"}


def esc(text: object) -> str:
    """Escape text for SVG content and attribute values (XML-safe, quotes included)."""
    cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(text))
    return (
        cleaned.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float, digits: int = 1) -> str:
    """Format a number with at most ``digits`` decimals and no trailing zeros."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pct(rate: float) -> str:
    """Format a 0..1 share as a whole percentage."""
    return f"{round(rate * 100):d}%"


def chart_id(explicit: str | None, *parts: object) -> str:
    """Return a safe element id: ``explicit`` cleaned, else a hash of the chart's content."""
    if explicit:
        cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", explicit)
        return cleaned if cleaned[0].isalpha() else "c-" + cleaned
    return "chart-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def short(label: str, limit: int = 26) -> str:
    """Shorten a visible label to ``limit`` characters (the full text stays in the desc)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


_NARROW = set("iljtfr!.,:;'|/ ()[]")
_WIDE = set("mwMW@%…")


def text_width(label: str, font_px: float = 13) -> float:
    """A generous estimate of ``label``'s width in px, so a label never runs off the chart.

    Per-character widths (in em) are at or above those of the widest common fallback font
    (DejaVu Sans, which headless Chromium uses when system-ui has no font).
    """
    ems = sum(
        0.42 if ch in _NARROW else 1.0 if ch in _WIDE else 0.8 if ch.isupper() or ch.isdigit() else 0.64
        for ch in label
    )
    return ems * font_px


def fit(label: str, width_px: float, font_px: float = 13) -> str:
    """``label`` shortened with "…" until it fits ``width_px`` (the full text stays in the desc)."""
    if text_width(label, font_px) <= width_px:
        return label
    while label and text_width(label + "…", font_px) > width_px:
        label = label[:-1]
    return label.rstrip() + "…"


def text(x: float, y: float, content: str, anchor: str = "start", **attrs: object) -> str:
    """A ``<text>`` element; ``content`` is escaped."""
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<text x="{num(x, 2)}" y="{num(y, 2)}" text-anchor="{anchor}"{extra}>{esc(content)}</text>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = INK, **attrs: object) -> str:
    """A ``<line>`` element."""
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return (
        f'<line x1="{num(x1, 2)}" y1="{num(y1, 2)}" x2="{num(x2, 2)}" y2="{num(y2, 2)}" '
        f'stroke="{stroke}"{extra}/>'
    )


def rect(x: float, y: float, width: float, height: float, fill: str, **attrs: object) -> str:
    """A ``<rect>`` element (negative sizes clamp to 0)."""
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return (
        f'<rect x="{num(x, 2)}" y="{num(y, 2)}" width="{num(max(width, 0.0), 2)}" '
        f'height="{num(max(height, 0.0), 2)}" fill="{fill}"{extra}/>'
    )


def patterns(cid: str) -> str:
    """``<defs>`` with the hatch (poor) and dot (needs improvement) patterns of one chart."""
    return (
        "<defs>"
        f'<pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{STATUS_FILL["poor"]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#a40e26" stroke-width="1.5"/></pattern>'
        f'<pattern id="{cid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{STATUS_FILL["needs-improvement"]}"/>'
        '<circle cx="3" cy="3" r="1" fill="#7d4e00"/></pattern>'
        "</defs>"
    )


def status_fill(cid: str, status: str) -> str:
    """Fill for a status band: plain green for good, dotted for needs improvement, hatched for poor."""
    if status == "poor":
        return f"url(#{cid}-hatch)"
    if status == "needs-improvement":
        return f"url(#{cid}-dots)"
    return STATUS_FILL["good"]


def nice_max(value: float) -> float:
    """Round an axis maximum up to 1, 2, 2.5 or 5 times a power of ten."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power + 1e-12:
            return step * power
    return 10.0 * power


def ticks(maximum: float, count: int = 4) -> list[float]:
    """Evenly spaced ticks from 0 to ``maximum`` inclusive."""
    return [maximum * i / count for i in range(count + 1)]


def svg(
    cid: str, width: float, height: float, title: str, desc: str, body: Sequence[str], defs: str = ""
) -> Markup:
    """Wrap chart elements in an accessible, responsive ``<svg>``."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
        f'viewBox="0 0 {num(width)} {num(height)}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        f'font-family="system-ui, sans-serif" font-size="13" fill="{INK}">'
        f'<title id="{cid}-t">{esc(title)}</title><desc id="{cid}-d">{esc(desc)}</desc>'
        f"{defs}{''.join(body)}</svg>"
    )
