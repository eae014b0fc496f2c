"""`uxlab scenarios check` reports every problem of a file in one run, whatever its field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from uxlab import scenarios
from uxlab.cli import cli
from uxlab.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]

# No consent (required), an unknown top-level key, and in the tasks: a bad stage, a task
# without a prompt whose stage and limit are wrong too, a bad ideal-path step, a bad
# selector. Each used to hide the ones after it (the missing consent hid all the others).
EVERYTHING_WRONG = """\
slug: everything
title: Everything wrong
site: {base_url: /demo}
colour: blue
tasks:
  - id: one
    prompt: Find it.
    success: {url: /support}
    stage: nowhere
  - id: two
    success: {url: /x}
    stage: later
    time_limit_s: 1
  - id: three
    prompt: Click it.
    success: {click: "a:contains(x)"}
    stage: retention
    ideal_path: [{jump: /}]
"""
EXPECTED = [
    (1, "consent"),
    (4, "colour"),
    (9, "tasks[0].stage"),
    (10, "tasks[1].prompt"),
    (12, "tasks[1].stage"),
    (13, "tasks[1].time_limit_s"),
    (16, "tasks[2].success.click"),
    (18, "tasks[2].ideal_path[0].jump"),
]


def test_every_problem_is_reported_whatever_its_field(tmp_path: Path) -> None:
    path = tmp_path / "everything.yaml"
    path.write_text(EVERYTHING_WRONG, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    assert [(p.line, p.field) for p in caught.value.problems()] == EXPECTED
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path)])
    assert result.exit_code == 1
    reported = [line.split(": ")[1] for line in result.output.splitlines() if line.startswith(str(path))]
    assert reported == [field for _, field in EXPECTED]


def test_a_misspelt_required_key_is_one_problem_not_two() -> None:
    text = EVERYTHING_WRONG.replace("title: Everything wrong\n", "titel: Everything wrong\nconsent: ok\n")
    with pytest.raises(ScenarioError) as caught:
        scenarios.loads(text)
    fields = [p.field for p in caught.value.problems()]
    assert "titel" in fields and "title" not in fields
    assert "did you mean 'title'?" in caught.value.problems()[fields.index("titel")].message


UNDER_A_BASE = """\
slug: under-a-base
title: Under a base path
consent: You agree.
site: {base_url: /demo/products}
tasks:
  - id: ok
    prompt: Open the X200.
    success: {url: /router-x200}
    stage: consideration
  - id: doubled
    prompt: Open the X100.
    start: /demo/products
    success: {url: /demo/products/router-x100}
    stage: consideration
    ideal_path: [{goto: /router-x100}, {goto: "/demo/products/router-x100?ref=1"}]
"""


def test_check_warns_about_paths_that_repeat_the_base_and_still_accepts_the_file(tmp_path: Path) -> None:
    path = tmp_path / "under.yaml"
    path.write_text(UNDER_A_BASE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path)])
    assert result.exit_code == 0 and f"{path}: ok (under-a-base, 2 tasks)" in result.stdout
    warned = [line.split(": ")[2] for line in result.stderr.splitlines()]
    assert warned == ["tasks[1].start", "tasks[1].success.url", "tasks[1].ideal_path[1].goto"]
    assert "'/demo/products/demo/products'" in result.stderr
    assert scenarios.path_warnings(scenarios.load(ROOT / "scenarios" / "helpdesk.yaml")) == []


def test_a_file_named_twice_is_checked_and_loaded_once(tmp_path: Path) -> None:
    from tests.conftest import make_test_app

    folder = tmp_path / "studies"
    folder.mkdir()
    file = folder / "helpdesk.yaml"
    file.write_text((ROOT / "scenarios" / "helpdesk.yaml").read_text())
    (tmp_path / "same").symlink_to(folder)
    for paths in (
        [file, folder / ".." / "studies" / "helpdesk.yaml"],
        [folder, file],
        [file, tmp_path / "same"],
    ):
        result = CliRunner().invoke(cli, ["scenarios", "check", *map(str, paths)])
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{file}: ok (helpdesk, 4 tasks)\n"  # the first spelling, once
    app = make_test_app(tmp_path)
    env = {"UXLAB_DATABASE_URL": app.config["DATABASE_URL"], "UXLAB_SECRET_KEY": "test-secret"}
    loaded = CliRunner().invoke(cli, ["scenarios", "load", str(folder), str(file)], env=env)
    assert loaded.exit_code == 0 and loaded.stdout == "helpdesk: stored version 1\n", loaded.output
    app.extensions["uxlab.engine"].dispose()


ONE_TASK = """\
slug: {slug}
title: One task
consent: You agree.
site: {{base_url: /demo}}
tasks:
  - {{id: one, prompt: Find it., success: self_report, stage: {stage}}}
"""


def test_check_prints_each_files_result_when_another_is_refused(tmp_path: Path) -> None:
    # the ok lines of the good files were not printed once any file was refused
    (tmp_path / "a.yaml").write_text(ONE_TASK.format(slug="a", stage="awareness"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(ONE_TASK.format(slug="b", stage="later"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(UNDER_A_BASE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scenarios", "check", str(tmp_path)])
    assert result.exit_code == 1
    a, b, c = (str(tmp_path / name) for name in ("a.yaml", "b.yaml", "c.yaml"))
    assert result.stdout == f"{a}: ok (a, 1 task)\n{c}: ok (under-a-base, 2 tasks)\n"
    refused = [line for line in result.stderr.splitlines() if not line.startswith(f"{c}: warning")]
    assert refused == [
        f"{b}:6: tasks[0].stage: got text 'later' (expected one of: "
        "awareness, consideration, purchase, retention, advocacy)",
        "uxlab: 1 scenario file(s) refused; nothing stored",
    ]


def test_line_of_places_a_field_or_else_the_nearest_part_written(tmp_path: Path) -> None:
    # how check --live places a start page that fails: file:line: tasks[i].start
    path = tmp_path / "under.yaml"
    path.write_text(UNDER_A_BASE, encoding="utf-8")
    assert scenarios.line_of(path, "tasks[1].start") == 12
    assert scenarios.line_of(path, "tasks[0].start") == 6  # not written: the task's line
    assert scenarios.line_of(path, "tasks[7].start") == 6  # no such task: the tasks' line
    assert scenarios.line_of(tmp_path / "missing.yaml", "tasks[0].start") is None
