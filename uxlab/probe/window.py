"""When a probe run stops watching the page: Lighthouse 13's observation window.

Lighthouse ends a navigation (``core/gather/driver/wait-for-condition.js``,
``waitForFullyLoaded``) once all of these hold, or ``maxWaitForLoad`` has passed:

1. ``pauseAfterLoadMs`` after the load event and ``pauseAfterFcpMs`` after first contentful
   paint (``waitForLoadEvent``, ``waitForFcp``);
2. the network has had at most 2 requests in flight for ``networkQuietThresholdMs``, and no
   high-priority request of the main frame for as long (``waitForNetworkIdle`` with
   ``network-2-idle`` and ``network-critical-idle``, ``network-monitor.js``);
3. then, counted from the moment 1 and 2 hold, ``cpuQuietThresholdMs`` without a long task,
   checked twice 150 ms apart (``waitForCPUIdle``, ``checkTimeSinceLastLongTaskInPage``).

The windows are Lighthouse's defaults (``core/config/constants.js``: 1,000 ms each). With
devtools or provided throttling Lighthouse stretches all four to 5,250 ms
(``nonSimulatedSettingsOverrides``, applied in ``core/config/config.js``); uxlab keeps the
1,000 ms windows, so a run is at least load + 2.3 s long rather than load + 10.6 s. A run
watches at most ``CAP_S`` seconds after the load event (Lighthouse: 45 s from navigation).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

PAUSE_AFTER_LOAD_MS = 1000.0
PAUSE_AFTER_FCP_MS = 1000.0
NETWORK_QUIET_MS = 1000.0
CPU_QUIET_MS = 1000.0
CAP_S = 10.0
# Requests that may stay open for the page's life do not keep the observation going.
LONG_LIVED = {"EventSource", "WebSocket", "Ping"}

# Resolve (true) once the load event ended loadPauseMs ago and first contentful paint (if
# any) happened fcpPauseMs ago; false once capMs passed. In-page timers keep order with the page's
# own: a timer the page set for 900 ms after load fires before this one.
PAUSE_JS = """
async ([loadPauseMs, fcpPauseMs, capMs]) => {
  const start = performance.now();
  for (;;) {
    const now = performance.now();
    const nav = performance.getEntriesByType('navigation')[0];
    const loadEnd = nav ? nav.loadEventEnd : 0;
    const s = window.__uxlabProbe;
    const fcp = s ? s.paint['first-contentful-paint'] : undefined;
    let until = loadEnd > 0 ? loadEnd + loadPauseMs : now + 50;
    if (loadEnd > 0 && fcp !== undefined) until = Math.max(until, fcp + fcpPauseMs);
    if (loadEnd > 0 && now >= until) return true;
    if (now - start >= capMs) return false;
    await new Promise((r) => setTimeout(r, Math.max(10, Math.min(until - now, capMs - (now - start)))));
  }
}
"""

# Wait until no long task ended in the last quietMs, counted from when this script starts
# (Lighthouse sets its last long task to "now" when it starts watching), reading twice 150 ms
# apart because an observer entry can lag its task. Then wait for one more rendered frame and
# take the entries not yet delivered: the frame that shows a late style change can lag the
# timer that made it. Return every entry the page recorded.
CPU_QUIET_JS = """
async ([quietMs, capMs]) => {
  const s = window.__uxlabProbe || {paint: {}, lcp: null, shifts: [], longtasks: []};
  const take = () => { if (s.take) s.take(); };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const start = performance.now();
  const lastEnd = () => s.longtasks.reduce((m, t) => Math.max(m, t[0] + t[1]), start);
  for (;;) {
    take();
    const first = performance.now();
    const before = lastEnd();
    await sleep(150);
    take();
    const quiet = lastEnd() === before ? first - before : 0;
    const spent = performance.now() - start;
    if (quiet >= quietMs || spent >= capMs) break;
    await sleep(Math.max(10, Math.min(quietMs - quiet, capMs - spent)));
  }
  await new Promise((r) => {
    const timer = setTimeout(r, 500);  // no frames (a hidden page): do not wait for one
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); r(); }, 0));
  });
  take();
  const nav = performance.getEntriesByType('navigation')[0];
  return {now: performance.now(), paint: s.paint, lcp: s.lcp, shifts: s.shifts,
          longtasks: s.longtasks, nav: nav ? nav.toJSON() : null};
}
"""


class Network:
    """Requests seen through the DevTools Protocol: count, bytes, and Lighthouse's quiet states."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0.0
        self.inflight: dict[str, bool] = {}  # request id -> critical (high priority, main frame)
        self.ignored: set[str] = set()
        self.main_frame: str | None = None
        now = time.monotonic()
        self.two_idle_since: float | None = now
        self.critical_idle_since: float | None = now

    def attach(self, cdp: CDPSession) -> None:
        cdp.on("Network.requestWillBeSent", self.on_request)
        cdp.on("Network.loadingFinished", self.on_finished)
        cdp.on("Network.loadingFailed", self.on_finished)

    def on_request(self, event: dict[str, Any]) -> None:
        request_id = str(event.get("requestId"))
        url = str(event.get("request", {}).get("url", ""))
        kind = event.get("type")
        if url.startswith("data:") or _browser_favicon(event, url):
            # Chromium fetches /favicon.ico for its own tab strip, not for the page.
            self.ignored.add(request_id)
            return
        if kind == "Document" and self.main_frame is None:
            self.main_frame = event.get("frameId")
        self.requests += 1
        if kind not in LONG_LIVED:
            priority = event.get("request", {}).get("initialPriority")
            critical = event.get("frameId") == self.main_frame and priority in ("VeryHigh", "High")
            self.inflight[request_id] = critical
            self._update()

    def on_finished(self, event: dict[str, Any]) -> None:
        request_id = str(event.get("requestId"))
        if request_id in self.ignored:
            return
        self.bytes += float(event.get("encodedDataLength", 0))
        self.inflight.pop(request_id, None)
        self._update()

    def _update(self) -> None:
        now = time.monotonic()
        two_idle = len(self.inflight) <= 2
        critical_idle = not any(self.inflight.values())
        if not two_idle:
            self.two_idle_since = None
        elif self.two_idle_since is None:
            self.two_idle_since = now
        if not critical_idle:
            self.critical_idle_since = None
        elif self.critical_idle_since is None:
            self.critical_idle_since = now

    def quiet_for_ms(self) -> float:
        """Milliseconds both quiet states (2-idle, critical-idle) have held; 0 while either is busy."""
        if self.two_idle_since is None or self.critical_idle_since is None:
            return 0.0
        return (time.monotonic() - max(self.two_idle_since, self.critical_idle_since)) * 1000


def _browser_favicon(event: dict[str, Any], url: str) -> bool:
    initiator = event.get("initiator", {}).get("type")
    return event.get("type") == "Other" and initiator == "other" and urlsplit(url).path == "/favicon.ico"


async def observe(page: Page, network: Network, cap_s: float = CAP_S) -> dict[str, Any]:
    """Watch the loaded page through Lighthouse's window (see the module docstring); return its entries."""
    deadline = time.monotonic() + cap_s
    while True:
        try:
            await page.evaluate(PAUSE_JS, [PAUSE_AFTER_LOAD_MS, PAUSE_AFTER_FCP_MS, _left_ms(deadline)])
            while network.quiet_for_ms() < NETWORK_QUIET_MS and time.monotonic() < deadline:
                await asyncio.sleep(max(0.01, (NETWORK_QUIET_MS - network.quiet_for_ms()) / 1000))
            data: dict[str, Any] = await page.evaluate(CPU_QUIET_JS, [CPU_QUIET_MS, _left_ms(deadline)])
            return data
        except PlaywrightError:  # the page navigated on its own: watch the new document
            if time.monotonic() >= deadline:
                raise
            await page.wait_for_load_state("load")


def _left_ms(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic()) * 1000
