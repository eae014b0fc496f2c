"""An unknown share link is a 404, also where its path ends in ".json" (then in JSON), not "sign in".

Before, ``/share/<anything>.json`` answered 401 "sign in as a researcher first": the path
made it a JSON endpoint of a researcher blueprint, and ``uxlab.web.study_access`` answers
anonymous requests for those 401. Share links are for people without an account.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlmodel import Session

from uxlab import studies
from uxlab.db import get_engine
from uxlab.reports import sharing

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
NOT_FOUND = {"error": {"status": 404, "message": "this share link does not exist or was revoked"}}


def _share(app: Flask) -> str:
    with app.app_context(), Session(get_engine()) as db:
        studies.load_scenario_file(db, HELPDESK)
        _link, secret = sharing.create_share(db, "helpdesk", False)
        return secret


def test_an_unknown_share_link_is_a_404_in_json_for_a_json_path(any_app: Flask) -> None:
    secret = _share(any_app)
    client = any_app.test_client()
    for url in ("/share/no-such-link.json", f"/share/{secret}.json", "/share/x.y.json"):
        response = client.get(url)
        assert (response.status_code, response.is_json) == (404, True), (url, response.status_code)
        assert response.get_json() == NOT_FOUND
    page = client.get("/share/no-such-link")
    assert page.status_code == 404 and "this share link does not exist" in page.text
    assert client.get(f"/share/{secret}").status_code == 200  # the link itself, anonymously
    # A researcher's JSON still tells an anonymous script to sign in.
    refused = client.get("/studies/helpdesk/summary.json")
    assert refused.status_code == 401 and refused.get_json()["error"]["status"] == 401
