"""Researcher pages: sign-in, CSRF, the study list, open/close, the raw attempts table."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from itsdangerous import TimestampSigner
from sqlmodel import select

from tests.conftest import make_test_app
from tests.results_seed import Seeded, seed_results
from uxlab import audit, auth
from uxlab.cli import cli
from uxlab.cli.command import CLI_ACTOR
from uxlab.db import database_url, get_session
from uxlab.models import Study

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _seeded(app: Flask, tmp_path: Path) -> Seeded:
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        return seed_results(get_session(), tmp_path)


def _csrf(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token field"
    return match.group(1).decode()


def _sign_in(client: Any) -> None:
    token = _csrf(client.get("/login").data)
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def _is_open(app: Flask, slug: str) -> bool:
    with app.app_context():
        return get_session().exec(select(Study).where(Study.slug == slug)).one().is_open


@pytest.mark.parametrize("path", ["/studies", "/studies/shop/attempts?page=2", "/studies/nope/attempts"])
def test_pages_need_a_login(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    login_page = app.test_client().get(response.headers["Location"])
    assert f'name="next" value="{path}"'.replace("&", "&amp;").encode() in login_page.data


def test_home_leads_to_the_study_list(app: Flask) -> None:
    assert app.test_client().get("/").headers["Location"] == "/studies"


def test_sign_in_goes_to_next_and_refuses_wrong_passwords(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    client = app.test_client()
    wrong = client.post("/login", data={"email": EMAIL, "password": "not the password"})
    assert wrong.status_code == 401
    assert b"do not match" in wrong.data
    assert client.get("/studies").status_code == 302
    ok = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/studies/shop/attempts"})
    assert ok.headers["Location"] == "/studies/shop/attempts"
    assert client.get("/studies").status_code == 200
    client.post("/logout")
    assert client.get("/studies").status_code == 302


def test_sign_in_never_redirects_off_site(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    data = {"email": EMAIL, "password": PASSWORD, "next": "https://evil.example/"}
    response = app.test_client().post("/login", data=data)
    assert response.headers["Location"] == "/studies"


def test_csrf_token_is_required(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    _seeded(app, tmp_path)
    client = app.test_client()
    no_token = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert no_token.status_code == 400
    assert b"CSRF token is missing" in no_token.data
    _sign_in(client)
    assert client.post("/studies/shop/close").status_code == 400
    assert client.post("/studies/shop/close", data={"csrf_token": "forged"}).status_code == 400
    assert _is_open(app, "shop")
    token = _csrf(client.get("/studies").data)
    assert client.post("/studies/shop/close", data={"csrf_token": token}).status_code == 302
    assert not _is_open(app, "shop")
    # A page left open for two hours still posts (the token lives as long as the session).
    with pytest.MonkeyPatch.context() as clock:
        # Only CSRF tokens are dated back; the session cookie is signed as usual.
        hours_ago = lambda self: int(time.time()) - (7200 if self.salt == b"wtf-csrf-token" else 0)  # noqa: E731
        clock.setattr(TimestampSigner, "get_timestamp", hours_ago)
        old_token = _csrf(client.get("/studies").data)
    assert client.post("/studies/shop/open", data={"csrf_token": old_token}).status_code == 302
    assert _is_open(app, "shop")
    # JSON APIs authenticate with tokens, not cookies: no CSRF check there.
    api = client.post("/api/v1/events", json={})
    assert b"CSRF" not in api.data
    assert api.is_json
    app.extensions["uxlab.engine"].dispose()


def test_study_list_shows_counts_and_links(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    client = app.test_client()
    _sign_in(client)
    page = client.get("/studies").get_data(as_text=True)
    row = page[page.index("Shopping at Acme") :]
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    assert cells[0] == "1"  # version
    assert "Open" in cells[1]
    assert cells[2:4] == ["2", "1"]  # sessions started, finished
    assert "http://127.0.0.1:5000/s/shop" in page
    assert "Signed in as ana@example.org" in page


def test_close_and_open_a_study(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    client = app.test_client()
    _sign_in(client)
    closed = client.post("/studies/shop/close", follow_redirects=True)
    assert "is now closed" in closed.get_data(as_text=True)
    assert not _is_open(app, "shop")
    if "participant" in app.blueprints:
        assert client.get("/s/shop").status_code == 410
    client.post("/studies/shop/open")
    assert _is_open(app, "shop")
    if "participant" in app.blueprints:
        assert client.get("/s/shop").status_code == 200
    assert client.post("/studies/nope/close").status_code == 404


def test_attempts_table_shows_seeded_attempts(app: Flask, tmp_path: Path) -> None:
    seeded = _seeded(app, tmp_path)
    client = app.test_client()
    _sign_in(client)
    page = client.get("/studies/shop/attempts").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 4
    first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0].replace("<wbr>", ""))).split()
    path = ["/", "/support", "/support/helpdesk"]
    # answer ("–": a url task) and language columns; paths wrap only after "/" (<wbr>), not mid-word
    rest = ["–", "6", "1", "desktop", "en"]
    data = [seeded.ana[:8], "find-helpdesk", "success", "12.5", "2", *path, *rest]
    assert first[: len(data)] == data
    # the last columns: the participant's Exclude and Delete buttons
    assert first[len(data)] == "Exclude" and "Delete" in first[len(data) :]
    assert "/<wbr>support/<wbr>helpdesk" in rows[0]
    assert 'href="/studies/shop/attempts.csv?excluded=1" download>' in page  # as the page: everyone
    assert "give_up" in rows[2] and "phone" in rows[2]
    assert "in progress" in rows[3]
    assert "4 attempts" in page


def test_attempts_table_pages(app: Flask, tmp_path: Path) -> None:
    seeded = _seeded(app, tmp_path)
    client = app.test_client()
    _sign_in(client)
    first = client.get("/studies/shop/attempts?per_page=3").get_data(as_text=True)
    assert first.count("<code title=") == 3
    assert "Page 1 of 2" in first
    assert 'href="/studies/shop/attempts?page=2&amp;per_page=3" rel="next"' in first
    second = client.get("/studies/shop/attempts?page=2&per_page=3").get_data(as_text=True)
    assert second.count("<code title=") == 1
    assert seeded.ben[:8] in second and seeded.ana[:8] not in second
    assert client.get("/studies/shop/attempts?page=0").status_code == 400
    assert client.get("/studies/nope/attempts").status_code == 404


def test_cli_opens_and_closes_studies(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    closed = CliRunner().invoke(cli, ["studies", "close", "shop"], env=env)
    assert closed.exit_code == 0, closed.output
    assert "study shop is now closed" in closed.output
    assert not _is_open(app, "shop")
    assert CliRunner().invoke(cli, ["studies", "open", "shop"], env=env).exit_code == 0
    assert _is_open(app, "shop")
    unknown = CliRunner().invoke(cli, ["studies", "close", "nope"], env=env)
    assert unknown.exit_code == 1
    assert "uxlab: no study 'nope'" in unknown.output
    # as the web page's buttons, each is in the audit trail; the unknown study is not
    with app.app_context():
        trail = audit.recent(get_session())
    assert [(e.action, e.actor, e.study_slug) for e in trail[:2]] == [
        ("study_opened", CLI_ACTOR, "shop"),
        ("study_closed", CLI_ACTOR, "shop"),
    ]
    assert all(e.study_slug != "nope" for e in trail)


def test_the_close_button_is_in_the_audit_trail_with_who_pressed_it(app: Flask, tmp_path: Path) -> None:
    _seeded(app, tmp_path)
    client = app.test_client()
    _sign_in(client)
    assert client.post("/studies/shop/close").status_code == 302
    with app.app_context():
        newest = audit.recent(get_session())[0]
    assert (newest.action, newest.actor, newest.study_slug) == ("study_closed", EMAIL, "shop")


def test_session_cookie_flags(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, PUBLIC_URL="https://ux.example.org")
    _seeded(app, tmp_path)
    response = app.test_client().post("/login", data={"email": EMAIL, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    app.extensions["uxlab.engine"].dispose()


def test_failed_sign_ins_are_limited_per_email_from_one_client(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, LOGIN_MAX_FAILURES=3)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        auth.create_user(get_session(), "ben@example.org", PASSWORD)

    def sign_in(email: str, password: str, client_ip: str) -> Any:
        client = app.test_client()
        return client.post(
            "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": client_ip}
        )

    for _ in range(3):
        assert sign_in(EMAIL, "wrong password!", "10.0.0.1").status_code == 401
    refused = sign_in(EMAIL, PASSWORD, "10.0.0.1")  # the right password no longer helps
    assert refused.status_code == 429
    assert b"too many failed sign-ins" in refused.data
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    # Only that email from that address: nobody can lock a researcher out from elsewhere.
    assert sign_in(EMAIL, PASSWORD, "10.0.0.2").status_code == 302
    assert sign_in("ben@example.org", PASSWORD, "10.0.0.1").status_code == 302
    app.extensions["uxlab.engine"].dispose()


def test_behind_trusted_proxies_the_limit_keys_on_the_forwarded_client(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, LOGIN_MAX_FAILURES=2, TRUSTED_PROXIES=1)
    (tmp_path / "direct").mkdir()
    direct = make_test_app(tmp_path / "direct", LOGIN_MAX_FAILURES=2)
    for each in (app, direct):
        with each.app_context():
            auth.create_user(get_session(), EMAIL, PASSWORD)

    def sign_in(target: Flask, password: str, forwarded_for: str) -> Any:
        return target.test_client().post(
            "/login",
            data={"email": EMAIL, "password": password},
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},  # the proxy
        )

    for _ in range(2):
        assert sign_in(app, "wrong password!", "203.0.113.5").status_code == 401
    assert sign_in(app, PASSWORD, "203.0.113.5").status_code == 429
    # Another client behind the same proxy is not locked out by the first one's guesses.
    assert sign_in(app, PASSWORD, "198.51.100.7").status_code == 302
    # Without TRUSTED_PROXIES the header is ignored (a client could forge it): one key, the proxy.
    for client in ("203.0.113.5", "198.51.100.7"):
        assert sign_in(direct, "wrong password!", client).status_code == 401
    assert sign_in(direct, PASSWORD, "192.0.2.1").status_code == 429
    for each in (app, direct):
        each.extensions["uxlab.engine"].dispose()
