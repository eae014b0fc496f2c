"""Storing scenarios as study versions, on SQLite and PostgreSQL, through the API and the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import Session, func, select

from uxlab import db, studies
from uxlab.cli import cli
from uxlab.errors import NotFound, ScenarioError
from uxlab.models import Attempt, ParticipantSession, Study, StudyVersion, Task

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "helpdesk.yaml"
RunCli = Callable[..., tuple[int, str, str]]
BROKEN = sorted((ROOT / "tests" / "scenarios" / "broken").glob("*.yaml"))


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _session(app: Flask) -> Session:
    return Session(app.extensions["uxlab.engine"], expire_on_commit=False)


def _join(app: Flask, version: StudyVersion, public_id: str) -> ParticipantSession:
    assert version.id is not None
    with _session(app) as session:
        row = ParticipantSession(public_id=public_id, study_version_id=version.id, task_order=[])
        session.add(row)
        session.commit()
        return row


def test_load_stores_a_version_with_its_tasks(any_app: Flask) -> None:
    with _session(any_app) as session:
        version, created = studies.load_scenario_file(session, DEMO)
        assert created and version.number == 1
        assert version.source_path == str(DEMO)
        tasks = studies.tasks_of(session, version)
        assert [t.key for t in tasks][:1] == ["find-helpdesk"]
        assert {t.criterion_kind for t in tasks} == {"url", "click", "answer", "self_report"}
        assert studies.scenario_of(version).task("find-hotline").success.matches_answer("+15550100")
        study = studies.get_study(session, "helpdesk")
        assert study.title == "Getting help at Acme Networks" and study.is_open


def test_unchanged_file_changes_nothing(any_app: Flask, tmp_path: Path) -> None:
    copy = tmp_path / "helpdesk.yaml"
    shutil.copy(DEMO, copy)
    with _session(any_app) as session:
        first, _ = studies.load_scenario_file(session, copy)
        copy.write_text("# only a comment and a blank line more\n\n" + DEMO.read_text(), encoding="utf-8")
        again, created = studies.load_scenario_file(session, copy)
        assert not created and again.id == first.id
        assert (_count(session, StudyVersion), _count(session, Task)) == (1, 4)


def test_unchanged_file_stored_by_an_older_uxlab_changes_nothing(any_app: Flask, tmp_path: Path) -> None:
    """Versions stored with empty optional fields written out (before 2026-11-26) still match their file."""
    copy = tmp_path / "helpdesk.yaml"
    text = DEMO.read_text(encoding="utf-8")
    copy.write_text(text.replace("    touchpoint: Support ticket\n", ""), encoding="utf-8")
    with _session(any_app) as session:
        first, _ = studies.load_scenario_file(session, copy)
        tasks = first.scenario["tasks"]
        assert any("touchpoint" not in t for t in tasks)  # left out, not written as ""
        # What an older uxlab stored: every optional field, empty ones as "" or None.
        older_tasks = [{"touchpoint": "", "target_time_s": None, **t} for t in tasks]
        older = {**first.scenario, "tasks": older_tasks, "variant_of": None}
        first.scenario = older
        first.content_hash = hashlib.sha256(json.dumps(older, sort_keys=True).encode()).hexdigest()
        session.add(first)
        session.commit()
        again, created = studies.load_scenario_file(session, copy)
        assert not created and again.id == first.id
        # A stored version that today's rules refuse counts as different: a new version, no crash.
        first.scenario = {**older, "tasks": []}
        session.add(first)
        session.commit()
        newer, created = studies.load_scenario_file(session, copy)
        assert created and newer.number == 2
        assert (_count(session, StudyVersion), _count(session, Task)) == (2, 8)


def test_edited_file_is_a_new_version_and_results_keep_theirs(any_app: Flask, tmp_path: Path) -> None:
    copy = tmp_path / "helpdesk.yaml"
    shutil.copy(DEMO, copy)
    with _session(any_app) as session:
        v1, _ = studies.load_scenario_file(session, copy)
        old_task = studies.tasks_of(session, v1)[0]
    participant = _join(any_app, v1, "p-1")
    assert participant.id is not None and old_task.id is not None
    with _session(any_app) as session:
        session.add(Attempt(session_id=participant.id, task_id=old_task.id, token="tok-1", outcome="success"))
        session.commit()
    copy.write_text(DEMO.read_text().replace("Find the helpdesk portal.", "Find the support portal."))
    with _session(any_app) as session:
        v2, created = studies.load_scenario_file(session, copy)
        assert created and v2.number == 2
        study = studies.get_study(session, "helpdesk")
        assert studies.current_version(session, study).id == v2.id
        attempt = session.exec(select(Attempt).where(Attempt.token == "tok-1")).one()
        recorded_task = session.get(Task, attempt.task_id)
        assert recorded_task is not None and recorded_task.study_version_id == v1.id
        assert "helpdesk portal" in recorded_task.prompt
        assert "support portal" in studies.tasks_of(session, v2)[0].prompt
        assert session.get(ParticipantSession, participant.id).study_version_id == v1.id  # type: ignore[union-attr]


def test_list_studies_counts_participants_of_all_versions(any_app: Flask, tmp_path: Path) -> None:
    copy = tmp_path / "helpdesk.yaml"
    copy.write_text(DEMO.read_text(), encoding="utf-8")
    with _session(any_app) as session:
        v1, _ = studies.load_scenario_file(session, copy)
        other = DEMO.read_text().replace("slug: helpdesk", "slug: another")
        (tmp_path / "another.yaml").write_text(other, encoding="utf-8")
        studies.load_scenario_file(session, tmp_path / "another.yaml")
    _join(any_app, v1, "p-1")
    copy.write_text(DEMO.read_text().replace("time_limit_s: 180", "time_limit_s: 200", 1), encoding="utf-8")
    with _session(any_app) as session:
        v2, _ = studies.load_scenario_file(session, copy)
    _join(any_app, v2, "p-2")
    with _session(any_app) as session:
        listing = {row.study.slug: row for row in studies.list_studies(session)}
        assert list(listing) == ["another", "helpdesk"]
        assert (listing["helpdesk"].participants, listing["helpdesk"].version.number) == (2, 2)
        assert (listing["another"].participants, listing["another"].finished) == (0, 0)


def test_open_and_close(any_app: Flask) -> None:
    with _session(any_app) as session:
        studies.load_scenario_file(session, DEMO)
        assert studies.set_open(session, "helpdesk", False, actor="test").is_open is False
    with _session(any_app) as session:
        assert studies.get_study(session, "helpdesk").is_open is False
        with pytest.raises(NotFound):
            studies.set_open(session, "no-such-study", True, actor="test")


def test_refused_files_store_nothing(any_app: Flask) -> None:
    assert len(BROKEN) >= 10
    with _session(any_app) as session:
        for path in BROKEN:
            with pytest.raises(ScenarioError) as caught:
                studies.load_scenario_file(session, path)
            assert caught.value.line is not None and caught.value.field, path.name
            assert caught.value.message.startswith(f"{path}:{caught.value.line}: {caught.value.field}: ")
        assert [_count(session, m) for m in (Study, StudyVersion, Task)] == [0, 0, 0]


@pytest.fixture
def run_cli(any_app: Flask, monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run ``uxlab ...`` against the test database, as a researcher would from a shell."""
    monkeypatch.setenv("UXLAB_DATABASE_URL", db.database_url(any_app))
    monkeypatch.setenv("UXLAB_SECRET_KEY", "test-secret")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_cli_load_reports_versions(run_cli: RunCli, any_app: Flask, tmp_path: Path) -> None:
    copy = tmp_path / "helpdesk.yaml"
    shutil.copy(DEMO, copy)
    assert run_cli("scenarios", "load", str(copy)) == (0, "helpdesk: stored version 1\n", "")
    assert run_cli("scenarios", "load", str(copy)) == (0, "helpdesk: unchanged (version 1)\n", "")
    copy.write_text(DEMO.read_text().replace("target_time_s: 40", "target_time_s: 45"), encoding="utf-8")
    assert run_cli("scenarios", "load", str(tmp_path)) == (0, "helpdesk: stored version 2\n", "")


def test_cli_refuses_broken_files_and_stores_nothing(run_cli: RunCli, any_app: Flask, tmp_path: Path) -> None:
    broken = ROOT / "tests" / "scenarios" / "broken" / "bad_stage.yaml"
    code, out, err = run_cli("scenarios", "load", str(DEMO), str(broken))
    assert code == 1 and out == ""
    assert f"{broken}:10: tasks[0].stage: got text 'retension' (did you mean 'retention'?" in err
    with _session(any_app) as session:
        assert _count(session, StudyVersion) == 0
    twin = tmp_path / "twin.yaml"
    shutil.copy(DEMO, twin)
    code, _, err = run_cli("scenarios", "check", str(DEMO), str(twin))
    assert code == 1 and f"{twin}:" in err and ": slug: 'helpdesk' is also the slug of" in err


def test_cli_check_accepts_every_scenario_file(run_cli: RunCli) -> None:
    code, out, err = run_cli("scenarios", "check", str(ROOT / "scenarios"))
    assert (code, err) == (0, "")
    assert f"{DEMO}: ok (helpdesk, 4 tasks)" in out
