"""A version's reports use that version's own tasks and settings, whatever versions come after it.

Version 1 is ``tests.summary_seed``'s study (find, buy, about; about without a target time).
Version 2 renames find, drops buy, gives about a 5 s target time, adds help and reorders them.
Both are loaded and answered through the production paths (``tests.summary_seed``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

import tests.summary_seed as seed
from tests.web.test_reports_pages import signed_in
from uxlab.db import get_session

HEAD = seed.SCENARIO[: seed.SCENARIO.index("tasks:")]
VERSION_2 = (
    HEAD
    + """\
tasks:
  - id: about
    prompt: Find out who runs Acme.
    start: /
    success: {url: /about}
    time_limit_s: 300
    target_time_s: 5
    stage: awareness
    touchpoint: About page
  - id: find
    prompt: Open the helpdesk (v2 wording).
    success: {url: /support/helpdesk}
    time_limit_s: 300
    target_time_s: 40
    stage: retention
    touchpoint: Helpdesk
    ideal_path: [{click: "a#support"}, {click: "a#helpdesk"}]
  - id: help
    prompt: Find the contact page.
    success: {url: /contact}
    time_limit_s: 300
    stage: retention
"""
)
V2_PEOPLE = tuple(
    seed.Person(
        "desktop",
        {
            "about": seed.Try("success", seconds, seed.ABOUT, 6),
            "find": seed.Try("success", 30, seed.DIRECT_FIND, 5),
            "help": seed.Try("success", 12, ("/", "/contact"), 7),
        },
    )
    for seconds in (4, 9)
)


def _load_version_2(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        version = seed.load(get_session(), tmp_path, VERSION_2)
        assert version.number == 2
        for person in V2_PEOPLE:
            seed.add_person(get_session(), version, person)


def _tasks(summary: dict[str, Any]) -> list[tuple[str, str, float | None]]:
    return [(t["key"], t["prompt"], t["target_time_s"]) for t in summary["tasks"]]


def _stable(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without what a new version changes by right: when it was made, the version list."""
    return {k: v for k, v in summary.items() if k not in ("generated_at", "versions")}


def test_version_1_figures_do_not_change_when_version_2_is_loaded(any_app: Flask, tmp_path: Path) -> None:
    client = signed_in(any_app, tmp_path)
    before = client.get("/studies/cx/summary.json?version=1").get_json()
    _load_version_2(any_app, tmp_path)
    after = client.get("/studies/cx/summary.json?version=1").get_json()
    assert _tasks(after) == [
        ("find", "Find the helpdesk portal.", 40.0),
        ("buy", "Find the price of the X200 router.", 30.0),
        ("about", "Find out who runs Acme.", None),  # no target time in version 1: SUM without time
    ]
    assert _stable(after) == _stable(before)
    assert after["versions"] == [1, 2]


def test_version_2_lists_its_own_tasks_in_its_order_with_its_settings(any_app: Flask, tmp_path: Path) -> None:
    client = signed_in(any_app, tmp_path)
    _load_version_2(any_app, tmp_path)
    summary = client.get("/studies/cx/summary.json?version=2").get_json()
    assert _tasks(summary) == [
        ("about", "Find out who runs Acme.", 5.0),
        ("find", "Open the helpdesk (v2 wording).", 40.0),
        ("help", "Find the contact page.", None),
    ]  # no "buy": version 2 does not have it, so no "no data" row
    assert [t["attempts"] for t in summary["tasks"]] == [2, 2, 2]
    # all versions: as before, each key as its newest version sets it, then the older-only keys
    pooled = client.get("/studies/cx/summary.json").get_json()
    assert _tasks(pooled) == [
        ("about", "Find out who runs Acme.", 5.0),
        ("find", "Open the helpdesk (v2 wording).", 40.0),
        ("help", "Find the contact page.", None),
        ("buy", "Find the price of the X200 router.", 30.0),
    ]
    assert [t["attempts"] for t in pooled["tasks"]] == [8, 8, 2, 6]


def test_comparison_sides_use_their_own_versions(any_app: Flask, tmp_path: Path) -> None:
    client = signed_in(any_app, tmp_path)
    alone = client.get("/studies/cx/summary.json?version=1").get_json()
    _load_version_2(any_app, tmp_path)
    compared = client.get("/studies/cx/compare.json?a=1&b=2").get_json()
    assert compared["tasks"] == {"matched": ["find", "about"], "a_only": ["buy"], "b_only": ["help"]}
    subjects = {row["task"]: row["subject"] for row in compared["rows"]}
    assert subjects == {"find": "Find the helpdesk portal.", "about": "Find out who runs Acme."}
    success = next(r for r in compared["headline"] if r["measure"] == "task_success")
    assert success["a"]["n"] == sum(t["attempts"] for t in alone["tasks"] if t["key"] in ("find", "about"))
