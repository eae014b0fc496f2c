"""Preview as participant: the participant pages and the tracker API on a draft, storing nothing.

The draft comes from the editor (POST /studio/preview); the task is judged by the real
judging rules from the events the tracker would send (bodies as ``tracker.js`` builds them).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlmodel import func, select

from uxlab import auth, scenarios
from uxlab.db import get_session
from uxlab.models import Attempt, Event, ParticipantSession, Screening, Study
from uxlab.web import preview

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"
DRAFT = """slug: draft
title: Draft study
consent: Thank you.
site: {base_url: /demo}
questionnaires: [sus]
tasks:
  - id: contact
    prompt: Find the contact page.
    success: {url: /contact}
    stage: consideration
  - id: hotline
    prompt: Find the hotline number.
    success: {answer: {question: What is the number?, accepted: ["+1 555 0100"]}}
    stage: retention
"""


def _signed_in(app: Flask) -> Any:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    return client


def _stored_rows(app: Flask) -> int:
    with app.app_context():
        db = get_session()
        return sum(
            int(db.exec(select(func.count()).select_from(m)).one())
            for m in (Study, ParticipantSession, Attempt, Event)
        )


def _token(location: str) -> str:
    assert "#uxlab=preview-" in location, location
    return location.split("#uxlab=", 1)[1].split("@", 1)[0]


def _events(client: Any, token: str, *events: dict[str, Any]) -> Any:
    body = {
        "token": token,
        "sent": 100,
        "events": [{"id": f"e{i}", "t": 100, **e} for i, e in enumerate(events)],
    }
    return client.post("/api/v1/events", data=json.dumps(body), content_type="text/plain")


def test_the_whole_flow_of_a_draft_stores_nothing(any_app: Flask) -> None:
    client = _signed_in(any_app)
    start = client.post("/studio/preview", data={"scenario": DRAFT})
    assert start.status_code == 303 and start.headers["Location"] == "/studio/preview/draft"
    consent = client.get("/studio/preview/draft")
    assert "Preview: Draft study" in consent.text
    assert 'action="/studio/preview/draft"' in consent.text  # the forms stay in the preview
    assert client.post("/studio/preview/draft").headers["Location"] == "/studio/preview/draft/task/1"
    task = client.get("/studio/preview/draft/task/1")
    assert "Find the contact page." in task.text and 'action="/studio/preview/draft/task/1"' in task.text
    opened = client.post("/studio/preview/draft/task/1")
    assert opened.headers["Location"].startswith("http://127.0.0.1:5000/demo#uxlab=preview-")  # PUBLIC_URL
    token = _token(opened.headers["Location"])

    state = client.get(f"/api/v1/attempts/{token}").json
    assert state["prompt"] == "Find the contact page." and state["preview"] is True
    assert state["labels"]["task"] == "Preview: Your task"
    assert state["labels"]["region"] == "Study task (Preview)"
    # A page view of another page does not end the task; the contact page is success.
    assert (
        _events(client, token, {"type": "pageview", "url": "http://localhost/demo/about"}).json["ended"]
        is False
    )
    done = _events(client, token, {"type": "pageview", "url": "http://localhost/demo/contact"}).json
    assert done == {
        "accepted": ["e0"], "ended": True, "outcome": "success", "preview": True,
        "next": "/studio/preview/draft/task/1/seq?outcome=success",
    }  # fmt: skip
    assert client.get(done["next"]).status_code == 200
    assert client.post("/studio/preview/draft/task/1/seq", data={}).status_code == 400  # SEQ unanswered
    after = client.post("/studio/preview/draft/task/1/seq", data={"seq": "6"})
    assert after.headers["Location"] == "/studio/preview/draft/task/2"

    # Task 2 is judged by its answer: a wrong one is a failure.
    token2 = _token(client.post("/studio/preview/draft/task/2").headers["Location"])
    wrong = _events(client, token2, {"type": "answer", "answer": "555"}).json
    assert wrong["outcome"] == "failure"
    right = _events(client, token2, {"type": "answer", "answer": "+1 555 0100"}).json
    assert right["outcome"] == "success"
    last = client.post("/studio/preview/draft/task/2/seq", data={"seq": "7"})
    assert last.headers["Location"] == "/studio/preview/draft/questionnaires"
    assert "I think that I would like to use" in client.get("/studio/preview/draft/questionnaires").text
    assert (
        client.post("/studio/preview/draft/questionnaires").headers["Location"]
        == "/studio/preview/draft/thanks"
    )
    assert client.get("/studio/preview/draft/thanks").status_code == 200
    assert _stored_rows(any_app) == 0


def test_a_forged_or_foreign_token_is_refused(app: Flask) -> None:
    client = _signed_in(app)
    client.post("/studio/preview", data={"scenario": DRAFT})
    token = _token(client.post("/studio/preview/draft/task/1").headers["Location"])
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/api/v1/attempts/{forged}").status_code == 404
    assert _events(client, forged, {"type": "done"}).status_code == 404
    foreign = client.get(f"/api/v1/attempts/{token}", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_a_preview_token_ends_an_hour_after_its_time_limit(app: Flask) -> None:
    """A token left in a tab or a history entry stops showing the draft (410: the tracker stops)."""
    client = _signed_in(app)
    scenario = scenarios.loads(DRAFT, "draft.yaml")
    limit_s = scenario.tasks[0].time_limit_s
    with app.test_request_context():
        now = datetime.now(UTC)
        fresh = preview.make_token(scenario, 1, "en", now - timedelta(seconds=limit_s + 3000))
        stale = preview.make_token(scenario, 1, "en", now - timedelta(seconds=limit_s + 3700))
    assert client.get(f"/api/v1/attempts/{fresh}").status_code == 200
    gone = client.get(f"/api/v1/attempts/{stale}")
    assert gone.status_code == 410 and "start it again" in gone.get_json()["error"]["message"]
    assert _events(client, stale, {"type": "done"}).status_code == 410


def test_preview_pages_need_a_draft_and_a_researcher(app: Flask) -> None:
    assert app.test_client().get("/studio/preview/draft").status_code == 302  # to the sign-in page
    client = _signed_in(app)
    assert client.get("/studio/preview/draft").status_code == 404  # no draft in this session
    client.post("/studio/preview", data={"scenario": DRAFT})
    assert client.get("/studio/preview/other").status_code == 404
    assert client.get("/studio/preview/draft/task/3").status_code == 404
    refused = client.post("/studio/preview", data={"scenario": DRAFT.replace("slug: draft", "slug: Draft!")})
    assert refused.status_code == 400 and "No preview" in refused.text


def test_the_task_bar_speaks_the_participants_language(app: Flask) -> None:
    client = _signed_in(app)
    client.post("/studio/preview", data={"scenario": DRAFT})
    opened = client.post("/studio/preview/draft/task/1", headers={"Accept-Language": "de"})
    state = client.get(f"/api/v1/attempts/{_token(opened.headers['Location'])}").json
    assert state["language"] == "de"
    assert state["labels"]["task"] == "Vorschau: Ihre Aufgabe"


def test_the_screener_is_previewed_with_its_rules_and_counts_nobody(any_app: Flask) -> None:
    client = _signed_in(any_app)
    screened = DRAFT.replace(
        "tasks:",
        "recruit:\n  screener:\n"
        "    - {id: router, type: single, text: Do you have a router?,\n"
        "       options: ['Yes', 'No'], accept: ['Yes']}\n"
        "tasks:",
    )
    client.post("/studio/preview", data={"scenario": screened})
    assert client.get("/studio/preview/draft").headers["Location"] == "/studio/preview/draft/screener"
    page = client.get("/studio/preview/draft/screener")
    assert "Do you have a router?" in page.text and 'action="/studio/preview/draft/screener"' in page.text
    assert client.post("/studio/preview/draft/screener", data={}).status_code == 400
    out = client.post("/studio/preview/draft/screener", data={"router": "No"})
    assert out.status_code == 200 and "Thank you for your interest" in out.text  # the polite page
    passed = client.post("/studio/preview/draft/screener", data={"router": "Yes"})
    assert passed.headers["Location"] == "/studio/preview/draft?screened=1"
    consent = client.get(passed.headers["Location"])
    assert 'action="/studio/preview/draft?screened=1"' in consent.text
    assert (
        client.post("/studio/preview/draft?screened=1").headers["Location"] == "/studio/preview/draft/task/1"
    )
    with any_app.app_context():
        assert int(get_session().exec(select(func.count()).select_from(Screening)).one()) == 0


def test_a_draft_too_large_for_the_session_cookie_is_refused_with_a_reason(app: Flask) -> None:
    client = _signed_in(app)
    # 60 tasks with distinct random prompts: far more than a 4 kB cookie holds, compressed or not.
    tasks = "".join(
        f"  - id: t{i}\n    prompt: {secrets.token_hex(40)}\n    success: self_report\n    stage: purchase\n"
        for i in range(60)
    )
    big = DRAFT.split("tasks:")[0] + "tasks:\n" + tasks
    response = client.post("/studio/preview", data={"scenario": big})
    assert response.status_code == 413 and "too large to preview" in response.text
    assert client.get("/studio/preview/draft").status_code == 404  # no draft kept
