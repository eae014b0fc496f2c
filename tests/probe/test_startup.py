"""The probe command starts light: it imports neither the report stack, scipy, the database nor Flask.

Start-up time itself is a benchmark (bench/bench_probe.py --startup), not a test: these tests
check the cause, the modules a ``uxlab probe`` process imports, as ``python -X importtime`` lists them.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy", "sqlalchemy", "sqlmodel", "alembic", "flask", "werkzeug", "jsonschema")
UPPER = ("uxlab.app", "uxlab.db", "uxlab.models", "uxlab.reports", "uxlab.web", "uxlab.probe_uploads")


def _imported(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    code = "from uxlab.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    return done, set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+([\w.]+)\s*$", done.stderr, re.M))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(UPPER))


def test_probe_help_imports_no_heavy_module(tmp_path: Path) -> None:
    done, modules = _imported("probe", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "--runs" in done.stdout
    assert "uxlab.probe.cli" in modules
    assert _heavy(modules) == []
    assert not any(m.split(".")[0] in ("numpy", "playwright") for m in modules)


@pytest.mark.browser
def test_a_whole_probe_run_imports_no_heavy_module(test_site: str, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ("probe", "--url", test_site + "/fast", "--runs", "1", "--profile", "desktop", "--json", str(out))
    done, modules = _imported(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(out.read_text(encoding="utf-8"))["pages"][0]["runs"][0]["metrics"]["fcp_ms"] > 0
    assert {"uxlab.probe.measure", "uxlab.probe.window", "playwright.async_api"} <= modules
    assert _heavy(modules) == []


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_probe_package_imports_playwright_and_it_imports_nothing_above_it() -> None:
    outside = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "uxlab").rglob("*.py")
        if "probe" not in p.relative_to(ROOT / "uxlab").parts
        and any(m.split(".")[0] == "playwright" for m in _imports(p))
    ]
    assert outside == []
    upward = [
        (str(p.relative_to(ROOT)), m)
        for p in (ROOT / "uxlab" / "probe").glob("*.py")
        for m in sorted(_imports(p))
        if m.startswith(UPPER)
    ]
    assert upward == []
