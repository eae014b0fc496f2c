"""The stored form of a scenario (what a study version holds) read back, and the package's imports."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from uxlab import scenarios
from uxlab.errors import ScenarioError
from uxlab.scenarios import Scenario

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "uxlab" / "scenarios"

FULL = """\
slug: full
title: Every field
language: de
product_name: Acme
consent: You agree.
site: {base_url: "https://shop.example.com/de", origins: ["https://cdn.example.com"]}
randomize_tasks: true
questionnaires: [sus, nps, ces]
ces_version: 1.0
free_text: Anything else?
variant_of: base
tasks:
  - id: regex
    prompt: Find a product.
    start: /start?x=1
    success: {url_regex: "^/p/\\\\d+$"}
    time_limit_s: 90
    target_time_s: 30
    stage: consideration
    touchpoint: Shop
    ideal_path: [{goto: /p}, {click: "a.item"}, {expect_text: "Price"}]
  - id: answer
    prompt: What does it cost?
    success: {answer: {question: Price?, accepted: ["12", "twelve"]}}
    stage: purchase
  - {id: self, prompt: Say when., success: self_report, stage: advocacy}
questions:  # each type with its default and against it: a text is optional unless said
  - {id: why, type: text, text: Why?, required: true}
  - {id: note, type: text, text: Anything else?}
  - {id: role, type: single, text: Your role?, options: [Buyer, Admin], required: false}
  - {id: used, type: multiple, text: Which?, options: [Menu, Search]}
probe:
  runs: 5
  profiles: [slow, desktop]
  profile_defs: {slow: {width: 360, height: 640, cpu_slowdown: 6, rtt_ms: 300, mobile: true}}
  pages: [/, {path: /p, budgets: [{metric: lcp_ms, max: 3000, level: warn}]}]
  budgets: [{metric: score, min: 0.8, aggregate: pessimistic}]
"""


def test_every_field_survives_the_stored_form_and_json() -> None:
    scenario = scenarios.loads(FULL)
    assert [q.required for q in scenario.questions] == [True, False, False, True]
    stored = json.loads(json.dumps(scenario.to_dict()))  # as the database's JSON column gives it back
    assert Scenario.from_dict(stored) == scenario
    assert Scenario.from_dict(stored).content_hash() == scenario.content_hash()


def test_older_stored_forms_read_as_left_out_fields() -> None:
    scenario = scenarios.loads(FULL.replace("    touchpoint: Shop\n", ""))
    stored = scenario.to_dict()
    older = {
        **stored,
        "language": "",
        "free_text": None,
        "tasks": [{"touchpoint": "", "target_time_s": None, **t} for t in stored["tasks"]],
    }
    older["tasks"][2]["success"] = {"self_report": True}  # the file's long form, as once stored
    read = Scenario.from_dict(older)
    assert read.language == "" and read.free_text is None
    assert read.tasks == scenario.tasks


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d.pop("consent"), "consent", "missing"),
        (lambda d: d.update(tasks=[]), "tasks", "is empty"),
        (lambda d: d.update(extra=1), "extra", "unknown key"),
        (lambda d: d["tasks"][1].update(stage="nowhere"), "tasks[1].stage", "expected one of"),
        (lambda d: d["tasks"][0].update(time_limit_s="90"), "tasks[0].time_limit_s", "expected a number"),
        (lambda d: d["tasks"][0].update(success={"url": 3}), "tasks[0].success.url", "expected text"),
        (
            lambda d: d["tasks"][0].update(success={"url": "/", "click": "a"}),
            "tasks[0].success",
            "exactly one",
        ),
        (
            lambda d: d["tasks"][0]["ideal_path"].append({"jump": "/"}),
            "tasks[0].ideal_path[3].jump",
            "unknown",
        ),
        (lambda d: d["site"].update(origins="x"), "site.origins", "expected a list"),
        (lambda d: d["probe"].update(profiles=["tablet"]), "probe.profiles[0]", "expected one of"),
        (
            lambda d: d["probe"]["profile_defs"]["slow"].update(width=3.5),
            "probe.profile_defs.slow.width",
            "whole",
        ),
        (
            lambda d: d["probe"]["pages"][1]["budgets"][0].pop("metric"),
            "probe.pages[1].budgets[0].metric",
            "missing",
        ),
        (lambda d: d.update(questionnaires=["sus", 7]), "questionnaires[1]", "expected one of"),
    ],
)
def test_a_stored_form_that_does_not_fit_names_its_field(
    change: Callable[[dict[str, Any]], object], field: str, words: str
) -> None:
    data = scenarios.loads(FULL).to_dict()
    change(data)
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data, path="<stored study version 7>")
    assert caught.value.field == field and words in caught.value.message
    assert caught.value.message.startswith("<stored study version 7>")


def _imports(path: Path) -> set[str]:
    """The uxlab.scenarios modules ``path`` imports (the package itself as ``uxlab.scenarios``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name == "uxlab.scenarios" or name.startswith("uxlab.scenarios.")}


def test_the_package_modules_form_no_cycle_and_do_not_import_the_package() -> None:
    graph = {
        f"uxlab.scenarios.{path.stem}": _imports(path)
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }
    assert {m: sorted(i) for m, i in graph.items() if "uxlab.scenarios" in i} == {}
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, f"import cycle: {' -> '.join((*trail, module))}"
        if module not in done:
            for target in graph.get(module, ()):
                visit(target, (*trail, module))
            done.add(module)

    for module in graph:
        visit(module, ())
    long = {p.name: n for p in PACKAGE.glob("*.py") if (n := len(p.read_text().splitlines())) >= 300}
    assert long == {}
