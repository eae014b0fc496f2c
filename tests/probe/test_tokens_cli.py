"""``uxlab tokens create``: a token for an existing study, stored only as its sha256."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from uxlab import db as database
from uxlab.app import create_app
from uxlab.cli import cli
from uxlab.models import ApiToken
from uxlab.probe.store import hash_token

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def test_tokens_create_stores_only_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "sqlite:///" + str(tmp_path / "cli.sqlite")
    monkeypatch.setenv("UXLAB_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["scenarios", "load", str(HELPDESK)]).exit_code == 0

    result = runner.invoke(cli, ["tokens", "create", "helpdesk", "--label", "CI"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("uxp_") and len(secret) > 40

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        tokens = database.get_session().exec(select(ApiToken)).all()
        assert [(t.token_hash, t.label) for t in tokens] == [(hash_token(secret), "CI")]
    app.extensions["uxlab.engine"].dispose()

    missing = runner.invoke(cli, ["tokens", "create", "no-such-study"])
    assert missing.exit_code == 1
    assert missing.output.strip() == "uxlab: no study 'no-such-study'"
