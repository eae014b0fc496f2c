"""Report pages: login, dashboard and journey figures, JSON, streamed CSV exports, filters."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from flask import Flask
from scipy import stats

import tests.summary_seed as seed
from tests.probe.report_data import complete_report
from uxlab import auth
from uxlab.db import get_session

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "cx-summary-v2.schema.json").read_text(encoding="utf-8"))
EMAIL, PASSWORD = "rita@example.org", "a long enough password"
PAGES = ["summary", "journey", "summary.json", "attempts.csv", "responses.csv"]


def signed_in(app: Flask, tmp_path: Path, people: tuple[seed.Person, ...] | None = seed.PEOPLE) -> Any:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        if people is None:
            seed.load(get_session(), tmp_path)
        else:
            seed.seed(get_session(), tmp_path, people)
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("page", [p for p in PAGES if not p.endswith(".json")])
def test_report_pages_need_a_login(app: Flask, page: str) -> None:
    response = app.test_client().get(f"/studies/cx/{page}?device=phone")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("page", ["summary.json", "live.json", "compare.json"])
def test_report_json_answers_401_json_without_a_login(app: Flask, page: str) -> None:
    # a script reading the JSON gets a reason it can read, not the sign-in page
    response = app.test_client().get(f"/studies/cx/{page}")
    assert response.status_code == 401 and response.is_json, (response.status_code, response.location)
    assert response.get_json()["error"]["status"] == 401


def test_dashboard_shows_the_figures(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    tries = [t for p in seed.PEOPLE for t in p.tries.values()]
    rate = sum(t.outcome == "success" for t in tries) / len(tries)
    page = client.get("/studies/cx/summary").get_data(as_text=True)
    card = page.split('id="fig-task_success"')[1].split("</li>")[0]
    assert f"{rate:.0%}" in card and "n = 18" in card
    nps = page.split('id="fig-nps"')[1].split("</li>")[0]
    assert "+0" in nps  # 2 promoters, 2 detractors of 6
    assert "CX &lt;test&gt; &amp; study" in page and "<test>" not in page
    assert page.count('role="img"') >= 5  # success, times, SUS, NPS, participation
    assert "Only 50% of 6 attempts succeeded at “Find the price of the X200 router.”" in page
    assert 'aria-current="page"' in page
    assert 'href="/studies/cx/probes">Page speed</a>' in page  # the report nav reaches page speed
    # the note on translated questionnaires is for researchers (participants no longer see it)
    assert "translations of the\n    English originals" in page


def test_dashboard_says_the_time_centre_and_the_best_estimate_of_a_rate(app: Flask, tmp_path: Path) -> None:
    # docs/METRICS.md: a report says which convention it used, and gives the best point
    # estimate beside the raw rate (Lewis & Sauro 2006: LaPlace (x+1)/(n+2) over 90%)
    client = signed_in(app, tmp_path)
    page = client.get("/studies/cx/summary?device=desktop").get_data(as_text=True)
    card = page.split('id="fig-time_on_task_s"')[1].split("</li>")[0]
    assert "geometric mean · 95% CI" in card  # 9 successful desktop times: under 25
    rows = page.split('<table class="tasks">')[1].split("</table>")[0].split("<tr>")[2:]
    about = next(r for r in rows if ">about · " in r)
    assert "4 of 4; best estimate 83% (LaPlace)" in about  # (4 + 1) / (4 + 2)
    find = next(r for r in rows if ">find · " in r)
    assert "3 of 4</span>" in find and "best estimate" not in find  # 75%: the raw rate is the best
    assert find.count("geometric mean") == 1


def test_journey_map_lists_stages_with_text_statuses(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    page = client.get("/studies/cx/journey").get_data(as_text=True)
    for stage in ("Awareness", "Consideration", "Purchase", "Retention", "Advocacy"):
        assert f">{stage}</h2>" in page
    purchase = page.split('id="stage-purchase"')[1].split('class="stage"')[0]
    assert "Product page" in purchase and ">Poor</span>" in purchase and "<details>" in purchase
    # the status says what made it so, next to the figures (issue 16: "Poor" beside "success 83%")
    why = purchase.split('class="stage-why">')[1].split("</p>")[0]
    assert why.startswith("Why poor: ") and "below" in why
    assert "No tasks in this stage." in page.split('id="stage-consideration"')[1].split('class="stage"')[0]


def test_summary_json_follows_the_schema(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    data = client.get("/studies/cx/summary.json?device=desktop").get_json()
    jsonschema.validate(data, SCHEMA)
    assert data["filters"]["device"] == "desktop" and data["attempts"] == 12
    figures = {f["key"]: f for f in data["headline"]}
    desktop = [t for p in seed.PEOPLE[:4] for t in p.tries.values()]
    assert figures["task_success"]["value"] == pytest.approx(
        sum(t.outcome == "success" for t in desktop) / 12
    )
    # The old schema is still served on request (docs/schema/cx-summary-v1.json).
    old = client.get("/studies/cx/summary.json?device=desktop&schema=uxlab-cx-summary/1").get_json()
    v1 = json.loads((ROOT / "docs" / "schema" / "cx-summary-v1.json").read_text(encoding="utf-8"))
    jsonschema.validate(old, v1)
    assert old["headline"][0]["value"] == figures["task_success"]["value"]
    assert client.get("/studies/cx/summary.json?schema=uxlab-cx-summary/9").status_code == 400


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_exports_stream_and_filter(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    attempts = rows_of(client.get("/studies/cx/attempts.csv"))
    assert len(attempts) == 18
    assert sorted(float(r["time_on_task_s"]) for r in attempts if r["outcome"] == "success") == sorted(
        t.time_s for p in seed.PEOPLE for t in p.tries.values() if t.outcome == "success"
    )
    phone = rows_of(client.get("/studies/cx/attempts.csv?device=phone"))
    assert len(phone) == 6 and {r["device"] for r in phone} == {"phone"}
    responses = rows_of(client.get("/studies/cx/responses.csv"))
    assert len(responses) == 6 * 15 + 1  # SUS 10, UMUX-Lite 2, NPS, CSAT, CES each; one free text
    assert rows_of(client.get("/studies/cx/responses.csv?version=1")) == responses
    assert client.get("/studies/cx/responses.csv?version=2").status_code == 400  # no such version


def test_bad_filters_and_unknown_studies(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    response = client.get("/studies/cx/summary?since=last-week")
    assert response.status_code == 400 and b"since must be a date" in response.data
    assert client.get("/studies/nope/summary").status_code == 404
    assert client.get("/studies/nope/attempts.csv").status_code == 404


def test_empty_study_and_one_participant_render(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path, people=None)
    for page in ("summary", "journey"):
        assert client.get(f"/studies/cx/{page}").status_code == 200
    assert client.get("/studies/cx/summary.json").get_json()["attempts"] == 0
    with app.app_context():
        version = seed.load(get_session(), tmp_path)
        seed.add_person(get_session(), version, seed.PEOPLE[0])
    page = client.get("/studies/cx/summary").get_data(as_text=True)
    assert "n = 1" in page and client.get("/studies/cx/journey").status_code == 200


def test_comparison_page_tests_the_differences(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    assert client.get("/studies/cx/compare").status_code == 400  # one version only
    with app.app_context():
        seed.seed_second_version(get_session(), tmp_path)
    page = client.get("/studies/cx/compare").get_data(as_text=True)
    assert "Version 1 against Version 2" in page
    lede = " ".join(page.split('class="lede"')[1].split("</p>")[0].split())
    assert "A (Version 1): 6 participants" in lede and "B (Version 2): 4 participants" in lede  # both sides
    rows = {r.split("</th>")[0]: r for r in page.split('<th scope="row">')[1:]}
    seq_row = next(r for k, r in rows.items() if k.startswith("SEQ<br>") and "Find the helpdesk" in k)
    old = [p.tries["find"].seq for p in seed.PEOPLE]
    p_seq = stats.ttest_ind(old, [1, 1, 2, 1], equal_var=False).pvalue  # Welch, as scipy computes it
    assert f"{p_seq:.3f}" in seq_row and "<strong>Yes</strong>" in seq_row
    # N-1 two-proportion test (Campbell 2007) of 4/6 against 4/4, by hand.
    n1, n2, x1, x2 = 6, 4, 4, 4
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) * math.sqrt(9 / 10)
    success_row = next(r for k, r in rows.items() if k.startswith("Task success") and "helpdesk" in k)
    assert f"{2 * stats.norm.sf(abs(z)):.3f}" in success_row
    time_row = next(r for k, r in rows.items() if k.startswith("Time on task") and "helpdesk" in k)
    old_t = [p.tries["find"].time_s for p in seed.PEOPLE if p.tries["find"].outcome == "success"]
    p_time = stats.ttest_ind(np.log(old_t), np.log([80, 95, 70, 120]), equal_var=False).pvalue
    assert f"{p_time:.3f}" in time_row
    assert client.get("/studies/cx/compare?a=1&b=9").status_code == 400
    assert client.get("/studies/cx/compare?a=x").status_code == 400


def share_link(client: Any, include_free_text: bool) -> str:
    data = {"include_free_text": "1"} if include_free_text else {}
    response = client.post("/studies/cx/shares", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    share_section = page.split('id="share"', 1)[1]  # where the redirect's #share lands, not a top banner
    match = re.search(
        r'id="new-share-url" type="text" readonly value="(http\S+/share/[\w-]+)"', share_section
    )
    assert match, "the new link is shown once after creating it, in the share section"
    assert "shown only once" in share_section and 'data-copy="new-share-url"' in share_section
    return match.group(1).split("127.0.0.1:5000", 1)[1]


def test_share_links_show_the_summary_without_free_text_and_die_when_revoked(
    app: Flask, tmp_path: Path
) -> None:
    client = signed_in(app, tmp_path)
    free_text = "Great &lt;b&gt;site&lt;/b&gt;"  # participant 1's answer, escaped
    assert free_text in client.get("/studies/cx/summary").get_data(as_text=True)
    without, with_text = share_link(client, False), share_link(client, True)
    anonymous = app.test_client()
    page = anonymous.get(without)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    assert "67%" in text.split('id="fig-task_success"')[1].split("</li>")[0]
    assert "Great" not in text and "Free-text answers are not shared." in text
    assert "attempts.csv" not in text and "Sign out" not in text
    assert "uxlab probe" not in text  # no CLI hints for outside viewers (the seed has no probe runs)
    assert "Great" not in anonymous.get(without + "?device=desktop").get_data(as_text=True)
    assert free_text in anonymous.get(with_text).get_data(as_text=True)
    summary = client.get("/studies/cx/summary").get_data(as_text=True)
    assert "new-share-url" not in summary  # shown once only
    ids = re.findall(r"/studies/cx/shares/(\d+)/revoke", summary)
    assert len(ids) == 2
    for share_id in ids:
        assert client.post(f"/studies/cx/shares/{share_id}/revoke").status_code == 302
    assert anonymous.get(without).status_code == 404 and anonymous.get(with_text).status_code == 404
    assert anonymous.get("/share/not-a-real-link").status_code == 404
    assert client.post(f"/studies/cx/shares/{ids[0]}/revoke").status_code == 404  # already revoked
    assert anonymous.post("/studies/cx/shares").status_code == 302  # researchers only: to the login


def test_live_counts_follow_the_study(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    assert client.get("/studies/cx/live.json").get_json() == {
        "participants": 6,
        "screened_out": 0,  # this study has no screener
        "finished": 6,
        "attempts": 18,
        "running": 0,
    }
    with app.app_context():
        version = seed.load(get_session(), tmp_path)
        ps = seed.sessions.start_session(get_session(), version, seed.DESKTOP_UA, "en")
        task = seed.studies.tasks_of(get_session(), version)[0]
        seed.attempts.start_attempt(get_session(), ps, task)
    assert client.get("/studies/cx/live.json").get_json()["running"] == 1
    assert app.test_client().get("/studies/cx/live.json").status_code == 401  # JSON for a script


def test_probe_runs_csv(app: Flask, tmp_path: Path) -> None:
    from uxlab import probe_uploads

    client = signed_in(app, tmp_path)
    with app.app_context():
        db = get_session()
        secret = probe_uploads.create_token(db, "cx", "ci")
        runs = [{"metrics": {"lcp_ms": v, "cls": 0.01}, "score": 0.9} for v in (1200.0, 1500.0, 1300.0)]
        report = complete_report(
            {
                "build": {"commit": "=cmd|' /C calc'!A0"},
                "pages": [
                    {"path": "/", "profile": "desktop", "runs": runs, "representative_run": 2},
                    {"path": "/", "profile": "mobile", "runs": runs[::-1]},
                ],
            }
        )
        probe_uploads.store_upload(db, probe_uploads.authenticate(db, f"Bearer {secret}"), report)
    rows = rows_of(client.get("/studies/cx/probes.csv"))
    assert [(r["profile"], r["run"], r["lcp_ms"]) for r in rows] == [
        ("desktop", "0", "1200.0"),
        ("desktop", "1", "1500.0"),
        ("desktop", "2", "1300.0"),
        ("mobile", "0", "1300.0"),
        ("mobile", "1", "1500.0"),
        ("mobile", "2", "1200.0"),
    ]
    assert rows[2]["representative"] == "true" and rows[0]["commit"].startswith("'=")
    assert len(rows_of(client.get("/studies/cx/probes.csv?device=phone"))) == 3


def test_results_sent_through_the_http_apis_reach_the_summary(app: Flask, tmp_path: Path) -> None:
    """A participant's events via POST /api/v1/events and a probe report via POST /api/v1/probes."""
    from uxlab import probe_uploads

    client = signed_in(app, tmp_path, people=None)
    with app.app_context():
        db = get_session()
        version = seed.load(db, tmp_path)
        ps = seed.sessions.start_session(db, version, seed.PHONE_UA, "en")
        tasks = {t.key: t for t in seed.studies.tasks_of(db, version)}
        tokens = [seed.attempts.start_attempt(db, ps, tasks[key]).token for key in ("find", "buy")]
        secret = probe_uploads.create_token(db, "cx", "ci")
    pages = [("find", "/"), ("find", "/support"), ("find", "/support/helpdesk"), ("buy", "/contact")]
    for i, (key, path) in enumerate(pages):
        token = tokens[0] if key == "find" else tokens[1]
        event = {"id": f"ev{i}", "type": "pageview", "url": seed.SITE + path, "t": 10 * i}
        assert client.post("/api/v1/events", json={"token": token, "events": [event]}).status_code == 200
    give_up = {"id": "ev-g", "type": "give_up", "t": 50}
    assert client.post("/api/v1/events", json={"token": tokens[1], "events": [give_up]}).get_json()["ended"]
    runs = [{"metrics": {"lcp_ms": 4200.0, "cls": 0.05}, "score": 0.5}]
    report = complete_report({"pages": [{"path": "/", "profile": "mobile", "runs": runs}]})
    posted = client.post("/api/v1/probes", json=report, headers={"Authorization": f"Bearer {secret}"})
    assert posted.status_code == 201
    data = client.get("/studies/cx/summary.json").get_json()
    tasks_out = {t["key"]: t for t in data["tasks"]}
    assert (tasks_out["find"]["successes"], tasks_out["find"]["direct"]) == (1, 1)
    assert tasks_out["buy"]["give_ups"] == 1 and tasks_out["buy"]["failure_pages"] == [
        {"page": "/contact", "count": 1}
    ]
    assert data["pages"][0]["ratings"]["lcp_ms"] == "poor"  # 4200 ms > 4000 ms (web.dev)
    assert tasks_out["find"]["page_status"] == "poor"  # the task starts on the poor page
    assert {f["key"]: f["value"] for f in data["headline"]}["cwv_pass_rate"] == 0.0
