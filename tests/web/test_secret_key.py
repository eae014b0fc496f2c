"""Issue 12 (High): no public default secret key; serving needs a key; the demo keeps its own."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import flask
import pytest
from flask import Flask

from tests.conftest import ROOT, make_test_app
from uxlab import auth, db
from uxlab.app import create_app
from uxlab.demo.setup import DEMO_EMAIL, prepare_demo

OLD_PUBLIC_DEFAULT = "dev-only-change-me"  # the key every install used until it was removed


def _signed_session(app: Flask, secret: str, session_id: str) -> str:
    """Sign a session cookie naming ``session_id`` the way Flask does, with ``secret``."""
    kept = app.secret_key
    app.secret_key = secret
    try:
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        assert serializer is not None
        return str(serializer.dumps({auth.SESSION_KEY: session_id}))
    finally:
        app.secret_key = kept


def _researcher(app: Flask) -> int:
    with app.app_context():
        user = auth.create_user(db.get_session(), "r@example.org", "a long enough password")
        assert user.id is not None
        return user.id


def test_cookie_signed_with_the_old_default_is_refused(app: Flask) -> None:
    user_id = _researcher(app)
    with app.test_request_context(), app.app_context():  # a real server-side session of that user
        db_session = db.get_session()
        user = db_session.get(auth.User, user_id)
        assert user is not None
        auth.login(db_session, user)
        session_id = flask.session[auth.SESSION_KEY]
    client = app.test_client()
    client.set_cookie("session", _signed_session(app, OLD_PUBLIC_DEFAULT, session_id))
    forged = client.get("/studies")
    assert forged.status_code == 302 and "/login" in forged.headers["Location"]
    # The same cookie signed with the app's own key is accepted, so the refusal above is the key's.
    client.set_cookie("session", _signed_session(app, str(app.secret_key), session_id))
    assert client.get("/studies").status_code == 200


def test_app_without_a_key_serves_no_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UXLAB_SECRET_KEY", raising=False)
    app = make_test_app(tmp_path, SECRET_KEY="", WTF_CSRF_ENABLED=True)
    user_id = _researcher(app)
    client = app.test_client()
    client.set_cookie("session", _signed_session(app, OLD_PUBLIC_DEFAULT, user_id))
    refused = client.get("/studies", headers={"Accept": "application/json"})
    assert refused.status_code == 500
    assert "UXLAB_SECRET_KEY is not set" in refused.get_data(as_text=True)
    assert client.get("/login").status_code == 500
    signing_in = client.post("/login", data={"email": "r@example.org", "password": "a long enough password"})
    assert signing_in.status_code == 500 and "UXLAB_SECRET_KEY is not set" in signing_in.get_data(
        as_text=True
    )
    app.extensions["uxlab.engine"].dispose()


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "UXLAB_SECRET_KEY"}
    environ |= {"UXLAB_DATABASE_URL": "sqlite:///" + str(tmp_path / "u.sqlite"), **env}
    # A server that wrongly starts would never return: the timeout turns that into a failure.
    return subprocess.run(
        args, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "uxlab.cli", "serve", "--port", "0"],
        [sys.executable, "-c", "import uxlab.wsgi"],
    ],
    ids=["uxlab serve", "uxlab.wsgi"],
)
def test_serving_refuses_to_start_without_a_key(command: list[str], tmp_path: Path) -> None:
    # A migrated database, so that the missing key, not the schema, is what stops the server.
    upgraded = _run([sys.executable, "-m", "uxlab.cli", "db", "upgrade"], tmp_path, PYTHONPATH=str(ROOT))
    assert upgraded.returncode == 0, upgraded.stderr
    result = _run(command, tmp_path, PYTHONPATH=str(ROOT))
    assert result.returncode == 1
    assert result.stderr.startswith("uxlab: UXLAB_SECRET_KEY is not set")
    assert result.stderr.count("\n") == 1, result.stderr


def test_wsgi_starts_with_a_key(tmp_path: Path) -> None:
    result = _run([sys.executable, "-c", "import uxlab.wsgi"], tmp_path, UXLAB_SECRET_KEY="k" * 32)
    assert (result.returncode, result.stderr) == (0, "")


def _signed_in_cookie(app: Flask, password: str) -> str:
    client = app.test_client()
    response = client.post("/login", data={"email": DEMO_EMAIL, "password": password})
    assert response.status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_demo_keeps_its_generated_key_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UXLAB_SECRET_KEY", raising=False)
    settings = {"INSTANCE_PATH": str(tmp_path / "instance"), "WTF_CSRF_ENABLED": False}
    first = create_app(settings)
    setup = prepare_demo(first, with_data=False)
    assert setup.secret_key_file == tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(setup.secret_key_file.stat().st_mode) == 0o600
    assert len(str(first.secret_key)) >= 32
    assert setup.password is not None
    cookie = _signed_in_cookie(first, setup.password)
    first.extensions["uxlab.engine"].dispose()

    restarted = create_app(settings)
    again = prepare_demo(restarted, with_data=False)
    assert again.secret_key_file == setup.secret_key_file
    assert restarted.secret_key == first.secret_key
    client = restarted.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/studies").status_code == 200
    restarted.extensions["uxlab.engine"].dispose()


def test_demo_uses_a_configured_key(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "configured-key"})
    assert prepare_demo(app, with_data=False).secret_key_file is None
    assert app.secret_key == "configured-key"
    assert not (tmp_path / "instance" / "secret_key").exists()
    app.extensions["uxlab.engine"].dispose()
