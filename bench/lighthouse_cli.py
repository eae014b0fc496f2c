"""Run the Lighthouse 13 CLI on a URL and read the metrics uxlab also reports (benchmarks only).

Set-up once (the folder is gitignored), or point LIGHTHOUSE_DIR at a folder where
``npm install lighthouse@13`` ran:
    mkdir -p bench/lighthouse && cd bench/lighthouse && npm install lighthouse@13
Chromium: CHROME_PATH (default: uxlab's, /usr/bin/chromium on Debian), flags --headless=new
--no-sandbox plus uxlab's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from uxlab.config import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(os.environ.get("LIGHTHOUSE_DIR", ROOT / "bench" / "lighthouse"))
LIGHTHOUSE = FOLDER / "node_modules" / "lighthouse" / "cli" / "index.js"
# uxlab's metric -> Lighthouse's audit (numericValue); TTFB is server-response-time's
# counterpart in the metrics audit (timeToFirstByte: from the navigation start).
AUDITS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "si_ms": "speed-index",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
}
# Lighthouse's throttling flags per uxlab profile: desktop = the desktop preset with
# provided throttling; lighthouse-mobile = the default mobile settings with devtools throttling.
MODES = {
    "desktop": ["--preset=desktop", "--throttling-method=provided"],
    "lighthouse-mobile": ["--throttling-method=devtools"],
}


def version() -> str:
    """The installed Lighthouse version."""
    package = FOLDER / "node_modules" / "lighthouse" / "package.json"
    return str(json.loads(package.read_text(encoding="utf-8"))["version"])


def chrome() -> str:
    """The Chromium Lighthouse runs on: CHROME_PATH, else the full browser uxlab's reports use."""
    return os.environ.get("CHROME_PATH") or chromium_path() or ""


def run(url: str, profile: str = "desktop") -> dict[str, Any]:
    """Run Lighthouse once; return uxlab-named metrics plus ``score`` and ``lighthouse``."""
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: see the set-up in {__file__}")
    env = {**os.environ, "CHROME_PATH": chrome()}
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lh.json"
        cmd = ["node", str(LIGHTHOUSE), url, *MODES[profile], "--only-categories=performance"]
        cmd += ["--output=json", f"--output-path={out}", "--quiet", f"--chrome-flags={flags}"]
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
        lhr = json.loads(out.read_text(encoding="utf-8"))
    row: dict[str, Any] = {m: _number(lhr, audit) for m, audit in AUDITS.items()}
    items = lhr["audits"]["metrics"]["details"]["items"][0]
    row["ttfb_ms"] = float(items["timeToFirstByte"]) if "timeToFirstByte" in items else None
    row["score"] = lhr["categories"]["performance"]["score"]
    row["lighthouse"] = lhr["lighthouseVersion"]
    return row


def _number(lhr: dict[str, Any], audit: str) -> float | None:
    value = lhr["audits"].get(audit, {}).get("numericValue")
    return None if value is None else float(value)
