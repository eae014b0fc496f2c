"""The registry, the README's metric table, and the import boundary of uxlab.metrics."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import uxlab.metrics as metrics
from uxlab.metrics import registry

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_rows() -> list[tuple[str, ...]]:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- section: metrics -->(.*?)<!-- /section: metrics -->", text, re.S)
    assert match, "README.md has no metrics section"
    rows = []
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 4:
            rows.append((cells[0].strip("`"), cells[1], cells[2], cells[3].strip("`")))
    return rows


def test_readme_table_matches_registry():
    expected = [(m.name, m.unit, m.source, m.path) for m in registry.METRICS]
    rows = _readme_rows()
    missing = sorted(set(expected) - set(rows))
    extra = sorted(set(rows) - set(expected))
    assert not missing and not extra, (
        f"README metric table out of date; missing rows {missing}, extra rows {extra}. "
        "Regenerate with: python -c 'from uxlab.metrics import registry; print(registry.markdown_table())'"
    )


def test_registry_names_unique_and_functions_public():
    table = registry.by_name()
    assert len(table) == len(registry.METRICS)
    for metric in registry.METRICS:
        assert callable(metric.function) and metric.function.__doc__, metric.name
        assert metric.unit and metric.source
        assert metric.function.__module__.startswith("uxlab.metrics.")
    assert registry.get("completion_rate").function is metrics.completion_rate
    with pytest.raises(KeyError, match="no metric called"):
        registry.get("nope")
    assert metrics.METRICS_VERSION == registry.METRICS_VERSION


def test_results_are_json_ready():
    body = {
        "rate": metrics.completion_rate(3, 5).to_dict(),
        "test": metrics.two_proportions(3, 5, 1, 6).to_dict(),
        "sus": metrics.sus_summary([[3] * 10, [4, 2] * 5]).to_dict(),
        "nps": metrics.nps([9, 10, 3]).to_dict(),
        "sum": metrics.single_usability_metric(2, 3).to_dict(),
    }
    assert json.loads(json.dumps(body, allow_nan=False))["test"]["effect"]["n"] == 11


def test_import_pulls_in_neither_flask_nor_playwright():
    code = (
        "import sys, json, uxlab.metrics; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'playwright'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == []
