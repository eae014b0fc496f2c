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
from uxlab.probe_uploads import hash_token

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


def test_tokens_list_and_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UXLAB_DATABASE_URL", "sqlite:///" + str(tmp_path / "cli.sqlite"))
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["scenarios", "load", str(HELPDESK)]).exit_code == 0
    secret = runner.invoke(cli, ["tokens", "create", "helpdesk", "--label", "CI"]).output.strip()
    runner.invoke(cli, ["tokens", "create", "helpdesk", "--label", "laptop"])

    listed = runner.invoke(cli, ["tokens", "list", "helpdesk"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.output.splitlines()]
    assert [(r[0], r[2], r[3]) for r in rows] == [("1", "never used", "CI"), ("2", "never used", "laptop")]
    assert secret not in listed.output

    revoked = runner.invoke(cli, ["tokens", "revoke", "helpdesk", "1"])
    assert revoked.exit_code == 0 and revoked.output.strip() == "token 1 of helpdesk revoked"
    assert [
        line.split("\t")[0] for line in runner.invoke(cli, ["tokens", "list", "helpdesk"]).output.splitlines()
    ] == ["2"]
    again = runner.invoke(cli, ["tokens", "revoke", "helpdesk", "1"])
    assert again.exit_code == 1 and again.output.strip() == "uxlab: no upload token 1 in study 'helpdesk'"
