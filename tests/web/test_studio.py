"""The study editor: sign-in and CSRF, the check endpoint (the CLI's validator), save, upload, download.

Expected problems come from running ``uxlab scenarios check`` on the same text; expected
hashes from ``uxlab scenarios load`` of the same file into another database.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import func, select

from tests.conftest import make_test_app
from uxlab import auth, scenarios, studies
from uxlab.cli import cli
from uxlab.db import get_session
from uxlab.models import StudyVersion
from uxlab.security_models import AuditEvent

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"
JSON = {"Accept": "application/json"}  # what studio.js sends: errors come back as JSON
HELPDESK = Path(__file__).parents[2] / "scenarios" / "helpdesk.yaml"
GOOD = """slug: checkout
title: Checkout
consent: Thank you.
site: {base_url: /demo}
tasks:
  - id: contact
    prompt: Find the contact page.
    success: {url: /contact}
    stage: consideration
"""
# Three problems on three lines: a bad slug (1), an unknown task key (7), a bad time limit (8).
BROKEN = """slug: Check Out
title: Checkout
consent: Thank you.
site: {base_url: /demo}
tasks:
  - id: contact
    promt: Find the contact page.
    time_limit_s: soon
    success: {url: /contact}
    stage: consideration
"""


def _signed_in(app: Flask) -> Any:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    return client


def _cli(app: Flask, *args: str) -> Any:
    env = {"UXLAB_DATABASE_URL": app.config["DATABASE_URL"], "UXLAB_SECRET_KEY": "test-secret"}
    return CliRunner().invoke(cli, list(args), env=env)


def _versions(app: Flask) -> list[StudyVersion]:
    with app.app_context():
        return list(get_session().exec(select(StudyVersion).order_by(StudyVersion.id)).all())


def _saves(app: Flask) -> int:
    with app.app_context():
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "study_saved")
        return int(get_session().exec(query).one())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/studies/new"),
        ("get", "/studies/helpdesk/edit"),
        ("get", "/studies/helpdesk/scenario.yaml"),
        ("post", "/studio/save"),
        ("post", "/studio/preview"),
        ("post", "/studio/upload"),
    ],
)
def test_the_editor_needs_a_researcher(app: Flask, method: str, path: str) -> None:
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_check_answers_a_signed_out_request_with_json_401(app: Flask) -> None:
    # studio.js reads the reason from JSON; the sign-in page would be a 200 it cannot read
    response = app.test_client().post("/studio/check", json={"scenario": GOOD})
    assert response.status_code == 401 and response.is_json, (response.status_code, response.location)
    assert response.json["error"]["status"] == 401


def test_save_and_check_refuse_a_post_without_the_csrf_token(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)})
    assert client.post("/studio/save", data={"scenario": GOOD}).status_code == 400
    refused = client.post("/studio/check", json={"scenario": GOOD}, headers=JSON)
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]["message"]
    bare = client.post("/studio/check", json={"scenario": GOOD})  # no Accept header: JSON all the same
    assert bare.status_code == 400 and bare.is_json and "CSRF" in bare.json["error"]["message"]
    assert _versions(app) == []
    page = client.get("/studies/new").text
    header = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert header
    checked = client.post("/studio/check", json={"scenario": GOOD}, headers={"X-CSRFToken": header.group(1)})
    assert checked.status_code == 200 and checked.json["ok"] is True


def test_check_reports_every_problem_as_uxlab_scenarios_check_does(app: Flask, tmp_path: Path) -> None:
    client = _signed_in(app)
    body = client.post("/studio/check", json={"scenario": BROKEN}).json
    path = tmp_path / "study.yaml"
    path.write_text(BROKEN)
    result = _cli(app, "scenarios", "check", str(path))
    assert result.exit_code == 1
    # The CLI prints "<file>:<line>: <field>: <problem>", one line per problem.
    expected = []
    for line in result.output.splitlines():
        if line.startswith(str(path) + ":"):
            number, field, problem = line[len(str(path)) + 1 :].split(": ", 2)
            expected.append({"line": int(number), "field": field, "problem": problem})
    assert body["ok"] is False
    assert body["problems"] == expected
    assert [p["line"] for p in body["problems"]] == [1, 7, 8]


def test_check_answers_a_bad_body_with_a_json_reason(app: Flask) -> None:
    client = _signed_in(app)
    for bad in ({"scenario": 3}, ["x"], {"text": GOOD}):
        response = client.post("/studio/check", json=bad, headers=JSON)
        assert response.status_code == 400
        assert response.json["error"]["field"] == "scenario"
    too_long = client.post("/studio/check", json={"scenario": "#" * 200_001}, headers=JSON)
    assert too_long.status_code == 400 and "200000 characters" in too_long.json["error"]["message"]
    empty = client.post("/studio/check", json={"scenario": ""}).json
    assert empty["ok"] is False and empty["problems"][0]["field"] == "(document)"


def test_check_answers_a_bad_body_in_json_whatever_the_accept_header(app: Flask) -> None:
    client = _signed_in(app)
    bodies = [
        ("{not json", "application/json"),
        ('{"scenario": 5}', "application/json"),
        ('{"scenario": "slug: x"}', "text/plain"),  # JSON, sent as text
        ('{"scenario": "' + "#" * 200_001 + '"}', "application/json"),
    ]
    for body, content_type in bodies:
        for accept in ({}, {"Accept": "text/html"}):
            response = client.post("/studio/check", data=body, content_type=content_type, headers=accept)
            assert response.status_code == 400 and response.is_json, (body[:20], content_type, accept)
            assert response.json["error"]["field"] == "scenario"


def test_save_stores_what_scenarios_load_stores_and_audits_it(any_app: Flask, tmp_path: Path) -> None:
    client = _signed_in(any_app)
    response = client.post("/studio/save", data={"scenario": GOOD})
    assert response.status_code == 303 and response.headers["Location"] == "/studies/checkout/edit"
    (version,) = _versions(any_app)
    assert version.number == 1 and version.source_path == "(browser editor)"
    # The same file loaded by the CLI into a fresh database gets the same hash and tasks.
    (tmp_path / "cli").mkdir()
    other = make_test_app(tmp_path / "cli")
    path = tmp_path / "checkout.yaml"
    path.write_text(GOOD)
    assert _cli(other, "scenarios", "load", str(path)).output == "checkout: stored version 1\n"
    (loaded,) = _versions(other)
    assert loaded.content_hash == version.content_hash == scenarios.loads(GOOD).content_hash()
    assert loaded.scenario == version.scenario
    assert _saves(any_app) == 1
    # Unchanged (comments do not count): no new version, no audit row.
    client.post("/studio/save", data={"scenario": "# a comment\n" + GOOD})
    assert [v.number for v in _versions(any_app)] == [1]
    assert _saves(any_app) == 1
    # Edited in the study's editor (which posts its slug): version 2.
    edited = GOOD.replace("title: Checkout", "title: Checkout 2")
    client.post("/studio/save", data={"scenario": edited, "slug": "checkout"})
    assert [v.number for v in _versions(any_app)] == [1, 2]
    assert _saves(any_app) == 2


def test_a_refused_save_stores_nothing_and_lists_the_problems(any_app: Flask) -> None:
    client = _signed_in(any_app)
    response = client.post("/studio/save", data={"scenario": BROKEN})
    assert response.status_code == 400
    assert "line 7: tasks[0].promt: unknown key" in response.text and "Not saved" in response.text
    assert BROKEN.splitlines()[6] in response.text  # the text stays in the editor
    assert _versions(any_app) == [] and _saves(any_app) == 0


def test_download_loads_unchanged_with_scenarios_load(any_app: Flask) -> None:
    client = _signed_in(any_app)
    client.post("/studio/save", data={"scenario": HELPDESK.read_text()})
    response = client.get("/studies/helpdesk/scenario.yaml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="helpdesk.yaml"'
    (stored,) = _versions(any_app)
    assert scenarios.loads(response.text).content_hash() == stored.content_hash
    assert scenarios.load(HELPDESK).content_hash() == stored.content_hash


def test_the_downloaded_file_is_unchanged_for_the_cli(app: Flask, tmp_path: Path) -> None:
    client = _signed_in(app)
    client.post("/studio/save", data={"scenario": HELPDESK.read_text()})
    path = tmp_path / "helpdesk.yaml"
    path.write_bytes(client.get("/studies/helpdesk/scenario.yaml").data)
    assert _cli(app, "scenarios", "load", str(path)).output == "helpdesk: unchanged (version 1)\n"


def test_the_editor_opens_a_stored_study_and_a_new_one(app: Flask) -> None:
    client = _signed_in(app)
    new = client.get("/studies/new")
    assert new.status_code == 200 and "No problems: my-study, 1 task(s)." in new.text
    with app.app_context():
        studies.load_scenario_file(get_session(), HELPDESK)
    page = client.get("/studies/helpdesk/edit").text
    assert "slug: helpdesk" in page and "No problems: helpdesk, 4 task(s)." in page
    assert client.get("/studies/nope/edit").status_code == 404
    assert 'href="/studies/helpdesk/edit"' in client.get("/studies").text


def test_upload_opens_the_file_in_the_editor_without_saving(app: Flask) -> None:
    client = _signed_in(app)
    page = client.post("/studio/upload", data={"file": (HELPDESK.open("rb"), "helpdesk.yaml")})
    assert page.status_code == 200
    assert "# The demo study, and the documented example" in page.text  # comments kept
    assert _versions(app) == []
    latin1 = client.post(
        "/studio/upload", data={"file": (__import__("io").BytesIO(b"slug: a\ntitle: caf\xe9"), "x.yaml")}
    )
    assert latin1.status_code == 400
    assert "x.yaml:2: title: not UTF-8 text (byte 0xe9 at column 11" in latin1.text  # as the CLI says
    assert client.post("/studio/upload", data={}).status_code == 400


def test_check_summary_counts_tasks(app: Flask) -> None:
    body = _signed_in(app).post("/studio/check", json={"scenario": HELPDESK.read_text()}).json
    assert body == {"ok": True, "summary": "helpdesk, 4 task(s)", "problems": [], "warnings": []}


def test_check_gives_the_warnings_of_scenarios_check(app: Flask, tmp_path: Path) -> None:
    repeated = GOOD.replace("success: {url: /contact}", "start: /demo/contact\n    success: {url: /contact}")
    body = _signed_in(app).post("/studio/check", json={"scenario": repeated}).json
    path = tmp_path / "study.yaml"
    path.write_text(repeated)
    printed = _cli(app, "scenarios", "check", str(path)).output
    # The CLI prints "<file>: warning: <text>" for each.
    expected = [line.split(": warning: ", 1)[1] for line in printed.splitlines() if ": warning: " in line]
    assert body["ok"] is True and body["warnings"] == expected and len(expected) == 1
    assert "tasks[0].start: '/demo/contact' repeats site.base_url's path '/demo'" in expected[0]
