"""Demo probe uploads: six builds on two branches, in the ``uxlab probe --json`` format.

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

DEMO_TOKEN_LABEL = "uxlab demo data"
SITE = "http://127.0.0.1:5000"


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
        failed = sum(not b["passed"] for page in pages for b in page["budgets"])
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
                "budgets_failed_error": failed,
                "budgets_failed_warn": 0,
                "tasks_failed": 0,
                "exit_code": int(failed > 0),
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
    budget = {"metric": "lcp_ms", "aggregate": "median", "level": "error", "max": 2500.0, "min": None}
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
        "budgets": [{**budget, "value": lcp, "passed": lcp <= 2500}],
    }


def _run(rng: random.Random, factor: float, heavy: bool) -> dict[str, Any]:
    fcp = rng.gauss(620, 60) * factor
    lcp = fcp + rng.gauss(300, 50) * factor + (900 if heavy else 0)
    metrics = {
        "ttfb_ms": rng.gauss(90, 10) * factor,
        "fcp_ms": fcp,
        "lcp_ms": lcp,
        "cls": abs(rng.gauss(0.02, 0.01)),
    }
    metrics |= {"tbt_ms": abs(rng.gauss(40, 20)) * factor, "dcl_ms": fcp + 40, "load_ms": lcp + 200}
    metrics |= {"requests": 14, "transfer_bytes": 180_000 + (600_000 if heavy else 0)}
    score = round(max(0.3, min(1.0, 1.1 - lcp / 6000)), 2)
    rounded = {k: round(v, 4) for k, v in metrics.items()}
    return {
        "metrics": rounded,
        "status": 200,
        "errors": [],
        "wall_s": round(lcp / 1000 + 1.2, 2),
        "score": score,
    }
