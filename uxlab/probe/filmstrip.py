"""The screenshots of a page load, captured as Lighthouse captures them, and their Speed Index.

Lighthouse records a trace with the ``disabled-by-default-devtools.screenshot`` category
(``core/gather/gatherers/trace.js``): the compositor adds a JPEG of each new frame. Speedline
keeps the screenshots from the navigation start on (the main frame's ``navigationStart``
trace event, Lighthouse's time origin) and drops a screenshot equal to the one before. A run
here records the same two categories, then decodes the JPEGs with the browser's own decoder
in a blank page (no image library needed, and the measured page is not touched), counts
each frame's histogram there, and hands the histograms to ``uxlab.metrics.speed_index``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

CATEGORIES = ["disabled-by-default-devtools.screenshot", "blink.user_timing"]

# Decode each base64 JPEG and return its Speedline histogram (uxlab.metrics.speed_index.
# frame_histogram, here in the page so that 768 counts cross the protocol rather than every
# pixel): per channel, the count of each value over the pixels that are not near white.
HISTOGRAM_JS = """
async ([shots, whiteFrom]) => {
  const out = [];
  for (const shot of shots) {
    const text = atob(shot);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/jpeg'}));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', {willReadFrequently: true});
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const counts = new Uint32Array(768);
    for (let i = 0; i < rgba.length; i += 4) {
      const r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
      if (r >= whiteFrom && g >= whiteFrom && b >= whiteFrom) continue;
      counts[r]++; counts[256 + g]++; counts[512 + b]++;
    }
    out.push(Array.from(counts));
  }
  return out;
}
"""


class Filmstrip:
    """A trace of screenshots over one page load, started before the navigation."""

    def __init__(self, cdp: CDPSession) -> None:
        self.cdp = cdp
        self.events: list[dict[str, Any]] = []
        self.complete = asyncio.Event()
        self.recording = False
        cdp.on("Tracing.dataCollected", lambda event: self.events.extend(event.get("value", [])))
        cdp.on("Tracing.tracingComplete", lambda event: self.complete.set())

    async def start(self) -> None:
        """Start the trace; Chromium traces one page at a time, so a concurrent run records none."""
        config = {"includedCategories": CATEGORIES, "excludedCategories": ["*"]}
        try:
            await self.cdp.send("Tracing.start", {"traceConfig": config, "transferMode": "ReportEvents"})
        except PlaywrightError:  # "Tracing has already been started": another run holds it
            return
        self.recording = True

    async def stop(self, timeout_s: float = 10) -> None:
        if not self.recording:
            return
        await self.cdp.send("Tracing.end")
        await asyncio.wait_for(self.complete.wait(), timeout_s)

    def frames(self) -> tuple[list[float], list[str]]:
        """Return the screenshots after the navigation start (see ``screenshot_frames``)."""
        origin = navigation_start_us(self.events)
        return ([], []) if origin is None else screenshot_frames(self.events, origin)


def screenshot_frames(events: list[dict[str, Any]], origin_us: float) -> tuple[list[float], list[str]]:
    """Return the trace's screenshots from ``origin_us`` on: times (ms after it), base64 JPEGs.

    Speedline's extractFramesFromTimeline: from the time origin on, sorted by time, a
    screenshot identical to the one before dropped.
    """
    shots = sorted(
        (e for e in events if e.get("name") == "Screenshot" and e.get("ts", 0) >= origin_us),
        key=lambda e: e["ts"],
    )
    times: list[float] = []
    images: list[str] = []
    for shot in shots:
        image = str(shot.get("args", {}).get("snapshot", ""))
        if image and (not images or image != images[-1]):
            times.append((shot["ts"] - origin_us) / 1000)
            images.append(image)
    return times, images


def navigation_start_us(events: list[dict[str, Any]]) -> float | None:
    """The trace time of the main frame's navigation to the page (Lighthouse's timeOrigin)."""
    for event in sorted(events, key=lambda e: e.get("ts", 0)):
        data = event.get("args", {}).get("data") or {}
        if (
            event.get("name") == "navigationStart"
            and data.get("isLoadingMainFrame")
            and data.get("documentLoaderURL")
        ):
            return float(event["ts"])
    return None


async def histograms(decoder: Page, images: list[str]) -> list[Any]:
    """Decode base64 JPEGs in ``decoder`` (a blank page, not the measured one); return each
    frame's Speedline histogram, as ``uxlab.metrics.speed_index.frame_histogram`` counts it."""
    import numpy as np  # after the measured run, not before the browser launch

    from uxlab.metrics.speed_index import WHITE_FROM

    counts = await decoder.evaluate(HISTOGRAM_JS, [images, WHITE_FROM])
    return [np.asarray(c, dtype=np.int64).reshape(3, 256) for c in counts]


async def speed_index_ms(
    context: BrowserContext, filmstrip: Filmstrip, decoder: Page | None = None
) -> float | None:
    """Return the load's Speed Index (ms), or None when no frame was captured or painted.

    The frames are decoded in ``decoder``, else in a blank page opened in ``context``.
    """
    from uxlab.errors import MetricInputError
    from uxlab.metrics.speed_index import speed_index_ms as compute

    times, images = filmstrip.frames()
    if not images:
        return None
    page = decoder or await context.new_page()
    try:
        return compute(times, await histograms(page, images))
    except MetricInputError:  # nothing painted: Lighthouse reports no Speed Index either
        return None
    finally:
        if decoder is None:
            await page.close()
