"""What to probe and where to write, checked before any browser starts: one line, exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from uxlab.cli import cli

NO_BROWSER = ["--chromium", "/nonexistent/chrome", "--runs", "1", "--profile", "desktop"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ((), "uxlab: give a scenario file or --url: uxlab probe SCENARIO | --url URL"),
        (
            ("--url", "http://127.0.0.1:1/", "--server", "http://127.0.0.1:1"),
            "uxlab: --server is for a scenario whose site is a path on it; with --url give whole URLs",
        ),
        (
            ("--url", "/demo/"),
            "uxlab: --url /demo/: give an absolute http:// or https:// URL (e.g. http://127.0.0.1:5000/)",
        ),
        (
            ("--url", "http://127.0.0.1:1/", "--url", "127.0.0.1:5000/demo"),
            "uxlab: --url 127.0.0.1:5000/demo: give an absolute http:// or https:// URL "
            "(e.g. http://127.0.0.1:5000/)",
        ),
        (
            ("--url", "http://127.0.0.1:1/", "--markdown", "/proc/summary.txt"),
            "uxlab: --markdown /proc/summary.txt: cannot write /proc/summary.txt: No such file or directory",
        ),
    ],
)
def test_targets_and_report_files_are_checked_before_the_run(args: tuple[str, ...], line: str) -> None:
    result = CliRunner().invoke(cli, ["probe", *args, *NO_BROWSER])
    assert (result.exit_code, result.stderr) == (2, line + "\n")
