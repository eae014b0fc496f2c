"""A probe stopped from outside: Ctrl-C exits 130, a browser that dies exits 2, each one line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.probe.sites import serve_test_site
from uxlab.config import chromium_path
from uxlab.probe.loop import run_to_end

# A Chromium that runs until told, then is killed (the browser and its child processes).
DYING_CHROMIUM = """#!/bin/sh
"$REAL_CHROMIUM" "$@" &
browser=$!
while [ ! -e "$KILL_FILE" ]; do sleep 0.1; done
pkill -KILL -P "$browser"
kill -KILL "$browser"
wait
"""


def _start(url: str, tmp_path: Path, *extra: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start a probe of five runs one at a time in its own session, as a terminal would."""
    args = [sys.executable, "-c", "from uxlab.cli import main; main()", "probe", "--url", url]
    args += ["--runs", "5", "--parallel", "1", "--profile", "desktop", *extra]
    return subprocess.Popen(
        args,
        cwd=tmp_path,
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.fixture
def stopped_at_end() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started: killed (their whole session) and reaped when it ends, pass or fail."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def _after_first_run(process: subprocess.Popen[str]) -> list[str]:
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("[1/5]"):
            return seen
    raise AssertionError(f"the probe ended before its first run: {''.join(seen)}")


@pytest.fixture
def own_site() -> Iterator[str]:
    """A test site for this test alone: a browser killed mid-load can leave a shared one stuck."""
    with serve_test_site() as url:
        yield url


def _processes_with(marker: str) -> list[int]:
    """Live processes (not zombies) whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            ours = marker.encode() in (entry / "environ").read_bytes()
            if ours and "\nState:\tZ" not in (entry / "status").read_text():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.browser
def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing_behind(
    own_site: str, tmp_path: Path, stopped_at_end: list[subprocess.Popen[str]]
) -> None:
    marker = f"UXLAB_TEST_RUN={uuid.uuid4()}"
    out = tmp_path / "report.json"
    process = _start(own_site + "/fast", tmp_path, "--json", str(out), env=dict([marker.split("=")]))
    stopped_at_end.append(process)
    _after_first_run(process)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C signals the terminal's whole foreground group
    _, rest = process.communicate(timeout=60)
    assert (process.returncode, rest) == (130, "uxlab: interrupted\n")
    assert not out.exists()
    assert _processes_with(marker) == []


@pytest.mark.browser
def test_a_browser_that_dies_mid_run_is_one_line_and_exit_2(
    own_site: str, tmp_path: Path, stopped_at_end: list[subprocess.Popen[str]]
) -> None:
    wrapper = tmp_path / "dying-chromium"
    wrapper.write_text(DYING_CHROMIUM)
    wrapper.chmod(0o755)
    kill_file = tmp_path / "kill-now"
    env = {"REAL_CHROMIUM": chromium_path(probe=True) or "", "KILL_FILE": str(kill_file)}
    process = _start(own_site + "/fast", tmp_path, "--chromium", str(wrapper), env=env)
    stopped_at_end.append(process)
    _after_first_run(process)
    kill_file.touch()
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 2, rest
    assert rest.startswith("uxlab: the browser closed unexpectedly") and rest.count("\n") == 1, rest


@pytest.fixture
def dying_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """DYING_CHROMIUM for a browser launched in this process, and the file that kills it."""
    wrapper = tmp_path / "dying-chromium"
    wrapper.write_text(DYING_CHROMIUM)
    wrapper.chmod(0o755)
    kill_file = tmp_path / "kill-now"
    monkeypatch.setenv("REAL_CHROMIUM", chromium_path(probe=True) or "")
    monkeypatch.setenv("KILL_FILE", str(kill_file))
    return wrapper, kill_file


@pytest.mark.browser
def test_work_waiting_on_a_browser_that_dies_stops_at_once(dying_browser: tuple[Path, Path]) -> None:
    # Playwright can leave a call on a dead browser unanswered (seen: new_page, evaluate);
    # the work here never ends on its own, so only the watch on the browser can stop it.
    from uxlab.errors import ProbeError
    from uxlab.probe.browser import BROWSER_CLOSED, open_browsers, while_connected

    wrapper, kill_file = dying_browser
    never = asyncio.Event()

    async def go() -> None:
        async with open_browsers(str(wrapper), 2) as browsers:
            asyncio.get_running_loop().call_later(0.5, kill_file.touch)
            await asyncio.wait_for(while_connected(browsers, never.wait()), 30)

    with pytest.raises(ProbeError) as raised:
        run_to_end(go)
    assert raised.value.message == BROWSER_CLOSED


@pytest.mark.browser
def test_work_on_connected_browsers_returns_its_result() -> None:
    from uxlab.probe.browser import open_browsers, while_connected

    async def go() -> int:
        async with open_browsers("", 1) as browsers:
            page = await browsers[0].new_page()
            return int(await while_connected(browsers, page.evaluate("6 * 7")))

    assert run_to_end(go) == 42


@pytest.mark.browser
def test_a_pdf_whose_browser_dies_mid_print_is_a_probe_error(
    tmp_path: Path, dying_browser: tuple[Path, Path]
) -> None:
    # Thousands of pages: the print takes half a minute, so it is still going when the
    # browser is killed. (Not an image that never loads: the print fetches nothing.)
    from uxlab.errors import ProbeError
    from uxlab.probe.browser import BROWSER_CLOSED, open_browser
    from uxlab.probe.pdf import html_to_pdf

    wrapper, kill_file = dying_browser
    html = "<p>report</p>" * 100_000

    async def go() -> None:
        async with open_browser(str(wrapper)) as browser:
            asyncio.get_running_loop().call_later(1, kill_file.touch)
            await html_to_pdf(browser, html, tmp_path / "report.pdf")

    with pytest.raises(ProbeError) as raised:
        run_to_end(go)
    assert raised.value.message == BROWSER_CLOSED
    assert not (tmp_path / "report.pdf").exists()
