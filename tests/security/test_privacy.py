"""What participants type into a site's search box never reaches a report or share page (issue 12).

Participants' page views arrive through the real events API with a search term in the
query string (``?q=...``, as a site's search form puts it there) and a kept parameter
(``page``, listed in ``site.keep_query``). A researcher then opens every GET page of the
URL map, CSV and JSON exports included, and both kinds of share link (with and without
free text): the search term is on none of them, the kept parameter still is where paths
are shown. On main the term was stored in the attempt's path and shown.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from flask import Flask
from sqlmodel import Session, select

from tests.security.routes import urls
from uxlab import auth, studies
from uxlab.db import get_engine
from uxlab.models import Attempt, Event
from uxlab.participants import sessions
from uxlab.reports import sharing

TERM = "Baker Street 221b"  # what a participant typed into the site's search box
SCENARIO = """\
slug: privacy
title: Privacy
consent: We record the pages you open.
site: {base_url: /demo, keep_query: [page]}
free_text: Anything else?
tasks:
  - id: find
    prompt: Find the helpdesk portal.
    success: {url: /support/helpdesk}
    stage: retention
    touchpoint: Helpdesk
"""
SERVER = "http://localhost"  # the test client's origin


def _record(app: Flask, folder: Path) -> None:
    """Two participants search on the site, then reach the goal; all through the events API."""
    (folder / "privacy.yaml").write_text(SCENARIO, encoding="utf-8")
    client = app.test_client()
    for n in range(2):
        with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
            version, _ = studies.load_scenario_file(db, folder / "privacy.yaml")
            who = sessions.start_session(db, version, "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0", "en")
            url = sessions.begin_task(db, who, 1, SERVER)
            assert url is not None
            token = url.split("#uxlab=", 1)[1].rsplit("@", 1)[0]
        search = f"{SERVER}/demo/products?q={quote_plus(TERM)}&page=2"
        events = [
            {"id": uuid.uuid4().hex, "type": "pageview", "t": 100, "url": search},
            {
                "id": uuid.uuid4().hex,
                "type": "click",
                "t": 900,
                "url": search,
                "tag": "A",
                "selectors": ["a"],
            },
            {
                "id": uuid.uuid4().hex,
                "type": "pageview",
                "t": 2000 + n,
                "url": f"{SERVER}/demo/support/helpdesk",
            },
        ]
        body = json.dumps({"token": token, "events": events})
        response = client.post("/api/v1/events", data=body, headers={"Origin": SERVER})
        assert response.status_code == 200, response.get_json()


def _read(client: Any, url: str) -> bytes:
    # Closing the response ends a streamed export's database transaction (PostgreSQL would
    # otherwise wait for it before dropping the test's schema).
    with client.get(url) as response:
        data: bytes = response.data
        return data


def test_a_search_term_is_on_no_report_or_share_page(any_app: Flask, tmp_path: Path) -> None:
    _record(any_app, tmp_path)
    with any_app.app_context(), Session(get_engine()) as db:
        auth.create_user(db, "ana@example.org", "correct horse battery")
        _link, without_text = sharing.create_share(db, "privacy", False)
        _link, with_text = sharing.create_share(db, "privacy", True)
        stored = [
            *db.exec(select(Event.url)).all(),
            *(p for a in db.exec(select(Attempt)).all() for p in a.path),
        ]
    assert stored and not [url for url in stored if "Baker" in url]
    assert "/products?page=2" in stored  # the listed parameter is kept
    client = any_app.test_client()
    client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery"})
    pages: dict[str, Any] = {}
    for secret in (without_text, with_text):
        pages[f"share {secret[:4]}"] = _read(client, f"/share/{secret}")
    for endpoint, url in urls(any_app, "GET", {"slug": "privacy", "secret": with_text, "number": 1}):
        if endpoint.startswith(("api.", "demo.", "static", "participant.")):
            continue
        pages[endpoint] = _read(client, url)
    for name, body in pages.items():
        for form in (TERM, quote_plus(TERM), "Baker"):
            assert form.encode() not in body, (name, form)
    shown = [name for name, body in pages.items() if b"/products?page=2" in body.replace(b"<wbr>", b"")]
    assert "researcher.attempts" in shown  # paths are shown, only without the search term
