"""Alembic environment: the engine comes from uxlab.db (config.attributes['engine'])."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import uxlab.models
import uxlab.security_models  # noqa: F401

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
