"""A failed upload after a run: the reports and the budget table first, then one line, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.probe.servers import answering
from uxlab.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _failing_scenario(tmp_path: Path, site: str) -> Path:
    """The helpdesk scenario probing the test site's /fast page under a budget it cannot meet."""
    text = (ROOT / "scenarios" / "helpdesk.yaml").read_text(encoding="utf-8")
    text = text.replace("base_url: /demo", f"base_url: {site}")
    start = text.index("  pages:")
    text = text[:start] + "  pages: [/fast]\n" + text[text.index("\n  budgets:", start) + 1 :]
    text = text.replace(
        "{metric: lcp_ms, max: 2500, level: error, aggregate: median}", "{metric: requests, max: 0}"
    )
    path = tmp_path / "failing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.browser
def test_a_failed_upload_after_a_failed_budget_exits_2_after_the_summary(
    test_site: str, tmp_path: Path
) -> None:
    scenario = _failing_scenario(tmp_path, test_site)
    junit = tmp_path / "probe.xml"
    with answering(502, b"<html>Bad gateway</html>", {"Content-Type": "text/html"}) as server:
        args = ["probe", str(scenario), "--runs", "1", "--profile", "desktop", "--no-tasks"]
        args += ["--junit", str(junit), "--upload", server.url, "--token", "uxp_x"]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "requests" in result.stdout and "FAIL" in result.stdout.upper()  # the budget table
    assert result.stderr.splitlines()[-1] == (
        f"uxlab: upload to {server.url}/api/v1/probes failed: refused (502): Bad Gateway"
    )
    assert "<failure" in junit.read_text(encoding="utf-8")  # the reports were written all the same
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    exit_status = re.search(r"Exit status: 0 all\s+good;.*?one\s+line\.", readme, re.S)
    assert exit_status is not None
    assert "upload failed" in " ".join(exit_status.group(0).split())
