"""``--runs`` stops at the report schema's maximum, before any browser starts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from uxlab import probe_report
from uxlab.cli import cli

ROOT = Path(__file__).resolve().parents[2]
NO_BROWSER = ["--chromium", "/nonexistent/chrome", "--profile", "desktop"]


def test_runs_above_the_schema_maximum_are_refused_before_the_run() -> None:
    most = probe_report.schema()["properties"]["runs"]["maximum"]
    args = ["probe", "--url", "http://127.0.0.1:1/", *NO_BROWSER, "--runs", str(most + 2)]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (
        2,
        f"uxlab: runs must be at most {most} (the report schema's limit), got {most + 2}\n",
    )
    # At the maximum the run goes on (here to the missing browser).
    result = CliRunner().invoke(cli, [*args[:-1], str(most)])
    assert result.exit_code == 2 and "no Chromium at /nonexistent/chrome (--chromium)" in result.stderr
    # the same path from the setting names the setting
    from_setting = ["probe", "--url", "http://127.0.0.1:1/", "--runs", "1", "--profile", "desktop"]
    result = CliRunner().invoke(cli, from_setting, env={"UXLAB_CHROMIUM_PATH": "/nonexistent/chrome"})
    assert result.exit_code == 2, result.output
    assert "no Chromium at /nonexistent/chrome (UXLAB_CHROMIUM_PATH)" in result.stderr
    help_text = CliRunner().invoke(cli, ["probe", "--help"]).output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"at most {most}" in " ".join(help_text.split())
    assert f"at most {most}" in readme[readme.index("### `uxlab probe") :][:3000]
