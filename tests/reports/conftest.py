"""Fixtures of the report tests: a database session in the app of ``any_app`` (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import Session

from uxlab import db as uxdb


@pytest.fixture
def session(any_app: Flask) -> Iterator[Session]:
    with any_app.app_context(), Session(uxdb.get_engine(), expire_on_commit=False) as s:
        yield s
