"""The report filter form offers only the filters a page applies, and says only what is applied.

Audit findings: the shared report showed the "Link parameter" field although the share page
ignores that filter; the compare page said ", filtered" for the versions it compares, and
compared a version with itself without a word.
"""

from __future__ import annotations

import html
from pathlib import Path

from flask import Flask

import tests.summary_seed as seed
from tests.web.test_reports_pages import share_link, signed_in
from uxlab.db import get_session


def test_the_shared_page_offers_no_link_parameter_filter(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    summary = client.get("/studies/cx/summary").get_data(as_text=True)
    assert 'name="link"' in summary and 'name="excluded"' in summary  # the researcher's page has both
    shared = app.test_client().get(share_link(client, False)).get_data(as_text=True)
    assert 'name="device"' in shared  # the other filters stay
    assert 'name="link"' not in shared and "Link parameter" not in shared
    assert 'name="excluded"' not in shared


def _lede(page: str) -> str:
    return " ".join(page.split('class="lede"')[1].split("</p>")[0].split())


def test_the_compare_header_says_filtered_only_for_a_filter(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    with app.app_context():
        seed.seed_second_version(get_session(), tmp_path)
    for query in ("", "?a=1&b=2"):  # the versions compared are no filter
        lede = _lede(client.get(f"/studies/cx/compare{query}").get_data(as_text=True))
        assert "B (Version 2): 4 participants" in lede and "filtered" not in lede, query
    filtered = _lede(client.get("/studies/cx/compare?a=1&b=2&device=phone").get_data(as_text=True))
    assert filtered.endswith(", filtered.")


def test_comparing_a_version_with_itself_is_refused_naming_the_parameters(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    with app.app_context():
        seed.seed_second_version(get_session(), tmp_path)
    same = (
        "a and b are the same version (1): compare two different versions (without a and b: the two newest)"
    )
    page = client.get("/studies/cx/compare?a=1&b=1")
    assert page.status_code == 400 and same in html.unescape(page.get_data(as_text=True))
    answer = client.get("/studies/cx/compare.json?a=1&b=1")
    assert answer.status_code == 400 and answer.get_json()["error"]["message"] == same
    assert answer.get_json()["error"]["field"] == "b"
    newest = client.get("/studies/cx/compare.json?a=2")  # b is the newest version unless given
    assert newest.status_code == 400 and "same version (2)" in newest.get_json()["error"]["message"]
    assert client.get("/studies/cx/compare.json?a=2&b=1").status_code == 200  # either order
