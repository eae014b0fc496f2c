"""The demo file with one edit, and the checks every refused file must pass (README "Scenario files").

A broken file gets one line naming the file, the line and the field, never a traceback;
``uxlab scenarios check`` and ``load`` exit 1 and store nothing; the editor answers with
the same problem instead of a 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import select

from uxlab import auth, scenarios
from uxlab.cli import cli
from uxlab.db import get_session
from uxlab.errors import ScenarioError
from uxlab.models import StudyVersion

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
HELPDESK_LINES = len(HELPDESK.read_text(encoding="utf-8").splitlines())  # appended text starts after


def helpdesk_with(old: str, new: str) -> str:
    """The demo file with its one occurrence of ``old`` replaced by ``new`` (``old`` empty: appended)."""
    text = HELPDESK.read_text(encoding="utf-8")
    if not old:
        return text + new
    assert text.count(old) == 1, f"{old!r} is not in the demo file once"
    return text.replace(old, new)


def refusal(path: Path) -> ScenarioError:
    """The problem ``scenarios.load`` reports first, checked to be one line that starts with its place."""
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    error = caught.value
    for problem in error.problems():
        assert "\n" not in problem.message and problem.message.startswith(f"{path}:"), problem.message
    return error


def assert_refused(path: Path, line: int, field: str, fragment: str) -> None:
    """``path`` is refused at ``line`` and ``field`` by the loader and by ``uxlab scenarios check``."""
    error = refusal(path)
    assert (error.path, error.line, error.field) == (str(path), line, field), error.message
    assert error.message.startswith(f"{path}:{line}: {field}: "), error.message
    assert fragment in error.reason, error.message
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines()[0] == error.message


def signed_in(app: Flask) -> Any:
    """A test client signed in as a researcher (the editor's routes need one)."""
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
    client = app.test_client()
    login = {"email": "ana@example.org", "password": "correct horse battery"}
    assert client.post("/login", data=login).status_code == 302
    return client


def assert_load_stores_nothing(app: Flask, path: Path, line: int, field: str) -> None:
    """``uxlab scenarios load`` refuses ``path`` at ``line`` and ``field``, exits 1 and stores no version."""
    env = {"UXLAB_DATABASE_URL": app.config["DATABASE_URL"], "UXLAB_SECRET_KEY": "test-secret"}
    loaded = CliRunner().invoke(cli, ["scenarios", "load", str(path)], env=env)
    assert isinstance(loaded.exception, SystemExit) and loaded.exit_code == 1, loaded.output
    assert loaded.output.startswith(f"{path}:{line}: {field}: ") and "nothing stored" in loaded.output
    with app.app_context():
        assert get_session().exec(select(StudyVersion)).first() is None


def assert_nothing_stored_anywhere(app: Flask, path: Path, line: int, field: str) -> None:
    """``scenarios load`` exits 1 and the editor's check and save refuse the text (no 500); no version."""
    assert_load_stores_nothing(app, path, line, field)
    text = path.read_bytes().decode("utf-8")
    client = signed_in(app)
    checked = client.post("/studio/check", json={"scenario": text}, headers={"Accept": "application/json"})
    assert checked.status_code == 200 and checked.json["ok"] is False
    assert checked.json["problems"][0]["line"] == line and checked.json["problems"][0]["field"] == field
    saved = client.post("/studio/save", data={"scenario": text})
    assert saved.status_code == 400 and "Not saved" in saved.text
    with app.app_context():
        assert get_session().exec(select(StudyVersion)).first() is None
