"""Fixtures the participant tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import Session

from uxlab.db import get_session


@pytest.fixture
def any_db(any_app: Flask) -> Iterator[Session]:
    """A session on the app's database: the same test on SQLite and on PostgreSQL."""
    with any_app.app_context():
        yield get_session()
