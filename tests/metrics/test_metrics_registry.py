"""The registry, the README's metric table, and the import boundary of uxlab.metrics."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import uxlab.metrics as metrics
from uxlab.metrics import registry, units

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- section: metrics -->(.*?)<!-- /section: metrics -->", text, re.S)
    assert match, "README.md has no metrics section"
    return match.group(1)


REGENERATE = (
    "Regenerate with: .venv/bin/python -c 'from uxlab.metrics import registry, units; "
    "print(registry.markdown_table()); print(); print(units.markdown_table())'"
)


def test_readme_metric_table_is_the_registry():
    section = _readme_section()
    assert registry.markdown_table() in section, f"README metric table out of date. {REGENERATE}"
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    names = [line.split("|")[1].strip().strip("`") for line in rows]
    assert set(registry.by_name()) <= set(names)


def test_readme_lists_units_from_the_one_table():
    # Issue 15: the README's metric table names each metric's unit from one table.
    section = _readme_section()
    assert units.markdown_table() in section, f"README unit table out of date. {REGENERATE}"
    assert "| metric | unit | n counts | source | function |" in section
    for metric in registry.METRICS:
        assert metric.units and all(key in units.UNITS for key in metric.units), metric.name


def test_registry_names_unique_and_functions_public():
    table = registry.by_name()
    assert len(table) == len(registry.METRICS)
    for metric in registry.METRICS:
        assert callable(metric.function) and metric.function.__doc__, metric.name
        assert metric.units and metric.source
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
