"""Demo probe uploads: six builds on two branches, in the ``uxlab probe --json`` format.

The five ``main`` builds pass their budgets; the feature branch's heavy hero image fails
the mobile LCP budget, as a CI run would show a regression caught before merging.

Stored through ``probe_uploads.store_upload`` with a token labelled :data:`DEMO_TOKEN_LABEL`,
so the page-speed history and the dashboard read them like real CI uploads, and
``uxlab.demo.data.remove_demo_data`` finds them. ``SITE`` is where the demo study runs in these records.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from uxlab import probe_uploads
from uxlab.probe_report import round_metric

DEMO_TOKEN_LABEL = "uxlab demo data"
SITE = "http://127.0.0.1:5000"
# (metric, level, desktop limit, mobile limit): an LCP error budget at the Core Web Vitals
# "good" line on desktop and its "poor" line for the throttled mobile profile (a phone on a
# slow network is judged more leniently), and a Speed Index warning.
BUDGETS = (("lcp_ms", "error", 2500.0, 4000.0), ("si_ms", "warn", 3400.0, 5800.0))


def add_builds(db: Session, slug: str, rng: random.Random, now: datetime) -> int:
    """Six builds' reports in the ``uxlab probe --json`` format (schema ``uxlab-probe/1``)."""
    secret = probe_uploads.create_token(db, slug, DEMO_TOKEN_LABEL)
    token = probe_uploads.authenticate(db, f"Bearer {secret}")
    builds = [("main", 6), ("main", 5), ("main", 4), ("feature/hero-image", 3), ("main", 2), ("main", 1)]
    for i, (branch, days_ago) in enumerate(builds):
        heavy = branch != "main"  # the feature branch's hero image slows LCP
        pages = [
            _page(rng, path, profile, factor, heavy)
            for path in ("/", "/products", "/support/helpdesk")
            for profile, factor in (("desktop", 1.0), ("mobile", 3.2))
        ]
        failed = [b for page in pages for b in page["budgets"] if not b["passed"]]
        errors = sum(b["level"] == "error" for b in failed)
        report = {
            "schema": probe_uploads.SCHEMA_VERSION,
            "study": slug,
            "started_at": (now - timedelta(days=days_ago, hours=i)).isoformat(),
            "duration_s": round(rng.uniform(20, 30), 1),
            "runs": 3,
            "concurrency": 1,
            "notes": ["demo data"],
            "build": {
                "commit": f"{rng.getrandbits(40):010x}",
                "branch": branch,
                "time": (now - timedelta(days=days_ago, hours=i)).isoformat(),
            },
            "pages": pages,
            "tasks": [],
            "summary": {
                "pages": len(pages),
                "budgets_failed_error": errors,
                "budgets_failed_warn": len(failed) - errors,
                "tasks_failed": 0,
                "exit_code": int(errors > 0),
            },
        }
        probe_uploads.store_upload(db, token, report)
    return len(builds)


def _page(rng: random.Random, path: str, profile: str, factor: float, heavy: bool) -> dict[str, Any]:
    runs = [_run(rng, factor, heavy) for _ in range(3)]
    middle = sorted(range(3), key=lambda j: runs[j]["metrics"]["lcp_ms"])[1]
    metrics = runs[middle]["metrics"]
    lcp = metrics["lcp_ms"]
    ratings = {"lcp_ms": "good" if lcp <= 2500 else "needs-improvement" if lcp <= 4000 else "poor"}
    budgets = []
    for metric, level, desktop, mobile in BUDGETS:
        limit = mobile if profile == "mobile" else desktop
        value = sorted(run["metrics"][metric] for run in runs)[1]  # the median of three runs
        budget = {"metric": metric, "aggregate": "median", "level": level, "max": limit, "min": None}
        budgets.append({**budget, "value": value, "passed": value <= limit})
    return {
        "path": path,
        "url": f"{SITE}/demo{path}",
        "profile": profile,
        "form_factor": "mobile" if profile == "mobile" else "desktop",
        "runs": runs,
        "representative_run": middle,
        "metrics": metrics,
        "score": runs[middle]["score"],
        "ratings": ratings,
        "budgets": budgets,
    }


def _run(rng: random.Random, factor: float, heavy: bool) -> dict[str, Any]:
    fcp = rng.gauss(620, 60) * factor
    hero = 1400 * factor if heavy else 0.0  # the feature branch's hero image, on the throttled network
    lcp = fcp + rng.gauss(300, 50) * factor + hero
    metrics = {
        "ttfb_ms": rng.gauss(90, 10) * factor,
        "fcp_ms": fcp,
        "lcp_ms": lcp,
        "si_ms": fcp + rng.gauss(200, 30) * factor + hero / 2,
        "cls": abs(rng.gauss(0.02, 0.01)),
    }
    metrics |= {"tbt_ms": abs(rng.gauss(40, 20)) * factor, "dcl_ms": fcp + 40, "load_ms": lcp + 200}
    metrics |= {"requests": 14, "transfer_bytes": 180_000 + (600_000 if heavy else 0)}
    score = round(max(0.3, min(1.0, 1.1 - lcp / 6000)), 2)
    rounded = {k: round_metric(k, v) for k, v in metrics.items()}  # as the probe's JSON rounds
    return {
        "metrics": rounded,
        "status": 200,
        "errors": [],
        "wall_s": round(lcp / 1000 + 1.2, 2),
        "score": score,
    }
