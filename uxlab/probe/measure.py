"""One page load in a fresh browser context, throttled per profile, measured in the page.

The page's own PerformanceObserver entries (buffered: paint, largest-contentful-paint,
layout-shift, longtask) and its navigation timing give the metrics; the DevTools
Protocol gives request count and transferred bytes and applies network and CPU
throttling; a trace of the compositor's screenshots gives Speed Index (``filmstrip``).
The caller owns the (async Playwright) browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from uxlab import probe_report
from uxlab.errors import ProbeError
from uxlab.probe.filmstrip import Filmstrip, speed_index_ms
from uxlab.probe.window import CAP_S, Network, observe
from uxlab.scenarios import Profile

OBSERVER_JS = """
(() => {
  const s = window.__uxlabProbe = {paint: {}, lcp: null, shifts: [], longtasks: []};
  const takers = [];
  const watch = (type, cb) => {
    const seen = (entries) => { for (const e of entries) cb(e); };
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

METRICS = probe_report.METRICS

# Resolve once first contentful paint happened (at most capMs from now) and two more frames
# were rendered: a small page's load event can come before its first paint, and the next
# run must not start its browser work while this page still paints (uxlab.probe.runner).
PAINTED_JS = """
async (capMs) => {
  const start = performance.now();
  const s = window.__uxlabProbe;
  const frame = () => new Promise((r) => {
    const timer = setTimeout(r, 100);  // a hidden page renders no frames
    requestAnimationFrame(() => { clearTimeout(timer); r(); });
  });
  while (performance.now() - start < capMs) {
    if (s && s.take) s.take();
    if (s && s.paint['first-contentful-paint'] !== undefined) break;
    await frame();
  }
  await frame();
  await frame();
}
"""
PAINT_CAP_MS = 1000


@dataclass
class RunResult:
    """The metrics of one page load (milliseconds from navigation start; CLS unitless)."""

    url: str
    profile: str
    metrics: dict[str, float | None]
    status: int
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def context_options(profile: Profile) -> dict[str, Any]:
    """Return Playwright context options that emulate the profile's device."""
    return {
        "viewport": {"width": profile.width, "height": profile.height},
        "device_scale_factor": profile.device_scale_factor or (2.625 if profile.mobile else 1),
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


async def unthrottle_cpu(cdp: CDPSession) -> None:
    """End the CPU throttling of a page whose observation window is over.

    Chromium's throttler (``ThreadCPUThrottler``) interrupts the page's main thread by
    signals many times a second and waits the suspensions out, so a throttled page keeps
    most of a core busy even when idle (bench/RESULTS.md, "probe: CPU throttling's own
    cost"); left on while the run waits its turn to stop its trace and close, it took the
    CPU from the next run's load.
    """
    with contextlib.suppress(PlaywrightError):
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})


def unreachable(url: str, error: Exception) -> ProbeError:
    """Return the one-line setup error for a page that could not be loaded at all."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    reason = text.split("net::", 1)[1].split()[0] if "net::" in text else text
    return ProbeError(f"cannot load {url} ({reason}): is the site running and the URL right?")


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


@asynccontextmanager
async def _holding(gate: asyncio.Semaphore | None) -> AsyncIterator[None]:
    if gate is None:
        yield
        return
    async with gate:
        yield


async def measure(
    browser: Browser,
    url: str,
    profile: Profile,
    *,
    cap_s: float = CAP_S,
    timeout_s: float = 30,
    warm: bool = False,
    gate: asyncio.Semaphore | None = None,
    decoder: Page | None = None,
) -> RunResult:
    """Load ``url`` in a fresh context and return its metrics; ProbeError if it cannot load.

    After the load event the run watches the page through Lighthouse's observation window
    (``uxlab.probe.window``), at most ``cap_s`` seconds. ``warm`` loads the page once
    unmeasured first, so the measured load is a repeat view with the context's HTTP cache filled.
    ``gate`` is held while the run does work that competes for the CPU: from opening its
    context and page (a renderer process starts) to the load event and first contentful
    paint (plus two frames, at most 1 s after load), again to stop the trace
    and compute Speed Index, and to close the context. (Opening the page outside the gate
    inflated other runs' FCP under lighthouse-mobile: bench/RESULTS.md, "probe --parallel".) Runs in other
    browsers sharing the gate wait through their observation windows meanwhile, so no two
    page loads overlap (``uxlab.probe.runner``).
    """
    started = time.perf_counter()
    async with _holding(gate):
        context = await browser.new_context(**context_options(profile))
    try:
        async with _holding(gate):
            page, network, filmstrip, errors = await _open(context, profile)
            status = await _load(context, page, filmstrip, url, timeout_s, warm)
        data = await observe(page, network, cap_s)
        if profile.cpu_slowdown > 1:  # nothing is measured from here on: stop Chromium's throttler
            await unthrottle_cpu(filmstrip.cdp)
        async with _holding(gate):
            await filmstrip.stop()
            metrics = _metrics(data)
            metrics["si_ms"] = await speed_index_ms(context, filmstrip, decoder)
        metrics["requests"] = float(network.requests)
        metrics["transfer_bytes"] = network.bytes
        rounded = {k: probe_report.round_metric(k, v) for k, v in metrics.items()}
        return RunResult(url, profile.name, rounded, status, errors, time.perf_counter() - started)
    finally:
        async with _holding(gate):
            await context.close()


async def _open(context: BrowserContext, profile: Profile) -> tuple[Page, Network, Filmstrip, list[str]]:
    """Open the page to measure in ``context``: observed, throttled, its requests counted."""
    await context.add_init_script(OBSERVER_JS)
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    network = Network()
    network.attach(cdp)
    await cdp.send("Network.enable")
    await throttle(cdp, profile)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc).splitlines()[0]))
    return page, network, Filmstrip(cdp), errors


async def _load(
    context: BrowserContext, page: Page, filmstrip: Filmstrip, url: str, timeout_s: float, warm: bool
) -> int:
    """Start the trace, load ``url`` to its load event and first contentful paint plus two frames
    (``PAINTED_JS``); return the HTTP status."""
    if warm:
        first = await context.new_page()
        try:
            await first.goto(url, wait_until="load", timeout=timeout_s * 1000)
        except PlaywrightError as error:
            raise unreachable(url, error) from None
        await first.close()
    await filmstrip.start()
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
    with contextlib.suppress(PlaywrightError):  # the page navigated on its own: the window follows it
        await page.evaluate(PAINTED_JS, PAINT_CAP_MS)
    return response.status


def _ttfb_ms(nav: dict[str, Any]) -> float | None:
    """Time to first byte as Lighthouse 13 reports it with devtools or provided throttling.

    Lighthouse's observed timeToFirstByte (``core/computed/metrics/time-to-first-byte.js``,
    the trace engine's LCP breakdown and ``calculateDocFirstByteTs``) is the main document's
    ``timing.requestTime + receiveHeadersStart`` minus the navigation start: when the first
    header bytes reached the network stack, before DevTools network emulation holds the
    response back for the profile's latency. The navigation timing's responseStart is that
    same moment on the page's clock. So TTFB excludes the profile's emulated round-trip time,
    exactly as Lighthouse's does, while FCP, LCP and Speed Index include it.
    """
    if not nav:
        return None
    return float(nav.get("responseStart", 0)) - float(nav.get("activationStart", 0))


def _metrics(data: dict[str, Any]) -> dict[str, float | None]:
    """Turn the page's raw entries into the run's metrics (docs/METRICS.md definitions)."""
    # numpy loads here, once the first run has been watched, rather than before the browser launch.
    from uxlab.metrics.pagespeed import cls_from_shifts, tbt_from_long_tasks

    nav = data.get("nav") or {}
    fcp = data["paint"].get("first-contentful-paint")
    shifts = data["shifts"]
    tasks = data["longtasks"]
    end = float(data["now"])
    return {
        "ttfb_ms": _ttfb_ms(nav),
        "fcp_ms": fcp,
        "lcp_ms": data["lcp"] if data["lcp"] is not None else fcp,
        # A probe gives no input, so hadRecentInput can only come from device emulation
        # (Chromium issue 1302667, which Lighthouse works around too): count every shift.
        "cls": cls_from_shifts([s[0] for s in shifts], [s[1] for s in shifts]),
        "tbt_ms": tbt_from_long_tasks(
            starts_ms=[t[0] for t in tasks], durations_ms=[t[1] for t in tasks], fcp_ms=fcp, window_end_ms=end
        )
        if fcp is not None
        else None,
        "dcl_ms": nav.get("domContentLoadedEventEnd"),
        "load_ms": nav.get("loadEventEnd"),
    }
