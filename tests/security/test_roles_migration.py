"""Migration 0008_roles: accounts made before roles become admins; studies keep their rows (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from uxlab import db

BEFORE = "0007_security_disabled_accounts"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    made = db.make_engine(url or "sqlite:///" + str(tmp_path / "old.sqlite"))
    yield made
    made.dispose()


def _rows(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(query))]


def test_accounts_from_before_roles_become_admins(engine: Engine) -> None:
    db.upgrade(engine, BEFORE)
    with engine.begin() as conn:
        for n, email in enumerate(("ana@example.org", "ben@example.org"), 1):
            conn.execute(
                text('INSERT INTO "user" (id, email, password_hash, created_at) VALUES (:id, :e, :h, :at)'),
                {"id": n, "e": email, "h": "x", "at": "2026-12-01"},
            )
        # a study with a version: rows that reference it, which the upgrade must keep
        conn.execute(
            text(
                "INSERT INTO study (id, slug, title, is_open, created_at) "
                "VALUES (1, 's', 'S', true, '2026-12-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO studyversion (id, study_id, number, content_hash, source_path, scenario, "
                "created_at) "
                "VALUES (1, 1, 1, 'h', '', '{}', '2026-12-01')"
            )
        )
    db.upgrade(engine)
    assert _rows(engine, 'SELECT email, role FROM "user" ORDER BY id') == [
        ("ana@example.org", "admin"),
        ("ben@example.org", "admin"),
    ]
    assert _rows(engine, "SELECT slug, owner_id FROM study") == [("s", None)]  # no owner: admins only
    with engine.begin() as conn:  # an account written without a role later gets the lesser one
        conn.execute(
            text(
                'INSERT INTO "user" (id, email, password_hash, created_at) '
                "VALUES (3, 'c@x.org', 'x', '2026-12-02')"
            )
        )
    assert _rows(engine, 'SELECT role FROM "user" WHERE id = 3') == [("researcher",)]
    command.downgrade(db.alembic_config(engine), BEFORE)
    assert _rows(engine, "SELECT id FROM studyversion") == [(1,)]
