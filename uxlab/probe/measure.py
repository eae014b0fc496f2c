"""One page load in a fresh browser context, throttled per profile, measured in the page.

The page's own PerformanceObserver entries (buffered: paint, largest-contentful-paint,
layout-shift, longtask) and its navigation timing give the metrics; the DevTools
Protocol gives request count and transferred bytes and applies network and CPU
throttling. The caller owns the (async Playwright) browser.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, CDPSession
from playwright.async_api import Error as PlaywrightError

from uxlab.errors import ProbeError
from uxlab.metrics.pagespeed import cls_from_shifts, tbt_from_long_tasks
from uxlab.scenarios import Profile

OBSERVER_JS = """
(() => {
  const s = window.__uxlabProbe = {paint: {}, lcp: null, shifts: [], longtasks: [], last: 0};
  const takers = [];
  const watch = (type, cb) => {
    const seen = (entries) => {
      for (const e of entries) cb(e);
      if (entries.length) s.last = performance.now();
    };
    try {
      const observer = new PerformanceObserver((list) => seen(list.getEntries()));
      observer.observe({type, buffered: true});
      takers.push(() => seen(observer.takeRecords()));
    } catch (e) { /* entry type not supported */ }
  };
  // Entries recorded but not yet delivered to the callbacks (their task may still be queued).
  s.take = () => takers.forEach((take) => take());
  watch('paint', (e) => { s.paint[e.name] = e.startTime; });
  watch('largest-contentful-paint', (e) => { s.lcp = e.startTime; });
  watch('layout-shift', (e) => { s.shifts.push([e.startTime, e.value, e.hadRecentInput]); });
  watch('longtask', (e) => { s.longtasks.push([e.startTime, e.duration]); });
})();
"""

# Wait inside the page until it has been quiet for ``quietMs``: no observer entry (paint, LCP,
# layout shift, long task) and no late timer (a timer firing more than 50 ms late means the
# main thread was blocked: a long task whose entry may still be queued) since the load event
# ended, or ``capMs`` have passed. It waits at least 50 ms, so that observer callbacks queued
# behind a long task that delayed this script run first. In-page timers keep order with the
# page's own: work the page scheduled before the deadline runs first. Before it ends, it waits
# for one more rendered frame and takes the entries not yet delivered: on a busy machine the
# frame that shows a late style change (a layout shift) can lag well behind the timer that
# made it, and would otherwise fall after the run. One round trip.
SETTLE_JS = """
async ([quietMs, capMs]) => {
  const s = window.__uxlabProbe || {paint: {}, lcp: null, shifts: [], longtasks: [], last: 0};
  const frame = () => new Promise((r) => {
    const timer = setTimeout(r, 500);  // no frames (a hidden page): do not wait for one
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); r(); }, 0));
  });
  const start = performance.now();
  let nav = null;
  let expected = start;
  for (;;) {
    const now = performance.now();
    if (now - expected > 50) s.last = Math.max(s.last, now);
    nav = performance.getEntriesByType('navigation')[0];
    const loadEnd = nav ? nav.loadEventEnd : 0;
    const wait = quietMs - (now - Math.max(s.last, loadEnd));
    const first = now === start;
    if (!first && loadEnd > 0 && wait <= 0 && now - start < capMs) {
      const before = s.last;
      await frame();
      if (s.take) s.take();
      if (s.last === before) break;
      expected = performance.now();  // the frame's wait is not a blocked main thread
      continue;
    }
    if (!first && now - start >= capMs) break;
    const step = Math.max(first ? 50 : 10, Math.min(wait, capMs - (now - start)));
    expected = now + step;
    await new Promise((r) => setTimeout(r, step));
  }
  return {now: performance.now(), last: s.last, paint: s.paint, lcp: s.lcp, shifts: s.shifts,
          longtasks: s.longtasks, nav: nav ? nav.toJSON() : null};
}
"""

# Requests that may stay open for the page's life do not keep the observation going.
LONG_LIVED = {"EventSource", "WebSocket", "Ping"}
# Quiet window after the load event, and the longest a run watches the page after it.
QUIET_MS = 250.0
CAP_S = 10.0

METRICS = ("ttfb_ms", "fcp_ms", "lcp_ms", "cls", "tbt_ms", "dcl_ms", "load_ms", "requests", "transfer_bytes")


@dataclass
class RunResult:
    """The metrics of one page load (milliseconds from navigation start; CLS unitless)."""

    url: str
    profile: str
    metrics: dict[str, float | None]
    status: int
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": self.metrics,
            "status": self.status,
            "errors": self.errors,
            "wall_s": round(self.wall_s, 3),
        }


def context_options(profile: Profile) -> dict[str, Any]:
    """Return Playwright context options that emulate the profile's device."""
    return {
        "viewport": {"width": profile.width, "height": profile.height},
        "device_scale_factor": 2.625 if profile.mobile else 1,
        "is_mobile": profile.mobile,
        "has_touch": profile.mobile,
    }


async def throttle(cdp: CDPSession, profile: Profile) -> None:
    """Apply the profile's network and CPU throttling through the DevTools Protocol."""
    if profile.rtt_ms or profile.down_kbps or profile.up_kbps:
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile.rtt_ms,
                "downloadThroughput": profile.down_kbps * 1000 / 8 if profile.down_kbps else -1,
                "uploadThroughput": profile.up_kbps * 1000 / 8 if profile.up_kbps else -1,
            },
        )
    if profile.cpu_slowdown > 1:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu_slowdown})


def unreachable(url: str, error: Exception) -> ProbeError:
    """Return the one-line setup error for a page that could not be loaded at all."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    reason = text.split("net::", 1)[1].split()[0] if "net::" in text else text
    return ProbeError(f"cannot load {url} ({reason}): is the site running and the URL right?")


class Network:
    """Request count, transferred bytes and in-flight requests from DevTools Protocol events."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0.0
        self.inflight: set[str] = set()
        self.last = time.monotonic()

    def attach(self, cdp: CDPSession) -> None:
        cdp.on("Network.requestWillBeSent", self.on_request)
        cdp.on("Network.loadingFinished", self.on_finished)
        cdp.on("Network.loadingFailed", self.on_finished)

    def on_request(self, event: dict[str, Any]) -> None:
        self.last = time.monotonic()
        if str(event.get("request", {}).get("url", "")).startswith("data:"):
            return
        self.requests += 1
        if event.get("type") not in LONG_LIVED:
            self.inflight.add(str(event.get("requestId")))

    def on_finished(self, event: dict[str, Any]) -> None:
        self.last = time.monotonic()
        self.bytes += float(event.get("encodedDataLength", 0))
        self.inflight.discard(str(event.get("requestId")))

    def quiet_for_s(self) -> float:
        """Seconds since the last request started or ended; 0 while any is in flight."""
        return 0.0 if self.inflight else time.monotonic() - self.last


async def warm_up(browser: Browser, url: str, profile: Profile, timeout_s: float = 30) -> None:
    """Load ``url`` once unmeasured in a throwaway context, so the first measured run is not
    also the browser's first load (renderer, network service and caches start cold: its TTFB
    and FCP came out tens of milliseconds slower). ProbeError if the page cannot load."""
    context = await browser.new_context(**context_options(profile))
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load", timeout=timeout_s * 1000)
    except PlaywrightError as error:
        raise unreachable(url, error) from None
    finally:
        await context.close()


async def measure(
    browser: Browser,
    url: str,
    profile: Profile,
    *,
    quiet_ms: float = QUIET_MS,
    cap_s: float = CAP_S,
    timeout_s: float = 30,
    warm: bool = False,
) -> RunResult:
    """Load ``url`` in a fresh context and return its metrics; ProbeError if it cannot load.

    After the load event the run watches until the page has been quiet (no observer entry,
    blocked main thread, or request in flight) for ``quiet_ms``, at most ``cap_s`` seconds.
    ``warm`` loads the page once unmeasured first, so the measured load is a repeat view
    with the context's HTTP cache filled.
    """
    started = time.perf_counter()
    context = await browser.new_context(**context_options(profile))
    try:
        if warm:
            first = await context.new_page()
            try:
                await first.goto(url, wait_until="load", timeout=timeout_s * 1000)
            except PlaywrightError as error:
                raise unreachable(url, error) from None
            await first.close()
        await context.add_init_script(OBSERVER_JS)
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        network = Network()
        network.attach(cdp)
        await cdp.send("Network.enable")
        await throttle(cdp, profile)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc).splitlines()[0]))
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        except PlaywrightError as error:
            raise unreachable(url, error) from None
        if response is None:
            raise ProbeError(f"cannot load {url}: no response")
        if response.status >= 400:
            raise ProbeError(
                f"{url} answered HTTP {response.status} {response.status_text}: fix the page or the URL"
            )
        data = await _settle(page, network, quiet_ms, cap_s)
        metrics = _metrics(data)
        metrics["requests"] = float(network.requests)
        metrics["transfer_bytes"] = network.bytes
        return RunResult(url, profile.name, metrics, response.status, errors, time.perf_counter() - started)
    finally:
        await context.close()


async def _settle(page: Any, network: Network, quiet_ms: float, cap_s: float) -> dict[str, Any]:
    """Return the page's entries once page and network have been quiet for ``quiet_ms`` (cap ``cap_s``)."""
    deadline = time.monotonic() + cap_s
    while True:
        left_ms = max(0.0, deadline - time.monotonic()) * 1000
        try:
            data: dict[str, Any] = await page.evaluate(SETTLE_JS, [quiet_ms, left_ms])
        except PlaywrightError:  # the page navigated on its own: watch the new document
            if time.monotonic() >= deadline:
                raise
            await page.wait_for_load_state("load")
            continue
        net_quiet_ms = network.quiet_for_s() * 1000
        if net_quiet_ms >= quiet_ms or time.monotonic() >= deadline:
            return data
        await asyncio.sleep(max(0.01, (quiet_ms - net_quiet_ms) / 1000))


def _metrics(data: dict[str, Any]) -> dict[str, float | None]:
    """Turn the page's raw entries into the run's metrics (METRICS.md definitions)."""
    nav = data.get("nav") or {}
    fcp = data["paint"].get("first-contentful-paint")
    shifts = data["shifts"]
    tasks = data["longtasks"]
    end = float(data["now"])
    return {
        "ttfb_ms": float(nav.get("responseStart", 0)) - float(nav.get("activationStart", 0)) if nav else None,
        "fcp_ms": fcp,
        "lcp_ms": data["lcp"] if data["lcp"] is not None else fcp,
        # A probe gives no input, so hadRecentInput can only come from device emulation
        # (Chromium issue 1302667, which Lighthouse works around too): count every shift.
        "cls": cls_from_shifts([s[0] for s in shifts], [s[1] for s in shifts]),
        "tbt_ms": tbt_from_long_tasks([t[0] for t in tasks], [t[1] for t in tasks], fcp, end)
        if fcp is not None
        else None,
        "dcl_ms": nav.get("domContentLoadedEventEnd"),
        "load_ms": nav.get("loadEventEnd"),
    }
