"""``uxlab scenarios check --live URL`` fetches each start page from a real server (issue 11, point 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from uxlab.cli import cli

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def ours(stderr: str, path: Path) -> list[str]:
    """The command's lines (the live server in this process logs its requests to stderr too)."""
    return [line for line in stderr.splitlines() if line.startswith(str(path))]


def test_live_check_reports_a_start_page_that_is_not_there(live_server: Any, tmp_path: Path) -> None:
    good = CliRunner().invoke(cli, ["scenarios", "check", str(HELPDESK), "--live", live_server.url])
    assert (good.exit_code, ours(good.stderr, HELPDESK)) == (0, []), good.stderr  # every start page: 200
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data["tasks"][1]["start"] = "/no-such-page"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["scenarios", "check", str(broken), "--live", live_server.url])
    task = data["tasks"][1]["id"]
    line = broken.read_text(encoding="utf-8").splitlines().index("  start: /no-such-page") + 1
    url = f"{live_server.url}/demo/no-such-page"
    expected = f"{broken}:{line}: tasks[1].start: start page {url} answered 404 (task {task})"
    assert (result.exit_code, ours(result.stderr, broken)) == (1, [expected])
    assert result.stdout == ""  # valid, but not ok: it used to say "ok (helpdesk, 4 tasks)" and exit 1
    assert "uxlab: 1 scenario file(s) with a start page that does not answer" in result.stderr


def test_live_check_reports_a_server_that_does_not_answer(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scenarios", "check", str(HELPDESK), "--live", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "start page http://127.0.0.1:9/demo could not be fetched" in result.stderr
