"""The audit trail: who signed in, failed to, opened or closed a study, made tokens and links (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask
from sqlmodel import select

from tests.results_seed import seed_results
from uxlab import audit, auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.security_models import AuditEvent

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _events(app: Flask) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        rows = get_session().exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        return [(e.action, e.actor, e.study_slug) for e in rows]


def test_actions_are_recorded_and_shown_on_the_audit_page(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed_results(get_session(), tmp_path)
    client: Any = any_app.test_client()
    wrong = {"email": " ANA@example.org", "password": "not the password"}
    assert client.post("/login", data=wrong, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 401
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    client.post("/studies/shop/close")
    client.post("/studies/shop/open")
    made = client.post("/studies/shop/probes", data={"label": "CI"}).get_data(as_text=True)
    upload_token = re.search(r'id="new-token"[^>]*>([^<]+)<', made)
    assert upload_token
    client.post("/studies/shop/shares", data={})
    share_id = re.search(
        r"/studies/shop/shares/(\d+)/revoke", client.get("/studies/shop/summary").get_data(as_text=True)
    )
    assert share_id
    client.post(f"/studies/shop/shares/{share_id.group(1)}/revoke")
    page = client.get("/audit")
    assert page.status_code == 200
    client.post("/logout")
    assert _events(any_app) == [
        ("sign_in_failed", EMAIL, None),
        ("sign_in", EMAIL, None),
        ("study_closed", EMAIL, "shop"),
        ("study_opened", EMAIL, "shop"),
        ("token_created", EMAIL, "shop"),
        ("share_created", EMAIL, "shop"),
        ("share_revoked", EMAIL, "shop"),
        ("sign_out", EMAIL, None),
    ]
    html = page.get_data(as_text=True)
    for shown in ("failed to sign in", "closed the study", "created an upload token", "revoked a share link"):
        assert shown in html
    # Neither the client address, the password typed, nor any secret made is kept.
    with any_app.app_context():
        stored = repr(get_session().exec(select(AuditEvent)).all())
    for secret in ("203.0.113.9", "not the password", PASSWORD, upload_token.group(1)):
        assert secret not in stored and secret not in html
    assert client.get("/audit").status_code == 302  # signed out: to the sign-in page


def test_a_password_change_on_the_command_line_is_recorded(app: Flask) -> None:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_SECRET_KEY": "test-secret"}
    args = ["users", "set-password", EMAIL, "--password-stdin"]
    assert CliRunner().invoke(cli, args, input="a brand new password\n", env=env).exit_code == 0
    assert _events(app) == [("password_changed", EMAIL, None)]


def test_the_audit_page_pages(app: Flask) -> None:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        for _ in range(150):
            audit.record(get_session(), "sign_in_failed", actor="mallory@example.org")
    client: Any = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    first = client.get("/audit").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("<tr>") == 101  # the header row and 100 events
    assert "signed in" in first  # the newest first
    second = client.get("/audit?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 52
    assert client.get("/audit?page=1e9").status_code == 400
