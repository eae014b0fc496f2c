"""Shared fixtures: real SQLite files, real PostgreSQL schemas, a live server, real Chromium.

PostgreSQL tests use UXLAB_TEST_POSTGRES_URL (default: the local server's `test`
database); each test gets its own schema, so xdist workers never collide. When
UXLAB_REQUIRE_POSTGRES / UXLAB_REQUIRE_BROWSER are set (CI does), a missing server or
browser fails the run instead of skipping.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from werkzeug.serving import BaseWSGIServer, make_server

from uxlab import db
from uxlab.app import create_app
from uxlab.config import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("UXLAB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _unavailable(what: str, env: str, reason: str) -> None:
    if os.environ.get(env):
        pytest.fail(f"{what} is required here ({env} is set) but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


def make_test_app(tmp_path: Path, database_url: str = "", **config: Any) -> Flask:
    """Build an app over a fresh migrated database (SQLite file in tmp_path by default)."""
    url = database_url or "sqlite:///" + str(tmp_path / "uxlab.sqlite")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
            "PUBLIC_URL": "http://127.0.0.1:5000",
            # Test-client tests post forms without tokens; live servers (real browsers) keep CSRF on.
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.upgrade(db.get_engine())
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app over a fresh SQLite file."""
    application = make_test_app(tmp_path)
    yield application
    application.extensions["uxlab.engine"].dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the PostgreSQL server, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        _unavailable("PostgreSQL", "UXLAB_REQUIRE_POSTGRES", str(error).splitlines()[0])
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The same test on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    application = make_test_app(tmp_path, url)
    yield application
    application.extensions["uxlab.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


class LiveServer:
    """A real HTTP server for an app on a free local port, in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app served on a free port; PUBLIC_URL points at it."""
    server_app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with LiveServer(server_app) as server:
        server_app.config["PUBLIC_URL"] = server.url
        yield server
    server_app.extensions["uxlab.engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test worker (Debian's when present), back/forward cache on as in Chrome.

    A page left by a link may then be kept and restored by Back (``pageshow`` with
    ``persisted``, no ``load``): wait for ``go_back(wait_until="commit")``.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable("Playwright", "UXLAB_REQUIRE_BROWSER", str(error))
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[*CHROMIUM_ARGS, "--enable-features=BackForwardCache"],
            # Playwright turns the page cache off by default; Chrome has it on (issue 11).
            ignore_default_args=["--disable-back-forward-cache"],
        )
    except Exception as error:
        pw.stop()
        _unavailable("Chromium", "UXLAB_REQUIRE_BROWSER", str(error).splitlines()[0])
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many PostgreSQL and real-browser tests passed, so a CI log shows they ran."""
    passed = [r for r in terminalreporter.stats.get("passed", []) if r.when == "call"]
    skipped = terminalreporter.stats.get("skipped", [])
    for marker, label in (("postgres", "PostgreSQL"), ("browser", "real-Chromium")):
        ran = sum(1 for r in passed if marker in r.keywords)
        not_ran = sum(1 for r in skipped if marker in getattr(r, "keywords", {}))
        terminalreporter.write_line(f"uxlab: {label} tests passed: {ran}, skipped: {not_ran}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they use, so the summary above counts every one of them."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"browser", "page"}:
            item.add_marker(pytest.mark.browser)
        if "postgres_url" in fixtures:
            item.add_marker(pytest.mark.postgres)
