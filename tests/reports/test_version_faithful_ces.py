"""Each version's CES answers count on its own CES scale; versions on different scales are not compared.

Version 1 is ``tests.summary_seed``'s study, asking CES 2.0 (1-7, higher is better); version 2
asks CES 1.0 (1-5, lower is better). Both are answered through the production paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

import tests.summary_seed as seed
from tests.web.test_reports_pages import signed_in
from uxlab.db import get_session
from uxlab.reports import queries
from uxlab.reports.filters import Filters

VERSION_2 = seed.SCENARIO.replace("free_text:", 'ces_version: "1.0"\nfree_text:')
CES_1 = (1, 2, 2, 4)
V2_PEOPLE = tuple(
    seed.Person(p.device, p.tries, {**p.answers, "ces": ces})
    for p, ces in zip(seed.PEOPLE, CES_1, strict=False)
)
CES_2 = tuple(p.answers["ces"] for p in seed.PEOPLE)


def _seed(app: Flask, tmp_path: Path) -> Any:
    client = signed_in(app, tmp_path)
    with app.app_context():
        version = seed.load(get_session(), tmp_path, VERSION_2)
        assert version.number == 2
        for person in V2_PEOPLE:
            seed.add_person(get_session(), version, person)
    return client


def _ces(client: Any, query: str) -> tuple[str | None, int, float | None]:
    summary = client.get(f"/studies/cx/summary.json{query}").get_json()
    figure = next(f for f in summary["headline"] if f["key"] == "ces")
    return summary["ces_version"], figure["n"], figure["value"]


def test_each_version_shows_its_own_ces_scale_and_answers(any_app: Flask, tmp_path: Path) -> None:
    client = _seed(any_app, tmp_path)
    assert _ces(client, "?version=1") == ("2.0", 6, sum(CES_2) / 6)
    assert _ces(client, "?version=2") == ("1.0", 4, sum(CES_1) / 4)
    # all versions: the newest version's scale only; version 1's CES 2.0 answers are not pooled
    assert _ces(client, "") == ("1.0", 4, sum(CES_1) / 4)
    with any_app.app_context():
        data = queries.load(get_session(), "cx", Filters())
        assert data.ces_left_out == (1,)
        assert data.at(1).ces_left_out == () and data.at(1).ces_version == "2.0"


def test_versions_on_different_ces_scales_are_refused_with_the_reason(any_app: Flask, tmp_path: Path) -> None:
    client = _seed(any_app, tmp_path)
    compared = client.get("/studies/cx/compare.json?a=1&b=2").get_json()
    assert (compared["side_a"]["ces_version"], compared["side_b"]["ces_version"]) == ("2.0", "1.0")
    row = next(r for r in compared["headline"] if r["measure"] == "ces")
    assert row["note"].startswith(
        "not compared: A asks CES 2.0 (1-7, higher is better), B asks CES 1.0 (1-5, lower is better)"
    )
    assert (row["a"]["n"], row["b"]["n"]) == (6, 4) and row["test"] is None


def test_versions_on_one_ces_scale_are_compared(any_app: Flask, tmp_path: Path) -> None:
    client = _seed(any_app, tmp_path)
    with any_app.app_context():
        version = seed.load(get_session(), tmp_path, seed.SCENARIO.replace("Acme", "Acme Inc"))
        assert version.number == 3
        for person in seed.PEOPLE[:3]:
            seed.add_person(get_session(), version, person)
    compared = client.get("/studies/cx/compare.json?a=1&b=3").get_json()
    row = next(r for r in compared["headline"] if r["measure"] == "ces")
    assert row["label"] == "CES 2.0 (1-7, higher is better)" and row["test"] is not None
    assert (row["a"]["n"], row["b"]["n"]) == (6, 3)


def test_all_versions_say_which_versions_ces_answers_are_left_out(any_app: Flask, tmp_path: Path) -> None:
    client = _seed(any_app, tmp_path)
    summary = client.get("/studies/cx/summary.json").get_json()
    note = next(f for f in summary["headline"] if f["key"] == "ces")["note"]
    assert "; version 1 asked the other CES version, left out;" in note, note
    # one version shown: nothing is left out of it
    one = client.get("/studies/cx/summary.json?version=1").get_json()
    assert "left out" not in next(f for f in one["headline"] if f["key"] == "ces")["note"]
