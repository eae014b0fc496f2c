"""The report filter form offers only the filters a page applies, and says only what is applied.

Audit findings: the shared report showed the "Link parameter" field although the share page
ignores that filter; the compare page said ", filtered" for the versions it compares, and
compared a version with itself without a word.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.web.test_reports_pages import share_link, signed_in


def test_the_shared_page_offers_no_link_parameter_filter(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    summary = client.get("/studies/cx/summary").get_data(as_text=True)
    assert 'name="link"' in summary and 'name="excluded"' in summary  # the researcher's page has both
    shared = app.test_client().get(share_link(client, False)).get_data(as_text=True)
    assert 'name="device"' in shared  # the other filters stay
    assert 'name="link"' not in shared and "Link parameter" not in shared
    assert 'name="excluded"' not in shared
