"""The Alembic migrations and the SQLModel tables describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlmodel import SQLModel

import uxlab.models  # noqa: F401  (registers the tables)
from uxlab import db


def test_models_and_migrations_agree(any_app: Flask) -> None:
    with any_app.app_context(), db.get_engine().connect() as connection:
        context = MigrationContext.configure(connection)
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree; run `make migrations`: {diff}"


def test_upgrade_is_idempotent(app: Flask) -> None:
    with app.app_context():
        db.upgrade(db.get_engine())  # a second upgrade on a current schema changes nothing
        with db.get_engine().connect() as connection:
            version = MigrationContext.configure(connection).get_current_revision()
    assert version == "0001_initial"
