"""The Alembic migrations and the SQLModel tables describe the same schema; revisions convert stored data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import uxlab.models  # noqa: F401  (registers the tables)
from uxlab import db

# times in seconds as 0001 stored them -> whole milliseconds, rounded to the nearest (halves up)
TIMES = {
    1: (12.5, 12500),
    2: (3000.0, 3000000),
    3: (0.4, 400),
    4: (29.123, 29123),  # 29.123 * 1000 is 29122.999999999996 in binary
    5: (7.2346, 7235),
    6: (0.0004, 0),
    7: (None, None),
}


def test_models_and_migrations_agree(any_app: Flask) -> None:
    with any_app.app_context(), db.get_engine().connect() as connection:
        context = MigrationContext.configure(connection)
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree; add a revision: {diff}"


def test_upgrade_is_idempotent(app: Flask) -> None:
    with app.app_context():
        db.upgrade(db.get_engine())  # a second upgrade on a current schema changes nothing
        with db.get_engine().connect() as connection:
            version = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(db.alembic_config(db.get_engine())).get_current_head()
    assert version == head


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine over an empty database (SQLite file or PostgreSQL schema)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    made = db.make_engine(url or "sqlite:///" + str(tmp_path / "old.sqlite"))
    yield made
    made.dispose()


def _seed_0001(engine: Engine) -> None:
    """One study, task and session with an attempt per entry of TIMES, as revision 0001 stores them."""
    statements = [
        "INSERT INTO study (id, slug, title, is_open, created_at) VALUES (1, 's', 'S', true, '2026-11-30')",
        "INSERT INTO studyversion (id, study_id, number, content_hash, source_path, scenario, created_at) "
        "VALUES (1, 1, 1, 'h', '', '{}', '2026-11-30')",
        "INSERT INTO task (id, study_version_id, key, position, prompt, criterion_kind, stage, touchpoint, "
        "time_limit_s) VALUES (1, 1, 't', 0, 'p', 'url', 'awareness', '', 7200)",
        "INSERT INTO participantsession (id, public_id, study_version_id, started_at, device_class, "
        "user_agent, language, task_order) VALUES (1, 'p', 1, '2026-11-30', 'desktop', '', 'en', '[]')",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        for attempt_id, (seconds, _) in TIMES.items():
            conn.execute(
                text(
                    "INSERT INTO attempt (id, session_id, task_id, token, started_at, outcome, "
                    "time_on_task_s, path, click_count) "
                    "VALUES (:id, 1, 1, :token, '2026-11-30', 'success', :s, '[]', 0)"
                ),
                {"id": attempt_id, "token": f"a{attempt_id}", "s": seconds},
            )


def _column(engine: Engine, name: str) -> dict[int, object]:
    with engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(text(f"SELECT id, {name} FROM attempt"))}


def test_times_become_whole_milliseconds_and_back(engine: Engine) -> None:
    db.upgrade(engine, "0001_initial")
    _seed_0001(engine)
    db.upgrade(engine)
    assert _column(engine, "time_on_task_ms") == {i: ms for i, (_, ms) in TIMES.items()}
    with engine.connect() as conn:  # the summary's covering index holds the new column
        index = next(ix for ix in inspect(conn).get_indexes("attempt") if ix["name"] == "ix_attempt_summary")
    assert index["column_names"][-1] == "time_on_task_ms"
    command.downgrade(db.alembic_config(engine), "0001_initial")
    back = {i: None if ms is None else ms / 1000 for i, (_, ms) in TIMES.items()}
    assert _column(engine, "time_on_task_s") == back
