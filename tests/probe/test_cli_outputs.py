"""``uxlab probe`` checks its report files and artifacts folder before it runs: a mistyped
folder costs one line (exit 2), not a whole probe run and a traceback at its end."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from uxlab.cli import cli
from uxlab.errors import ProbeError
from uxlab.probe.cli import write_report

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
# Without the check the probe would start: this keeps it from reaching a browser at all.
NO_BROWSER = ["--chromium", "/nonexistent/chrome", "--runs", "1", "--profile", "desktop"]


@pytest.mark.parametrize("option", ["--json", "--junit", "--markdown"])
@pytest.mark.parametrize("folder", ["missing", "a-file"])
def test_a_report_file_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, option: str, folder: str
) -> None:
    (tmp_path / "a-file").write_text("a file, not a folder\n")
    target = tmp_path / folder / "report.out"
    result = CliRunner().invoke(
        cli, ["probe", "--url", "http://127.0.0.1:1/", *NO_BROWSER, option, str(target)]
    )
    why = f"no folder {target.parent}" if folder == "missing" else f"{target.parent} is not a folder"
    assert (result.exit_code, result.stderr) == (2, f"uxlab: {option} {target}: {why}\n")


def test_a_report_file_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["probe", "--url", "http://127.0.0.1:1/", *NO_BROWSER, "--json", str(tmp_path)]
    )
    assert (result.exit_code, result.stderr) == (2, f"uxlab: --json {tmp_path}: {tmp_path} is a folder\n")


def test_an_artifacts_path_that_is_a_file_is_refused_when_task_paths_run(tmp_path: Path) -> None:
    taken = tmp_path / "probe-artifacts"
    taken.write_text("a file, not a folder\n")
    args = ["probe", str(HELPDESK), "--server", "http://127.0.0.1:1", *NO_BROWSER, "--artifacts", str(taken)]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (2, f"uxlab: --artifacts {taken}: not a folder\n")


@pytest.fixture
def files_up_to_4_kib() -> Iterator[None]:
    """This process may write files of 4 KiB at most (a full disk, for one file); Python
    ignores SIGXFSZ, so a longer write fails with EFBIG."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_report_that_cannot_be_written_whole_leaves_the_previous_one(
    tmp_path: Path, files_up_to_4_kib: None
) -> None:
    report = tmp_path / "probe.json"
    report.write_text('{"previous": true}\n')
    with pytest.raises(ProbeError) as raised:
        write_report(str(report), "x" * 10_000)
    assert raised.value.message.startswith(f"cannot write {report}: File too large")
    assert report.read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probe.json"]


def test_a_report_is_written_whole_with_nothing_beside_it(tmp_path: Path) -> None:
    report = tmp_path / "summary.txt"
    report.write_text("an older and longer report\n" * 100)
    write_report(str(report), "# uxlab probe\n")
    assert report.read_text() == "# uxlab probe\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.txt"]


def test_a_report_to_a_device_is_written_in_place() -> None:
    # /dev/full takes the open and refuses the write: in place, not a new file beside it in /dev
    with pytest.raises(ProbeError) as raised:
        write_report("/dev/full", "report\n")
    assert raised.value.message == "cannot write /dev/full: No space left on device"
