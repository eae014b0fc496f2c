"""Report filters by outcome and task (400 for bad values), excluding participants from the
browser (CSRF, sign-in, the header's count and list, undo) and from the command line (issue 16)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import col, select

import tests.summary_seed as seed
from tests.conftest import make_test_app
from tests.races import twice_at_once
from tests.web.test_reports_pages import EMAIL, PASSWORD, signed_in
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.models import ParticipantSession
from uxlab.reports import sharing
from uxlab.security_models import AuditEvent

PEOPLE = seed.PEOPLE[:3]  # PEOPLE[1] fails "buy"; PEOPLE[2] gives up on "find"


def _ids(app: Flask) -> list[str]:
    with app.app_context():
        rows = get_session().exec(select(ParticipantSession).order_by(col(ParticipantSession.id))).all()
        return [row.public_id for row in rows]


def _excluded_events() -> list[AuditEvent]:
    return list(get_session().exec(select(AuditEvent).where(AuditEvent.action == "participant_excluded")))


def _summary(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/studies/cx/summary.json{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("outcome=won", "outcome"),
        ("outcome=SUCCESS", "outcome"),
        ("task=find%20it", "task"),
        ("task=checkout", "task"),  # well formed, but not a task of the study
        ("excluded=yes", "excluded"),
    ],
)
@pytest.mark.parametrize("page", ["summary", "summary.json", "attempts.csv", "responses.csv", "journey"])
def test_bad_outcome_task_or_excluded_is_a_400(
    app: Flask, tmp_path: Path, page: str, query: str, field: str
) -> None:
    client = signed_in(app, tmp_path, PEOPLE)
    response = client.get(f"/studies/cx/{page}?{query}")
    assert response.status_code == 400
    if page.endswith(".json"):
        assert response.get_json()["error"]["field"] == field
    else:
        assert field in response.get_data(as_text=True)


def test_outcome_and_task_filter_the_pages_json_and_csv(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path, PEOPLE)
    failed = _summary(client, "?outcome=failure")
    assert (failed["participants"], failed["attempts"], failed["filters"]["outcome"]) == (1, 1, "failure")
    find = _summary(client, "?task=find&outcome=give_up")
    assert (find["participants"], find["attempts"], find["filters"]["task"]) == (1, 1, "find")
    download = client.get("/studies/cx/attempts.csv?task=find").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(download)))
    assert len(rows) == 3 and {r["task"] for r in rows} == {"find"}
    page = client.get("/studies/cx/summary?outcome=give_up&task=find").get_data(as_text=True)
    assert '<option value="give_up" selected>' in page and '<option value="find" selected>' in page
    assert "Task figures count only the\n  give up attempts at task find" in page
    # the PDF link, the exports and the report nav carry the filters along
    assert 'href="/studies/cx/summary.pdf?outcome=give_up&amp;task=find"' in page
    assert 'href="/studies/cx/attempts.csv?outcome=give_up&amp;task=find"' in page


def test_excluding_from_the_attempts_page_and_including_again(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path, PEOPLE)
    first, second, _ = _ids(app)
    before = _summary(client)
    attempts = client.get("/studies/cx/attempts").get_data(as_text=True)
    assert f'action="/studies/cx/participants/{first}/exclude"' in attempts
    done = client.post(f"/studies/cx/participants/{first}/exclude", data={"reason": "speeder: 2 s per task"})
    assert done.status_code == 302 and done.headers["Location"] == "/studies/cx/attempts"
    after = _summary(client)
    assert (after["participants"], after["attempts"], after["excluded"]) == (2, 6, 1)
    assert after["headline"] != before["headline"]
    assert _summary(client, "?excluded=1")["participants"] == 3
    page = client.get("/studies/cx/summary").get_data(as_text=True)
    assert "1 participant excluded, left out of every figure." in page
    assert 'href="/studies/cx/exclusions"' in page
    marked = client.get("/studies/cx/attempts").get_data(as_text=True)
    assert "speeder: 2 s per task" in marked and f'participants/{first}/exclude"' not in marked
    assert f'participants/{second}/exclude"' in marked
    listed = client.get("/studies/cx/exclusions").get_data(as_text=True)
    assert first[:8] in listed and "speeder: 2 s per task" in listed and EMAIL in listed
    csv_all = client.get("/studies/cx/attempts.csv?excluded=1").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_all)))
    assert {(r["excluded"], r["exclusion_reason"]) for r in rows if r["participant"] == first} == {
        ("true", "speeder: 2 s per task")
    }
    default = client.get("/studies/cx/attempts.csv").get_data(as_text=True)
    assert first not in default and "exclusion_reason" in default.splitlines()[0]
    # the share page never counts excluded participants, whatever its query says
    with app.app_context():
        _, secret = sharing.create_share(get_session(), "cx", False)
    shared = app.test_client().get(f"/share/{secret}?excluded=1").get_data(as_text=True)
    assert "2 participants" in shared and "Include excluded" not in shared and "/exclusions" not in shared
    again = client.post(f"/studies/cx/participants/{first}/include")
    assert again.status_code == 302 and again.headers["Location"] == "/studies/cx/exclusions"
    assert {**_summary(client), "generated_at": None} == {**before, "generated_at": None}
    listed = client.get("/studies/cx/exclusions").get_data(as_text=True)
    assert "No participant of this study is excluded." in listed
    with app.app_context():
        audit = get_session().exec(select(AuditEvent.action, AuditEvent.actor)).all()
    assert ("participant_excluded", EMAIL) in audit and ("participant_included", EMAIL) in audit


def test_a_double_click_on_exclude_excludes_once_and_shows_no_error(any_app: Flask, tmp_path: Path) -> None:
    """Two posts of one Exclude form at once both found the participant not excluded yet; the
    second's insert broke the unique exclusion row and answered 500. Now both land on the attempts
    page (the second with "excluded already"), with one exclusion and one audit row."""
    first = signed_in(any_app, tmp_path, PEOPLE)
    url = f"/studies/cx/participants/{_ids(any_app)[0]}/exclude"
    answers, second = twice_at_once(  # both find the participant not excluded before either writes
        any_app, first, "INSERT INTO PARTICIPANTEXCLUSION", lambda c: c.post(url, data={"reason": "bot"})
    )
    assert [(a.status_code, a.headers.get("Location")) for a in answers] == [
        (302, "/studies/cx/attempts")
    ] * 2
    flashed = first.get("/studies/cx/attempts").get_data(as_text=True) + second.get(
        "/studies/cx/attempts"
    ).get_data(as_text=True)
    assert "is excluded from the reports" in flashed and "is excluded already" in flashed
    assert _summary(first)["excluded"] == 1
    with any_app.app_context():
        assert len(_excluded_events()) == 1


def test_bad_exclusions_change_nothing(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path, PEOPLE)
    first = _ids(app)[0]
    assert client.post(f"/studies/cx/participants/{first}/exclude", data={"reason": "  "}).status_code == 400
    assert client.post("/studies/cx/participants/nobody/exclude", data={"reason": "bot"}).status_code == 404
    assert client.post(f"/studies/cx/participants/{first}/include").status_code == 404
    assert _summary(client)["excluded"] == 0


def test_excluding_needs_a_signed_in_researcher_and_a_csrf_token(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path, PEOPLE)
    first = _ids(app)[0]
    stranger = app.test_client().post(f"/studies/cx/participants/{first}/exclude", data={"reason": "bot"})
    assert stranger.status_code == 401  # told to sign in (security: the sign-in check comes first)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=data).status_code == 302
    no_token = client.post(f"/studies/cx/participants/{first}/exclude", data={"reason": "bot"})
    assert no_token.status_code == 400 and b"CSRF" in no_token.data
    page = client.get("/studies/cx/attempts").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert form_token
    with app.app_context():
        assert _excluded_events() == []
    ok = client.post(
        f"/studies/cx/participants/{first}/exclude", data={"reason": "bot", "csrf_token": form_token.group(1)}
    )
    assert ok.status_code == 302
    assert json.loads(client.get("/studies/cx/summary.json").data)["excluded"] == 1
    app.extensions["uxlab.engine"].dispose()


def test_signed_out_exclusion_is_refused_without_a_trace(app: Flask, tmp_path: Path) -> None:
    signed_in(app, tmp_path, PEOPLE)
    first = _ids(app)[0]
    response = app.test_client().post(f"/studies/cx/participants/{first}/exclude", data={"reason": "bot"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert _excluded_events() == []


def test_uxlab_participants_exclude_and_include(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        seed.seed(get_session(), tmp_path, PEOPLE)
    first = _ids(any_app)[0]
    env = {"UXLAB_DATABASE_URL": database_url(any_app), "UXLAB_SECRET_KEY": "test-secret"}
    run = CliRunner().invoke
    done = run(cli, ["participants", "exclude", first, "--reason", "bot", "--study", "cx"], env=env)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"excluded participant {first}\n"
    twice = run(cli, ["participants", "exclude", first, "--reason", "bot"], env=env)
    assert twice.exit_code == 1 and "excluded already" in twice.stderr
    assert run(cli, ["participants", "exclude", first], env=env).exit_code == 2  # --reason is required
    back = run(cli, ["participants", "include", first], env=env)
    assert back.exit_code == 0 and back.stdout == f"included participant {first} again (was excluded: bot)\n"
    assert run(cli, ["participants", "include", first], env=env).exit_code == 1
    typo = run(cli, ["participants", "exclude", first, "--reason", "bot", "--study", "cz"], env=env)
    assert typo.exit_code == 1 and typo.stderr == "uxlab: no study 'cz'\n"  # not "no participant"


def test_the_attempts_page_filters_by_outcome_and_task(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path, PEOPLE)
    second = _ids(app)[1]
    excluded = client.post(f"/studies/cx/participants/{second}/exclude", data={"reason": "bot"})
    assert excluded.status_code == 302
    page = client.get("/studies/cx/attempts?outcome=failure").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 1 and "buy" in rows[0] and "Excluded" in rows[0]  # excluded ones show, marked
    assert "1 attempt in all versions under these filters" in page
    assert '<option value="failure" selected>' in page
    assert 'href="/studies/cx/attempts.csv?outcome=failure&amp;excluded=1"' in page
    find = client.get("/studies/cx/attempts?task=find&per_page=2").get_data(as_text=True)
    assert "3 attempts" in find
    assert 'href="/studies/cx/attempts?page=2&amp;per_page=2&amp;task=find' in find  # the pager keeps them
    assert client.get("/studies/cx/attempts?outcome=lost").status_code == 400


def test_the_compare_page_says_how_many_each_side_left_out(app: Flask, tmp_path: Path) -> None:
    """Versions 1 and 2 compared: one participant of version 1 excluded is named in A's counts."""
    client = signed_in(app, tmp_path, PEOPLE)
    with app.app_context():
        seed.seed_second_version(get_session(), tmp_path)
    first = _ids(app)[0]  # of version 1
    assert (
        client.post(f"/studies/cx/participants/{first}/exclude", data={"reason": "a tester"}).status_code
        == 302
    )
    page = " ".join(client.get("/studies/cx/compare").get_data(as_text=True).split())
    assert "A (Version 1): 2 participants (2 finished), 6 ended attempts, 1 excluded and left out" in page
    assert 'href="/studies/cx/exclusions"' in page
    counted = " ".join(client.get("/studies/cx/compare?excluded=1").get_data(as_text=True).split())
    assert "A (Version 1): 3 participants (3 finished), 9 ended attempts, 1 excluded but counted" in counted
