"""Which Chromium prints PDF reports: UXLAB_CHROMIUM_PATH when set, else the full browser
(README, Settings: "probes use /usr/bin/chromium-headless-shell when installed, reports
/usr/bin/chromium"), for ``uxlab report`` and the summary page's PDF alike."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from uxlab.cli import cli
from uxlab.config import FULL_BROWSERS, HEADLESS_SHELL
from uxlab.db import database_url

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def test_report_refuses_a_chromium_path_that_does_not_exist(app: Flask, tmp_path: Path) -> None:
    """Runs without Chromium: the setting is checked before Playwright starts."""
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_CHROMIUM_PATH": str(tmp_path / "no-chrome")}
    assert CliRunner().invoke(cli, ["scenarios", "load", str(HELPDESK)], env=env).exit_code == 0
    out = tmp_path / "helpdesk.pdf"
    result = CliRunner().invoke(cli, ["report", "helpdesk", "--pdf", str(out)], env=env)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr.startswith(f"uxlab: no Chromium at {tmp_path / 'no-chrome'} (UXLAB_CHROMIUM_PATH)")
    assert len(result.stderr.splitlines()) == 1 and not out.exists()


def _descendants() -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [os.getpid()]
    while todo:
        children = [pid for pid, parent in parents.items() if parent == todo[-1]]
        todo.pop()
        found.update(children)
        todo.extend(children)
    return found


def _chromiums_while(action: Callable[[], object]) -> set[str]:
    """The Chromium programs this process started while ``action`` ran (their file names);
    not the ``browser`` fixture's, which run already."""
    seen: set[str] = set()
    done = threading.Event()
    before = _descendants()

    def watch() -> None:
        while not done.is_set():
            for pid in _descendants() - before:
                with contextlib.suppress(OSError):  # ended meanwhile
                    seen.add(Path(os.readlink(f"/proc/{pid}/exe")).name)
            done.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        action()
    finally:
        done.set()
        watcher.join()
    return {name for name in seen if name.startswith("chromium")}


needs_both = pytest.mark.skipif(
    not (Path(HEADLESS_SHELL).exists() and any(Path(b).exists() for b in FULL_BROWSERS)),
    reason="the full browser and the headless shell are not both installed",
)


@needs_both
@pytest.mark.browser
def test_report_prints_with_the_full_browser(app: Flask, tmp_path: Path, browser: object) -> None:
    # ``browser`` only skips this test where Chromium is missing; the command starts its own.
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    assert CliRunner().invoke(cli, ["scenarios", "load", str(HELPDESK)], env=env).exit_code == 0
    out = tmp_path / "helpdesk.pdf"
    args = ["report", "helpdesk", "--pdf", str(out)]
    seen = _chromiums_while(lambda: CliRunner().invoke(cli, args, env=env))
    assert out.exists()
    assert "chromium" in seen and "chromium-headless-shell" not in seen, seen


@needs_both
@pytest.mark.browser
def test_the_summary_pages_pdf_prints_with_the_full_browser(app: Flask, browser: object) -> None:
    from uxlab.reports.pdf import render_pdf

    with app.test_request_context():
        seen = _chromiums_while(lambda: render_pdf("<html><body><p>figures</p></body></html>"))
    assert "chromium" in seen and "chromium-headless-shell" not in seen, seen
