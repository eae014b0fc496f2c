"""Stored-XSS battery rendered in real Chromium on every page that shows stored text (issue 12).

Every kind of stored text a visitor can control is seeded with payloads, through the
product's own functions: the study's title, consent, task prompts, question, touchpoint
and free-text prompt (scenario file); visited paths, clicked text and selectors, typed
answers and free-text comments (tracker events, questionnaire answers); probe upload
branch, commit and page paths, and the upload token's label (probe uploads). Then a
signed-in researcher opens every GET page of the URL map (HTML pages; CSV and JSON are
downloads) and a participant walks the study, in Chromium. No dialog may open, no
payload may set ``window.__xss``, and no element the payloads would create (an ``img``
with ``onerror``, an ``svg`` with ``onload``, a script holding ``__xss``) may be in the
DOM, which catches escaping bugs even where the CSP would have blocked the script.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session, select

from tests.conftest import LiveServer
from tests.probe.report_data import complete_report
from tests.security.routes import urls
from uxlab import auth, probe_uploads, studies
from uxlab.db import get_engine
from uxlab.models import ApiToken, Attempt, ParticipantSession
from uxlab.participants import attempts, sessions
from uxlab.reports import sharing

# Short enough for the shortest stored field it goes into (a commit: 64 characters).
PAYLOADS = (
    "X1\"'><script>window.__xss=1;alert(1)</script>",
    "X2\"'><img src=x onerror=window.__xss=2;alert(2)>",
    "X3</title></textarea><svg onload=alert(3)>",
)
MARK = "X1\"'><script>"  # visible text when the first payload is shown escaped
EMAIL, PASSWORD = "ana@example.org", "correct horse battery"
INJECTED = """() => [
  ...document.querySelectorAll('img[onerror], svg[onload]'),
  ...[...document.scripts].filter(s => s.textContent.includes('__xss')),
].length + (window.__xss ? 100 : 0)"""


def _scenario(folder: Path) -> Path:
    one, two, three = (json.dumps(p) for p in PAYLOADS)  # JSON strings are YAML strings
    text = f"""\
slug: xss
title: {one}
consent: {two}
site: {{base_url: /demo}}
free_text: {three}
tasks:
  - id: first
    prompt: {one}
    success: {{url: /support/helpdesk}}
    stage: retention
    touchpoint: {two}
  - id: second
    prompt: {three}
    success: {{answer: {{question: {two}, accepted: ["42"]}}}}
    stage: consideration
"""
    path = folder / "xss.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _record(db: Session, attempt: Attempt, server: str, *events: dict[str, Any]) -> None:
    batch = [{"id": uuid.uuid4().hex, "t": 1000 * (i + 1), **event} for i, event in enumerate(events)]
    now = attempt.started_at + timedelta(seconds=len(batch))
    attempts.record_events(db, attempt.token, batch, server, server_origins=[server], now=now)


def _begin(db: Session, participant: ParticipantSession, number: int, server: str) -> Attempt:
    url = sessions.begin_task(db, participant, number, server)
    assert url is not None
    token = url.split("#uxlab=", 1)[1].rsplit("@", 1)[0]
    return db.exec(select(Attempt).where(Attempt.token == token)).one()


def _seed(app: Flask, folder: Path, server: str) -> dict[str, Any]:
    """Store every payload everywhere a visitor can put text; return the route arguments to use."""
    one, two, three = PAYLOADS
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
        auth.create_user(db, EMAIL, PASSWORD)
        version, _ = studies.load_scenario_file(db, _scenario(folder))
        who = sessions.start_session(db, version, "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0", "en")
        first = _begin(db, who, 1, server)
        path = f"{server}/demo/{one}?q={two}"
        click = {"type": "click", "url": path, "tag": "A", "text": three, "selectors": [one, two]}
        _record(db, first, server, {"type": "pageview", "url": path}, click, {"type": "give_up"})
        sessions.save_seq(db, who, 1, "3")
        second = _begin(db, who, 2, server)
        _record(
            db,
            second,
            server,
            {"type": "pageview", "url": server + "/demo/"},
            {"type": "answer", "answer": one},
        )
        sessions.save_seq(db, who, 2, "4")
        sessions.save_responses(db, who, {"free_text": two})
        secret = probe_uploads.create_token(db, "xss", three)
        token = db.exec(select(ApiToken)).one()
        page = {"path": "/" + two, "profile": "desktop", "runs": [{"metrics": {"lcp_ms": 900.0}}]}
        build = {"commit": one, "branch": three, "time": "2026-11-25T12:00:00Z"}
        probe_uploads.store_upload(
            db, token, complete_report({"study": "xss", "pages": [page], "build": build})
        )
        _link, share = sharing.create_share(db, "xss", True)
        assert secret
        return {"slug": "xss", "secret": share, "token": first.token, "number": 1, "share_id": 1}


def _opened(page: Any, url: str) -> tuple[int, str]:
    """Open ``url``; return (injected elements, visible text)."""
    page.goto(url)
    return page.evaluate(INJECTED), page.inner_text("body")


def test_no_stored_payload_runs_on_any_page(live_server: LiveServer, page: Any, tmp_path: Path) -> None:
    known = _seed(live_server.app, tmp_path, live_server.url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/studies")
    shown = set()
    for endpoint, path in urls(live_server.app, "GET", known):
        downloads = (".csv", ".json", ".yaml", ".pdf")
        if endpoint.startswith(("api.", "demo.", "static", "health.")) or path.endswith(downloads):
            continue
        if endpoint == "probes.history":
            path += "?path=/" + PAYLOADS[1]
        injected, text = _opened(page, live_server.url + path)
        assert injected == 0 and not dialogs, (endpoint, injected, dialogs)
        if MARK in text or "X2\"'><img" in text or "X3</title>" in text:
            shown.add(endpoint)
    # The pages that show the seeded text, so the battery is known to have reached them.
    assert {"researcher.study_list", "reports.summary", "reports.journey", "researcher.attempts",
            "reports.shared", "probes.pages", "probes.history"} <= shown, shown  # fmt: skip


def test_no_stored_payload_runs_for_a_participant(live_server: LiveServer, page: Any, tmp_path: Path) -> None:
    _seed(live_server.app, tmp_path, live_server.url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    injected, text = _opened(page, live_server.url + "/s/xss")
    assert MARK in text and injected == 0 and not dialogs  # the title and consent, escaped
    page.click("form button[type=submit]")
    page.wait_for_url("**/s/xss/task/1")
    assert page.evaluate(INJECTED) == 0 and not dialogs
    assert MARK in page.inner_text("body")  # the first task's prompt
