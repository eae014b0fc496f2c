"""Per-participant deletion (uxlab/participants/deletion.py), SQLite and PostgreSQL (issue 12).

The seed (tests/results_seed.py) records two participants through the product's own
functions: Ana (2 ended attempts with events and SEQ ratings, NPS and free text) and Ben
(1 ended attempt with events, 1 running). Each also gets an answer to a study
question and a screening row, added as rows (the seed's study has no such questions).
Expected counts are read from the database before the deletion, per table, so every
table of the schema is checked: Ana's rows go, Ben's stay, one audit row is added.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from tests.conftest import make_test_app
from tests.results_seed import Seeded, seed_results
from uxlab import auth, studies
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.errors import NotFound
from uxlab.models import (
    Attempt,
    Event,
    ParticipantSession,
    QuestionAnswer,
    QuotaCount,
    Response,
    Screening,
)
from uxlab.participants.deletion import delete_participant
from uxlab.security_models import AuditEvent

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _seed(app: Flask, folder: Path) -> Seeded:
    with app.app_context():
        db = get_session()
        auth.create_user(db, EMAIL, PASSWORD)
        seeded = seed_results(db, folder)
        version = studies.current_version(db, studies.get_study(db, "shop"))
        for public_id in (seeded.ana, seeded.ben):
            session = db.exec(
                select(ParticipantSession).where(ParticipantSession.public_id == public_id)
            ).one()
            db.add(QuestionAnswer(session_id=session.id, question_id="role", text="admin"))
            db.add(
                Screening(
                    study_id=version.study_id, study_version_id=version.id, public_id=public_id, passed=True
                )
            )
        db.add(QuotaCount(study_id=version.study_id, device="", finished=2))
        db.commit()
        return seeded


def _table_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        db = get_session()
        return {
            t.name: int(db.exec(select(func.count()).select_from(t)).one())  # type: ignore[call-overload]
            for t in SQLModel.metadata.sorted_tables
        }


def _rows_of(app: Flask, public_id: str) -> dict[str, int]:
    """How many rows of each participant table belong to ``public_id``."""
    with app.app_context():
        db: Session = get_session()
        ids = list(db.exec(select(ParticipantSession.id).where(ParticipantSession.public_id == public_id)))
        attempt_ids = list(db.exec(select(Attempt.id).where(col(Attempt.session_id).in_(ids))))

        def count(model: Any, where: Any) -> int:
            return int(db.exec(select(func.count()).select_from(model).where(where)).one())

        return {
            "participantsession": len(ids),
            "attempt": len(attempt_ids),
            "event": count(Event, col(Event.attempt_id).in_(attempt_ids)),
            "response": count(Response, col(Response.session_id).in_(ids)),
            "questionanswer": count(QuestionAnswer, col(QuestionAnswer.session_id).in_(ids)),
            "screening": count(Screening, Screening.public_id == public_id),
        }


def _assert_only_ana_went(app: Flask, before: dict[str, int], ana: dict[str, int], ben: dict[str, int],
                          ben_id: str, ana_id: str) -> None:  # fmt: skip
    after = _table_counts(app)
    expected = {name: n - ana.get(name, 0) for name, n in before.items()}
    expected["auditevent"] += 1
    assert after == expected
    assert _rows_of(app, ana_id) == dict.fromkeys(ana, 0)
    assert _rows_of(app, ben_id) == ben


def test_deleting_a_participant_removes_every_row_of_theirs_and_nothing_else(
    any_app: Flask, tmp_path: Path
) -> None:
    seeded = _seed(any_app, tmp_path)
    before, ana, ben = _table_counts(any_app), _rows_of(any_app, seeded.ana), _rows_of(any_app, seeded.ben)
    # from the seed: Ana 2 attempts, 5 + 4 events, NPS + free text (SEQ is on the attempt),
    # 1 question answer, 1 screening
    assert ana == {"participantsession": 1, "attempt": 2, "event": 9, "response": 2, "questionanswer": 1,
                   "screening": 1}  # fmt: skip
    with any_app.app_context():
        counts = delete_participant(get_session(), seeded.ana, study_slug="shop", actor=EMAIL)
    assert (counts.sessions, counts.attempts, counts.events) == (1, 2, 9)
    assert (counts.responses, counts.answers, counts.screenings) == (2, 1, 1)
    _assert_only_ana_went(any_app, before, ana, ben, seeded.ben, seeded.ana)
    with any_app.app_context():
        db = get_session()
        assert db.exec(select(QuotaCount.finished)).one() == 2  # quota counts stay
        row = db.exec(select(AuditEvent).where(AuditEvent.action == "participant_deleted")).one()
        assert (row.actor, row.study_slug) == (EMAIL, "shop")
        assert seeded.ana not in row.detail and seeded.ana[:8] not in row.detail


def test_an_unknown_or_other_studys_participant_deletes_nothing(any_app: Flask, tmp_path: Path) -> None:
    seeded = _seed(any_app, tmp_path)
    before = _table_counts(any_app)
    with any_app.app_context():
        with pytest.raises(NotFound):
            delete_participant(get_session(), "no-such-participant")
        with pytest.raises(NotFound):
            delete_participant(get_session(), seeded.ana, study_slug="another-study")
    assert _table_counts(any_app) == before


def test_a_failure_midway_deletes_nothing(
    any_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit write is the last step; when it fails, the deletions before it are rolled back."""
    seeded = _seed(any_app, tmp_path)
    before = _table_counts(any_app)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("uxlab.participants.deletion.audit.record", broken)
    with any_app.app_context(), pytest.raises(RuntimeError):
        delete_participant(get_session(), seeded.ana)
    assert _table_counts(any_app) == before


def test_uxlab_participants_delete(any_app: Flask, tmp_path: Path) -> None:
    seeded = _seed(any_app, tmp_path)
    before, ana, ben = _table_counts(any_app), _rows_of(any_app, seeded.ana), _rows_of(any_app, seeded.ben)
    env = {"UXLAB_DATABASE_URL": database_url(any_app), "UXLAB_SECRET_KEY": "test-secret"}
    done = CliRunner().invoke(cli, ["participants", "delete", seeded.ana], env=env)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == (
        f"deleted participant {seeded.ana}: 1 session, 2 attempts, 9 events, 2 questionnaire responses, "
        "1 question answers, 1 screening\n"
    )
    _assert_only_ana_went(any_app, before, ana, ben, seeded.ben, seeded.ana)
    again = CliRunner().invoke(cli, ["participants", "delete", seeded.ana], env=env)
    assert again.exit_code == 1
    assert again.stderr.strip().count("\n") == 0 and f"no participant {seeded.ana!r}" in again.stderr
    other = CliRunner().invoke(cli, ["participants", "delete", seeded.ben, "--study", "nope"], env=env)
    assert other.exit_code == 1
    assert _rows_of(any_app, seeded.ben) == ben


@pytest.fixture
def csrf_app(tmp_path: Path) -> Any:
    """An app with CSRF checks on (as served)."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    app.extensions["uxlab.engine"].dispose()


def _token(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token field"
    return match.group(1).decode()


def test_the_delete_button_needs_csrf_a_confirmation_and_a_researcher(
    csrf_app: Flask, tmp_path: Path
) -> None:
    seeded = _seed(csrf_app, tmp_path)
    url = f"/studies/shop/participants/{seeded.ana}/delete"
    client: Any = csrf_app.test_client()
    login = {"email": EMAIL, "password": PASSWORD, "csrf_token": _token(client.get("/login").data)}
    assert client.post("/login", data=login).status_code == 302
    before, ana, ben = _table_counts(csrf_app), _rows_of(csrf_app, seeded.ana), _rows_of(csrf_app, seeded.ben)
    anonymous: Any = csrf_app.test_client()
    assert anonymous.post(url, data={"confirm": "yes"}).status_code == 401  # told to sign in
    page = client.get("/studies/shop/attempts")
    assert url.encode() in page.data  # the button is on the attempts page
    token = _token(page.data)
    assert client.post(url, data={"confirm": "yes"}).status_code == 400  # no CSRF token
    assert client.post(url, data={"confirm": "yes", "csrf_token": "forged"}).status_code == 400
    assert client.post(url, data={"csrf_token": token}).status_code == 400  # not confirmed
    assert _table_counts(csrf_app) == before
    done = client.post(url, data={"confirm": "yes", "csrf_token": token})
    assert done.status_code == 302
    _assert_only_ana_went(csrf_app, before, ana, ben, seeded.ben, seeded.ana)
    assert seeded.ana.encode() not in client.get("/studies/shop/attempts").data
