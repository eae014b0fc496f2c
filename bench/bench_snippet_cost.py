"""The tracker snippet's cost to a host page: the same page with and without it.

Target (issue 4): under 5 ms added to load and no layout shift.

Design (paired, randomized, with an A/A control in the same run):

- one Chromium (the tests' arguments), a fresh browser context per load, desktop viewport,
  unthrottled; a host article page served from a separate process, identical but for the
  snippet: the inline loader (``uxlab.participants.snippet.render("/static/tracker.js")``, what the
  README tells sites to use) or, as the comparison, the old plain tag
  ``<script src="/static/tracker.js" defer>``; tracker.js is served like a static file
  (cacheable). By default the host page runs no JavaScript of its own; with
  ``--site-script`` every page (both arms) also runs a one-line script of its own, as
  nearly every site does (to see whether the snippet's cost is that of running any
  JavaScript at all: the 600-pair runs in bench/RESULTS.md say no, +1.7 ms without,
  +1.9 ms with);
- conditions: the snippet *inert* (no ``#uxlab=`` fragment, no study in the tab: how every
  normal visitor loads the page), *active* (``#uxlab=<token>@<origin>``: a task's first
  page; the stand-in API answers like the uxlab server) and *later page* (a study in
  progress in the tab, no fragment: the same tab first opened the page with the fragment,
  then loads it again), each *cached* (a first view in the same context, which also fetched
  tracker.js, put it in the HTTP cache, as on a site's second page view) and, for inert, also *uncached*; plus
  *A/A* pairs (the plain page in both arms) cached and uncached, so the noise of the
  pairing is measured in the same run;
- every round runs one pair of every condition, conditions in random order, and the two
  loads of a pair in random order (ABAB with randomized order);
- per load: ``loadEventEnd`` and ``domContentLoadedEventEnd`` (Navigation Timing, ms from
  navigation start), load after the HTML arrived (``loadEventEnd - responseEnd``: without
  the test server's response time, which the snippet cannot change), the main thread's
  script and task time (CDP ``Performance.getMetrics``: ScriptDuration, TaskDuration, over
  the measured navigation, so including the loader's one ``sessionStorage`` read after
  load), CLS (sum of layout-shift entries without recent input), and
  when tracker.js arrived after ``loadEventEnd`` (Resource Timing ``responseEnd``);
- per condition: the median paired difference (snippet minus plain) with a distribution-free
  95% confidence interval from the sign test (order statistics of the differences; Conover,
  *Practical Nonparametric Statistics*, 3rd ed., 1999, section 3.6).

The target is met when the upper bound of the inert-cached interval for load is below 5 ms;
exceeded when its lower bound is 5 ms or more; otherwise not shown (more rounds needed).

    .venv/bin/python bench/bench_snippet_cost.py [--rounds 60] [--seed N] [--record]
    .venv/bin/python bench/bench_snippet_cost.py --inert-only --cached-only --rounds 400 [--site-script]
    .venv/bin/python bench/bench_snippet_cost.py --inert-only --cached-only --no-old-tag --rounds 600
    .venv/bin/python bench/bench_snippet_cost.py --inert-only --cached-only --variants --rounds 300

``--variants`` adds other snippets (an empty script, one statement, the loader without its
listeners, the loader at the end of ``<body>``) to see which part of the loader costs what.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from uxlab.participants.snippet import render  # noqa: E402

TRACKER = ROOT / "uxlab" / "static" / "tracker.js"
TOKEN = "bench-token-0001"
STYLE = (
    "<style>body{margin:0 auto;max-width:46rem;padding:0 1rem;font:18px/1.6 system-ui,sans-serif;color:#222}"
    "header{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ccc}nav a{margin-right:1rem}"
    "</style>"
)
HOST = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Acme: article</title>"
    f"<meta name=viewport content='width=device-width'>{STYLE}{{snippet}}</head><body>"
    "<header><h1>Acme</h1><nav><a href=/host>Home</a><a href=/host>Support</a><a href=/host>Shop</a></nav>"
    "</header><main><h2>An article</h2>"
    + "".join(f"<p>Paragraph {i} of the host page's article, a sentence or two long.</p>" for i in range(60))
    + "</main><footer><p>Acme Networks</p></footer></body></html>"
)
# What nearly every site runs early in <head> (the classic no-js -> js class switch); with
# --site-script every page, both arms, carries it.
SITE_SCRIPT = "<script>document.documentElement.className += ' js'</script>"


# --variants: other snippets (in <head>, or at the end of <body>), to find which part of
# the loader costs what.
VARIANTS = {
    "empty inline script": ("head", "<script></script>"),
    "one-statement script": ("head", "<script>window.uxlab_q=null</script>"),
    "loader without listeners": (
        "head",
        "<script>(function(w){if(/[#&]uxlab=/.test(location.hash))w.x=1})(window)</script>",
    ),
    "loader at end of body": ("body", str(render("/static/tracker.js"))),
}


def pages(site_script: bool) -> dict[str, bytes]:
    """The host page without a snippet, with the inline loader, with the old tag, and the variants."""
    own = SITE_SCRIPT if site_script else ""
    out = {
        "/host": HOST.replace("{snippet}", own).encode(),
        "/host-snippet": HOST.replace("{snippet}", str(render("/static/tracker.js")) + own).encode(),
        "/host-tag": HOST.replace(
            "{snippet}", '<script src="/static/tracker.js" defer></script>' + own
        ).encode(),
    }
    for i, (where, snippet) in enumerate(VARIANTS.values()):
        head, body_end = (snippet, "") if where == "head" else ("", snippet)
        page = HOST.replace("{snippet}", head + own).replace("</body>", body_end + "</body>")
        out[f"/host-v{i}"] = page.encode()
    return out


PAGES = pages(site_script=False)
LABELS = {
    k: k.replace("_", " ")
    for k in (
        "region",
        "task",
        "done",
        "give_up",
        "submit",
        "cancel",
        "answer",
        "retry",
        "ended",
        "time_up",
        "saving",
    )
}
ATTEMPT = {
    "ended": False,
    "elapsed_ms": 0,
    "prompt": "Find the helpdesk.",
    "criterion": "url",
    "question": None,
    "watch": [],
    "time_limit_s": 180,
    "labels": LABELS,
    "language": "en",
}
# (name, plain arm path, other arm path, cached, mode: inert | active | later)
CONDITIONS = [
    ("A/A cached", "/host", "/host", True, "inert"),
    ("inert cached", "/host", "/host-snippet", True, "inert"),
    ("old tag inert cached", "/host", "/host-tag", True, "inert"),  # the comparison: what the tag cost
    ("A/A uncached", "/host", "/host", False, "inert"),
    ("inert uncached", "/host", "/host-snippet", False, "inert"),
    ("active cached", "/host", "/host-snippet", True, "active"),
    ("later page", "/host", "/host-snippet", True, "later"),
]
VARIANT_CONDITIONS = [(name, "/host", f"/host-v{i}", True, "inert") for i, name in enumerate(VARIANTS)]
METRICS = ("load_ms", "dcl_ms", "after_html_ms", "script_ms", "task_ms")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in PAGES:
            self._send(PAGES[path], "text/html; charset=utf-8", "no-store")
        elif path == "/static/tracker.js":
            self._send(TRACKER.read_bytes(), "text/javascript", "public, max-age=3600")
        elif path == f"/api/v1/attempts/{TOKEN}":
            self._send(json.dumps(ATTEMPT).encode(), "application/json", "no-store")
        else:
            self._send(b"not found", "text/plain", "no-store", 404)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        accepted = [e.get("id") for e in body.get("events", [])]
        reply = json.dumps({"accepted": accepted, "ended": False}).encode()
        self._send(reply, "application/json", "no-store")

    def _send(self, body: bytes, kind: str, cache: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(site_script: bool) -> None:
    """Serve the host pages (run in a child process, so the server never competes for our GIL)."""
    global PAGES
    PAGES = pages(site_script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    print(server.server_port, flush=True)
    server.serve_forever()


SETTLE_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))"
READ_JS = """() => new Promise(resolve => {
  let cls = 0;
  const add = es => { for (const e of es) if (!e.hadRecentInput) cls += e.value; };
  const o = new PerformanceObserver(l => add(l.getEntries()));
  o.observe({type: "layout-shift", buffered: true});
  setTimeout(() => {
    add(o.takeRecords());
    o.disconnect();
    const n = performance.getEntriesByType("navigation")[0];
    const st = JSON.parse(sessionStorage.getItem("uxlab") || "null");
    const t = performance.getEntriesByType("resource").find(e => e.name.endsWith("/tracker.js"));
    resolve({load_ms: n.loadEventEnd, dcl_ms: n.domContentLoadedEventEnd,
             after_html_ms: n.loadEventEnd - n.responseEnd, cls,
             tracker_after_load_ms: t ? t.responseEnd - n.loadEventEnd : null,
             bar: !!document.getElementById("uxlab-taskbar"), queued: st ? st.q.length : -1});
  }, 50);
})"""


def load_once(browser: Any, base: str, path: str, cached: bool, mode: str) -> dict[str, Any]:
    """One measured load in a fresh context; a first view in the same context when cached.

    ``later``: the first view carries the fragment (a study starts in this tab) and the
    measured load is the same page again without it, in the same tab.
    """
    fragment = f"#uxlab={TOKEN}@{base}"
    context = browser.new_context(viewport={"width": 1350, "height": 940})
    try:
        page = context.new_page()
        if cached and mode != "later":
            first = context.new_page()
            first.goto(base + path, wait_until="load")
            # The inert loader never requests tracker.js: fetch it here, so that "cached" means
            # tracker.js is in the HTTP cache in every condition (both arms alike).
            first.evaluate("fetch('/static/tracker.js').then(r => r.text())")
            first.close()
        if mode == "later":
            page.goto(base + path + fragment, wait_until="load")
            # A participant reads before moving on: let the first page's tracker fetch its task,
            # show the bar and send the page view, so that its work does not overlap the next load.
            time.sleep(0.4)
            page.evaluate(SETTLE_JS)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        page.goto(base + path + (fragment if mode == "active" else ""), wait_until="load")
        # Let an active snippet fetch its task, render the bar and send the page view (both arms wait).
        time.sleep(0.05 if mode == "inert" else 0.4)
        page.evaluate(SETTLE_JS)
        raw = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out = page.evaluate(READ_JS)
        out["script_ms"] = (raw["ScriptDuration"] - before.get("ScriptDuration", 0)) * 1000
        out["task_ms"] = (raw["TaskDuration"] - before.get("TaskDuration", 0)) * 1000
        return out
    finally:
        context.close()


def sign_test_ci(diffs: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Distribution-free CI for the median difference: (d_(k), d_(n+1-k)), coverage returned too.

    k is the largest rank with 2 * P(Binomial(n, 1/2) <= k - 1) <= 1 - level (Conover 1999, 3.6).
    """
    from scipy.stats import binom

    d = sorted(diffs)
    n = len(d)
    k = 0
    while k + 1 <= n and 2 * binom.cdf(k, n, 0.5) <= 1 - level:
        k += 1
    if k == 0:
        return float("-inf"), float("inf"), 1.0
    return d[k - 1], d[n - k], 1 - 2 * float(binom.cdf(k - 1, n, 0.5))


Condition = tuple[str, str, str, bool, str]


def run(base: str, rounds: int, seed: int, conditions: list[Condition]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from uxlab.config import CHROMIUM_ARGS, chromium_path

    rng = random.Random(seed)
    pairs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {c[0]: [] for c in conditions}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        for _name, a, b, cached, mode in conditions:  # warm-up, not counted
            load_once(browser, base, a, cached, mode)
            load_once(browser, base, b, cached, mode)
        started = time.monotonic()
        for i in range(rounds):
            order = list(conditions)
            rng.shuffle(order)
            for name, a, b, cached, mode in order:
                arms = [("a", a), ("b", b)]
                rng.shuffle(arms)
                got = {arm: load_once(browser, base, path, cached, mode) for arm, path in arms}
                pairs[name].append((got["a"], got["b"]))
            elapsed = time.monotonic() - started
            load = os.getloadavg()[0]
            print(f"\rround {i + 1}/{rounds}, {elapsed:.0f} s, load {load:.1f}", end="", flush=True)
        print()
        browser.close()
    return pairs


def summarize(pairs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, got in pairs.items():
        row: dict[str, Any] = {"n": len(got)}
        for metric in METRICS:
            diffs = [float(b[metric]) - float(a[metric]) for a, b in got]
            low, high, cover = sign_test_ci(diffs)
            row[metric] = (statistics.median(diffs), low, high, cover)
            row[metric + "_plain"] = statistics.median(float(a[metric]) for a, _ in got)
        row["max_cls"] = max(float(b["cls"]) for _, b in got)
        row["max_cls_plain"] = max(float(a["cls"]) for a, _ in got)
        row["bars"] = sum(1 for _, b in got if b["bar"])
        row["unsent"] = sum(1 for _, b in got if b["queued"] > 0)
        arrived = [
            float(b["tracker_after_load_ms"]) for _, b in got if b["tracker_after_load_ms"] is not None
        ]
        row["tracker_after_load_ms"] = statistics.median(arrived) if arrived else None
        row["trackers"] = len(arrived)
        out[name] = row
    return out


def fmt(v: tuple[float, float, float, float]) -> str:
    return f"{v[0]:+.1f} ms [{v[1]:+.1f}, {v[2]:+.1f}]"


def tracker_note(row: dict[str, Any]) -> str:
    """When tracker.js arrived relative to the load event, and whether the task bar showed."""
    if not row["trackers"]:
        return "tracker.js not requested"
    return (
        f"tracker.js in {row['trackers']}/{row['n']} loads, median {row['tracker_after_load_ms']:+.1f} ms "
        f"after loadEventEnd; task bar {row['bars']}/{row['n']}, unsent events {row['unsent']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60, help="pairs per condition")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--inert-only", action="store_true", help="skip the active and later-page conditions")
    parser.add_argument("--cached-only", action="store_true", help="skip the uncached conditions")
    parser.add_argument(
        "--site-script",
        action="store_true",
        help="host page runs a one-line script of its own",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also measure the snippets in VARIANTS (an empty script, one statement, parts of the loader)",
    )
    parser.add_argument("--no-old-tag", action="store_true", help="skip the old tag (implied by --variants)")
    parser.add_argument("--record", action="store_true", help="write the line in bench/RESULTS.md")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.site_script)
        return
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    conditions = [
        c
        for c in CONDITIONS + (VARIANT_CONDITIONS if args.variants else [])
        # the old tag is measured by the runs before; leaving it out saves a third of the time
        if not ((args.variants or args.no_old_tag) and c[2] == "/host-tag")
        and not (args.inert_only and c[4] != "inert")
        and not (args.cached_only and not c[3])
    ]
    load_before = os.getloadavg()
    serve_args = ["--serve"] + (["--site-script"] if args.site_script else [])
    child = subprocess.Popen([sys.executable, __file__, *serve_args], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        base = f"http://127.0.0.1:{child.stdout.readline().strip()}"
        pairs = run(base, args.rounds, seed, conditions)
    finally:
        child.terminate()
        child.wait()
    load_after = os.getloadavg()
    s = summarize(pairs)
    cover = s[conditions[0][0]]["load_ms"][3]
    print(f"seed {seed}; {args.rounds} pairs per condition; median paired difference (other arm - plain)")
    print(f"[{cover:.1%} sign-test CI]; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for name, row in s.items():
        print(
            f"{name:20} load {fmt(row['load_ms'])}  DCL {fmt(row['dcl_ms'])}  "
            f"script {fmt(row['script_ms'])}  "
            f"task {fmt(row['task_ms'])}  max CLS {row['max_cls']:.4f}"
        )
        plain = f"load {row['load_ms_plain']:.1f} ms, DCL {row['dcl_ms_plain']:.1f} ms"
        print(f"{'':20} plain page medians: {plain}; {tracker_note(row)}")
    inert = s["inert cached"]["load_ms"]
    aa = s["A/A cached"]["load_ms"]
    outcome = (
        "MET"
        if inert[2] < 5
        else "NOT MET (exceeded)"
        if inert[1] >= 5
        else "NOT SHOWN (interval spans 5 ms)"
    )
    verdict = (
        f"target < 5 ms {outcome}: inert cached load CI upper bound {inert[2]:+.1f} ms "
        f"(A/A cached interval {aa[1]:+.1f} to {aa[2]:+.1f} ms)"
    )
    print(verdict)
    if not args.record:
        return
    from results_md import record

    def part(
        name: str, metrics: tuple[str, ...] = ("load_ms", "dcl_ms", "after_html_ms", "script_ms")
    ) -> str:
        row = s[name]
        labels = {
            "load_ms": "load",
            "dcl_ms": "DCL",
            "after_html_ms": "load after HTML",
            "script_ms": "script",
        }
        text = f"{name}: " + ", ".join(f"{labels[m]} {fmt(row[m])}" for m in metrics)
        return text + (f" ({tracker_note(row)})" if row["trackers"] else "")

    names = [c[0] for c in conditions]
    host = (
        "host page running a one-line script of its own (as nearly every site does)"
        if args.site_script
        else "host page without any JavaScript of its own"
    )
    figure = (
        f"{args.rounds} randomized ABAB pairs per condition, fresh context per load, desktop unthrottled, "
        f"{host}; "
        f"median paired difference [{cover:.0%} sign-test CI]: "
        + "; ".join(part(n) for n in names)
        + f"; max CLS with the snippet {max(s[n]['max_cls'] for n in names if 'A/A' not in n):.4f}"
        + f"; {verdict}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, 2 shared cores"
    )
    extra = (
        (" --inert-only" if args.inert_only else "")
        + (" --cached-only" if args.cached_only else "")
        + (" --site-script" if args.site_script else "")
        + (" --variants" if args.variants else "")
        + (" --no-old-tag" if args.no_old_tag else "")
    )
    host_note = ", host page with a script" if args.site_script else ""
    benchmark = "tracker snippet cost (inline loader" + host_note
    record(
        benchmark + (", variants)" if args.variants else ", no old tag)" if args.no_old_tag else ")"),
        figure,
        f".venv/bin/python bench/bench_snippet_cost.py --rounds {args.rounds} --seed {seed}{extra} --record",
    )


if __name__ == "__main__":
    main()
