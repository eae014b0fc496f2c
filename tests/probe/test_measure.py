"""Real Chromium against local pages with known behaviour (tests/probe/sites.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from junitparser import JUnitXml

from tests.probe.conftest import AsyncBrowser
from tests.probe.sites import LATE_SHIFT_DELAYS_MS, SHIFT_CLS
from uxlab.cli import cli
from uxlab.errors import ProbeError
from uxlab.probe.measure import context_options, measure
from uxlab.probe.runner import CONCURRENCY_NOTE
from uxlab.probe_report import PRECISION
from uxlab.scenarios import BUILTIN_PROFILES, Profile

pytestmark = pytest.mark.browser
DESKTOP = BUILTIN_PROFILES["desktop"]
MOBILE = BUILTIN_PROFILES["mobile"]
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "probe-report-v1.schema.json"


def test_held_back_image_sets_lcp(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/slow-image", DESKTOP))
    assert run.metrics["lcp_ms"] >= 800  # the server holds the image back 800 ms
    assert run.metrics["fcp_ms"] < run.metrics["lcp_ms"]
    assert run.metrics["requests"] >= 2
    assert run.metrics["transfer_bytes"] > 18_000  # the 18 kB image arrived


def test_layout_shift_gives_the_computed_cls(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/shift", DESKTOP))
    assert run.metrics["cls"] == pytest.approx(SHIFT_CLS, abs=0.01)  # 0.0644, see sites.py
    # Under mobile emulation Chrome marks the shift as after input (crbug 1302667); it still counts.
    mobile = probe_browser.run(measure(probe_browser.browser, test_site + "/shift", MOBILE))
    assert mobile.metrics["cls"] > 0.005


@pytest.mark.parametrize("delay_ms", LATE_SHIFT_DELAYS_MS)
def test_shift_after_load_is_counted(probe_browser, test_site, delay_ms: int) -> None:  # type: ignore[no-untyped-def]
    # Lighthouse watches at least 1 s after load (pauseAfterLoadMs), then quiet windows.
    url = f"{test_site}/shift-after-load-{delay_ms}"
    run = probe_browser.run(measure(probe_browser.browser, url, DESKTOP))
    assert run.metrics["cls"] == pytest.approx(SHIFT_CLS, abs=0.01)
    assert run.wall_s > 2.0  # load + 1 s + 1 s of CPU quiet (Lighthouse's default windows)


def test_first_run_of_a_fresh_browser_counts_only_the_page(test_site: str) -> None:
    fresh = AsyncBrowser()  # Chromium asks a fresh profile's first tab for /favicon.ico
    try:
        run = fresh.run(measure(fresh.browser, test_site + "/fast", DESKTOP))
    finally:
        fresh.close()
    assert run.metrics["requests"] == 1  # the document; /fast loads nothing else


def test_throttled_ttfb_excludes_the_emulated_latency_as_lighthouse_does(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    slow = Profile(1350, 940, rtt_ms=1000.0, name="slow-network")
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/fast", slow))
    # Lighthouse 13 with devtools throttling reports the document's first header byte at the
    # network stack (receiveHeadersStart), before the emulated latency holds it back; the
    # paint comes after the latency. A TTFB budget does not see the profile's latency, FCP does.
    assert run.metrics["ttfb_ms"] < 1000 <= run.metrics["fcp_ms"]


def test_lighthouse_mobile_profile_is_lighthouses_devtools_preset(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    profile = BUILTIN_PROFILES["lighthouse-mobile"]
    # Lighthouse 13 core/config/constants.js (mobileSlow4G, Moto G Power), kbit/s of 1,024 bits.
    assert (profile.rtt_ms, profile.cpu_slowdown, profile.mobile) == (562.5, 4.0, True)
    assert (profile.down_kbps / 1.024, profile.up_kbps / 1.024) == pytest.approx((1474.56, 675.0))
    options = context_options(profile)
    assert options["viewport"] == {"width": 412, "height": 823} and options["device_scale_factor"] == 1.75
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/fast", profile))
    assert run.metrics["ttfb_ms"] < 562.5 <= run.metrics["fcp_ms"]  # as Lighthouse's devtools mode


def test_busy_loop_after_first_paint_gives_tbt_near_250(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/busy", DESKTOP))
    # One 300 ms task: 300 - 50. A run now watches 2 s longer than the task; on a loaded
    # machine CPU contention only lengthens tasks (one of 387 ms was seen at load average 16).
    assert 190 <= run.metrics["tbt_ms"] <= 400


def test_mobile_throttling_slows_the_same_page(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    desktop = probe_browser.run(measure(probe_browser.browser, test_site + "/heavy", DESKTOP))
    mobile = probe_browser.run(measure(probe_browser.browser, test_site + "/heavy", MOBILE))
    # 340 kB through 1.6 Mbit/s takes at least 1.7 s; unthrottled loopback takes a fraction
    # (on a loaded machine the desktop load stretches too, so no fixed ratio between them).
    assert mobile.metrics["load_ms"] > 1500
    assert mobile.metrics["load_ms"] > desktop.metrics["load_ms"]


def test_uncaught_page_error_is_recorded(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    run = probe_browser.run(measure(probe_browser.browser, test_site + "/throws", DESKTOP))
    assert run.errors == ["boom"]
    assert run.metrics["fcp_ms"] is not None


def test_error_page_and_closed_port_raise_probe_error(probe_browser, test_site, closed_port_url) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProbeError, match="HTTP 500"):
        probe_browser.run(measure(probe_browser.browser, test_site + "/error", DESKTOP))
    with pytest.raises(ProbeError, match="ERR_CONNECTION_REFUSED"):
        probe_browser.run(measure(probe_browser.browser, closed_port_url, DESKTOP))


@pytest.mark.parametrize("where", ["error page", "closed port"])
def test_cli_exits_2_with_one_line(where: str, test_site: str, closed_port_url: str) -> None:
    url = test_site + "/error" if where == "error page" else closed_port_url
    result = CliRunner().invoke(cli, ["probe", "--url", url, "--runs", "1", "--profile", "desktop"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("uxlab: ")
    assert "Traceback" not in result.output
    assert ("HTTP 500" if where == "error page" else "is the site running") in lines[-1]


def test_cli_concurrency_json_validates_and_notes_disturbance(test_site: str, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["probe", "--url", test_site + "/fast", "--url", test_site + "/busy", "--runs", "1"]
    args += [
        "--profile",
        "desktop",
        "--concurrency",
        "2",
        "--json",
        str(out),
        "--junit",
        str(tmp_path / "r.xml"),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert CONCURRENCY_NOTE in report["notes"]
    assert [p["path"] for p in report["pages"]] == [test_site + "/fast", test_site + "/busy"]
    assert report["pages"][1]["metrics"]["tbt_ms"] > 150
    assert JUnitXml.fromfile(str(tmp_path / "r.xml")).tests == 0  # no budgets, no tasks


def test_cli_parallel_runs_each_trace_and_no_concurrency_note(test_site: str, tmp_path: Path) -> None:
    # Three runs in flight, one browser each (Chromium traces one page per browser at a time):
    # every run has its own filmstrip, and their loads never overlap, so no disturbance note.
    out = tmp_path / "r.json"
    args = ["probe", "--url", test_site + "/shift", "--url", test_site + "/slow-image", "--runs", "3"]
    args += ["--profile", "desktop", "--parallel", "3", "--no-tasks", "--json", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert CONCURRENCY_NOTE not in report["notes"] and report["concurrency"] == 1
    assert all(r["metrics"]["si_ms"] is not None for p in report["pages"] for r in p["runs"])
    assert all(r["metrics"]["cls"] > 0.05 for r in report["pages"][0]["runs"])  # /shift's 0.0644
    assert all(r["metrics"]["lcp_ms"] >= 800 for r in report["pages"][1]["runs"])  # the held-back image


SCENARIO = """slug: speed-check
title: Speed check
language: en
product_name: Test
consent: ok
site:
  base_url: {base}
tasks:
  - id: look
    prompt: Look at the page.
    success: self_report
    stage: awareness
probe:
  # Three runs: a CI worker under load once measured no shift on /shift in a single run;
  # the budgets below aggregate by median and pessimistic, as a real CI budget would.
  runs: 3
  profiles: [desktop]
  pages:
    - path: /busy
      budgets:
        - {{metric: tbt_ms, max: {tbt_max}, level: error}}
    - /shift
  budgets:
    - {{metric: cls, max: 0.01, level: warn, aggregate: pessimistic}}
"""


@pytest.mark.parametrize(("tbt_max", "exit_code"), [(100, 1), (5000, 0)])
def test_cli_exit_status_follows_error_budgets(
    test_site: str, tmp_path: Path, tbt_max: int, exit_code: int
) -> None:
    scenario = tmp_path / "speed.yaml"
    scenario.write_text(SCENARIO.format(base=test_site, tbt_max=tbt_max), encoding="utf-8")
    junit = tmp_path / "probe.xml"
    result = CliRunner().invoke(cli, ["probe", str(scenario), "--junit", str(junit), "--markdown", "-"])
    assert result.exit_code == exit_code, result.output
    cases = {case.name: case for suite in JUnitXml.fromfile(str(junit)) for case in suite}
    assert cases["/busy tbt_ms median"].is_passed is (exit_code == 0)  # TBT ~250 ms
    assert cases["/shift cls pessimistic"].is_passed  # CLS 0.064 > 0.01, but only a warning
    assert "warn: cls pessimistic" in result.output  # the Markdown summary names it


def test_repeated_url_and_profile_probe_once_and_numbers_are_rounded(test_site: str, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    url = test_site + "/shift"
    args = [
        "probe",
        "--url",
        url,
        "--url",
        url,
        "--runs",
        "1",
        "--profile",
        "desktop",
        "--profile",
        "desktop",
    ]
    result = CliRunner().invoke(cli, [*args, "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(p["path"], p["profile"], len(p["runs"])) for p in report["pages"]] == [(url, "desktop", 1)]
    run = report["pages"][0]["runs"][0]
    for metric, value in run["metrics"].items():
        assert value is None or round(value, PRECISION[metric]) == value, (metric, value)
    assert round(run["score"], 2) == run["score"] and round(run["wall_s"], 3) == run["wall_s"]


# A fixed amount of script work, timed on the page's own clock (milliseconds).
WORK_MS_JS = """() => {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);  // ~50 ms: longer than a throttling slice
  return performance.now() - start;
}"""


def test_unthrottle_cpu_ends_the_throttling_of_a_page(probe_browser, test_site) -> None:  # type: ignore[no-untyped-def]
    """A run ends its page's CPU throttling once its window is over (uxlab.probe.measure):
    the same script work runs several times slower throttled and at full speed after."""
    from uxlab.probe.measure import throttle, unthrottle_cpu

    async def timings() -> tuple[float, float, float]:
        context = await probe_browser.browser.new_context()
        try:
            page = await context.new_page()
            await page.goto(test_site + "/fast")
            cdp = await context.new_cdp_session(page)
            # The least of five: a busy machine only ever adds time to a sample.
            free = min([await page.evaluate(WORK_MS_JS) for _ in range(5)])
            await throttle(cdp, BUILTIN_PROFILES["lighthouse-mobile"])  # 4x CPU
            throttled = min([await page.evaluate(WORK_MS_JS) for _ in range(5)])
            await unthrottle_cpu(cdp)
            after = min([await page.evaluate(WORK_MS_JS) for _ in range(5)])
            return free, throttled, after
        finally:
            await context.close()

    free, throttled, after = probe_browser.run(timings())
    # Ratios, no fixed timings. Chromium's 4x comes out at 2.4x to 4x: its throttler is a
    # thread that signals the page's thread, and on a loaded 2-core machine it wakes late
    # (2.4x in a full CI run: 123.6 ms throttled against 51.6 ms free).
    assert throttled > 1.6 * free  # the throttling took effect
    assert after < throttled / 1.6  # and it is gone
