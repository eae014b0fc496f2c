"""30 parallel wrong sign-ins against 3 gunicorn workers admit at most the limit (issue 12).

Real gunicorn processes over one real database (SQLite file or PostgreSQL schema): the
limit must hold across processes, and check and count must be one step, or parallel
guesses all pass the check before any of them is counted.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from uxlab import auth
from uxlab.db import get_session

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"
LIMIT = 10
GUESSES = 30
WORKERS = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Gunicorn:
    """``gunicorn -w 3 uxlab.wsgi:app`` on a free port, logging each request's worker pid."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.port = _free_port()
        self.log, self.access = tmp_path / "gunicorn.log", tmp_path / "access.log"
        env = {
            **os.environ,
            "UXLAB_DATABASE_URL": database_url,
            "UXLAB_SECRET_KEY": "gunicorn-test-secret",
            "UXLAB_LOGIN_MAX_FAILURES": str(LIMIT),
        }
        args = [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}"]
        args += ["--access-logfile", str(self.access), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen([*args, "uxlab.wsgi:app"], env=env, cwd=tmp_path, stderr=log)

    def wait_until_ready(self) -> None:
        """Wait until every worker has booted and the server answers."""
        deadline = time.monotonic() + 180  # three workers importing uxlab on a busy machine
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            booted = self.log.read_text().count("Booting worker")
            if booted >= WORKERS and self.get("/healthz")[0] == 200:
                return
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not start: {self.log.read_text()}")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        except OSError:
            return 0, {}, ""

    def post_form(self, path: str, form: dict[str, str], cookie: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", path, body=urllib.parse.urlencode(form), headers=headers)
        return conn.getresponse().status

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def gunicorn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gunicorn]:
    """Three gunicorn workers over a fresh database with one researcher account."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    app = make_test_app(tmp_path, url)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    app.extensions["uxlab.engine"].dispose()
    server = Gunicorn(app.config["DATABASE_URL"], tmp_path)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def test_parallel_wrong_sign_ins_admit_at_most_the_limit(gunicorn: Gunicorn) -> None:
    status, headers, page = gunicorn.get("/login")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"email": EMAIL, "password": "not the password", "csrf_token": token.group(1)}
    start = threading.Barrier(GUESSES)

    def guess(_: int) -> int:
        start.wait()
        return gunicorn.post_form("/login", form, cookie)

    with ThreadPoolExecutor(GUESSES) as pool:
        statuses = list(pool.map(guess, range(GUESSES)))
    assert statuses.count(401) == LIMIT, statuses
    assert statuses.count(429) == GUESSES - LIMIT, statuses
    # The guesses really were spread over the workers (each with its own memory).
    posts = [line.split() for line in gunicorn.access.read_text().splitlines() if " POST /login " in line]
    assert len({pid for pid, *_ in posts}) >= 2, posts
    # The right password is refused too until the window passes, by every worker.
    form["password"] = PASSWORD
    assert {gunicorn.post_form("/login", form, cookie) for _ in range(WORKERS * 2)} == {429}
