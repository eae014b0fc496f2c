"""Usage and setup errors of ``uxlab probe``: one line, exit status 2, before any browser starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from uxlab.cli import cli

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["probe", *args])
    return result.exit_code, result.output.strip()


@pytest.mark.parametrize("runs", ["0", "-1"])
def test_runs_below_one_is_a_usage_error(runs: str) -> None:
    code, output = _run("--url", "http://127.0.0.1:1/", "--runs", runs)
    assert code == 2
    assert "Invalid value for '--runs'" in output


def test_bad_scenario_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(HELPDESK.read_text(encoding="utf-8").replace("runs: 3 ", "runs: two "), encoding="utf-8")
    code, output = _run(str(bad), "--server", "http://127.0.0.1:1")
    assert code == 2
    assert len(output.splitlines()) == 1
    assert output.startswith(f"uxlab: {bad}:") and "probe.runs" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a scenario file or --url"),
        ((str(HELPDESK),), "pass --server http://HOST:PORT"),
        (
            (str(HELPDESK), "--server", "http://127.0.0.1:1", "--profile", "tablet"),
            "unknown profile 'tablet'",
        ),
        (("--url", "http://127.0.0.1:1/", "--runs", "2"), "runs must be an odd number"),
        (("--url", "http://127.0.0.1:1/", "--upload", "http://127.0.0.1:1"), "--upload needs --token"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    args: tuple[str, ...], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UXLAB_PROBE_TOKEN", raising=False)
    code, output = _run(*args)
    assert code == 2, output
    assert output.startswith("uxlab: ") and message in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("urls", "profiles", "runs", "browsers"),
    [
        (5, ("desktop",), 3, 6),  # unthrottled: the observation windows set the pace
        (5, ("lighthouse-mobile",), 3, 4),  # CPU-throttled loads, one at a time, set it
        (5, ("desktop", "mobile"), 3, 4),  # one throttled profile is enough
        (1, ("desktop",), 3, 3),  # never more browsers than runs
        (1, ("desktop",), 1, 1),
    ],
)
def test_default_parallel_follows_the_profiles_and_the_runs(
    urls: int, profiles: tuple[str, ...], runs: int, browsers: int
) -> None:
    from uxlab.probe.cli import _plan, default_parallel

    plan = _plan(None, tuple(f"http://127.0.0.1:1/p{i}" for i in range(urls)), "", runs, profiles)
    assert default_parallel(plan) == browsers


def test_probes_prefer_the_headless_shell_and_a_configured_binary_wins(tmp_path: Path) -> None:
    from uxlab.config import HEADLESS_SHELL, chromium_path

    assert chromium_path(str(tmp_path / "mine"), probe=True) == str(tmp_path / "mine")
    if Path(HEADLESS_SHELL).exists():
        assert chromium_path(probe=True) == HEADLESS_SHELL
        assert chromium_path() != HEADLESS_SHELL or not Path("/usr/bin/chromium").exists()
    else:
        assert chromium_path(probe=True) == chromium_path()
