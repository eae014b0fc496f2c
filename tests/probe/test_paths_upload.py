"""Task paths on the demo study, and probe results uploaded to a running server."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import flask
import pytest
from click.testing import CliRunner
from jinja2 import ChoiceLoader, FileSystemLoader

from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.cli import cli
from uxlab.db import get_session
from uxlab.errors import ProbeError
from uxlab.probe.runner import Plan, execute, plan_from_scenario
from uxlab.probe.upload import upload

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "helpdesk.yaml"


def _task_plan(server_url: str, profiles: int = 1) -> Plan:
    plan = plan_from_scenario(scenarios.load(HELPDESK), server_url, runs=1)
    return Plan(pages=(), profiles=plan.profiles[:profiles], runs=1, tasks=plan.tasks, site_url=plan.site_url)


def test_demo_study_paths_pass_on_desktop_and_phone(
    probe_browser: Any, live_server: Any, tmp_path: Path
) -> None:
    plan = _task_plan(live_server.url, profiles=2)
    assert [p.name for p in plan.profiles] == ["desktop", "mobile"]
    report = probe_browser.run(execute(probe_browser.browser, plan, artifacts=tmp_path))
    ids = ["find-helpdesk", "open-ticket", "find-hotline", "router-warranty"]
    assert [(t.id, t.profile) for t in report.tasks] == [(i, p) for i in ids for p in ("desktop", "mobile")]
    assert all(t.passed for t in report.tasks), report.tasks
    assert report.summary.exit_code == 0
    assert not (tmp_path / "s").exists()  # no failure screenshots


def test_renamed_link_fails_naming_the_step(probe_browser: Any, live_server: Any, tmp_path: Path) -> None:
    # Fixture: the demo portal page with its helpdesk link renamed (a copy of the real template).
    original = (ROOT / "templates" / "demo" / "portal.html").read_text(encoding="utf-8")
    assert 'id="helpdesk-link"' in original
    (tmp_path / "tpl" / "demo").mkdir(parents=True)
    renamed = original.replace('id="helpdesk-link"', 'id="helpdesk-portal-link"')
    (tmp_path / "tpl" / "demo" / "portal.html").write_text(renamed, encoding="utf-8")
    env = live_server.app.jinja_env
    env.loader = ChoiceLoader([FileSystemLoader(str(tmp_path / "tpl")), env.loader])

    plan = _task_plan(live_server.url)
    # Two tasks keep it quick: a failing click waits out the step timeout (5 s).
    plan = dataclasses.replace(
        plan, tasks=tuple(t for t in plan.tasks if t.id in {"find-helpdesk", "find-hotline"})
    )
    report = probe_browser.run(execute(probe_browser.browser, plan, artifacts=tmp_path / "shots"))
    tasks = {t.id: t for t in report.tasks}
    broken = tasks["find-helpdesk"]
    assert not broken.passed
    assert broken.failed_step == 3
    assert broken.error is not None and broken.error.startswith("step 3 (click: a#helpdesk-link) failed")
    assert broken.screenshot is not None
    assert Path(broken.screenshot).name == "task-find-helpdesk-desktop.png"
    assert Path(broken.screenshot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tasks["find-hotline"].passed
    assert report.summary.exit_code == 1


def test_upload_appears_in_history_and_tokens_are_checked(live_server: Any, tmp_path: Path) -> None:
    app = live_server.app
    text = HELPDESK.read_text(encoding="utf-8")
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        studies.store_scenario(db, scenarios.loads(text.replace("slug: helpdesk", "slug: other-study")))
        token = probe_uploads.create_token(db, "helpdesk", "CI")
        other_token = probe_uploads.create_token(db, "other-study")
        user = auth.create_user(db, "probe-researcher@example.org", "a long enough password 123")
    with app.test_request_context():  # a real server-side session, as signing in makes
        auth.login(get_session(), user)
        session_id = flask.session[auth.SESSION_KEY]
    out = tmp_path / "report.json"
    args = ["probe", str(HELPDESK), "--server", live_server.url, "--runs", "1", "--profile", "desktop"]
    args += [
        "--no-tasks",
        "--json",
        str(out),
        "--upload",
        live_server.url,
        "--token",
        token,
        "--commit",
        "abc1234def",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "uploaded: " in result.output

    client = app.test_client()
    with client.session_transaction() as session:
        session[auth.SESSION_KEY] = session_id
    listing = client.get("/studies/helpdesk/probes").get_data(as_text=True)
    assert "path=/products" in listing and "Create upload token" in listing
    page = client.get("/studies/helpdesk/probes/page?path=/products")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "abc1234" in html  # the upload's build label
    assert "<svg" in html and "budget" in html  # the chart with the budget line (lcp_ms <= 2500)

    report = json.loads(out.read_text(encoding="utf-8"))
    with pytest.raises(ProbeError, match=r"\(401\)"):
        upload(live_server.url, "uxp_wrong", report)
    with pytest.raises(ProbeError, match=r"\(403\)"):
        upload(live_server.url, other_token, report)
    bad = client.post("/api/v1/probes", json={"schema": "nope"}, headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "schema"
