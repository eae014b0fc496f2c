"""Participant sessions and pages over a real SQLite file: flow, resume, validation, 410s, languages."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from sqlmodel import Session, select

from uxlab import studies
from uxlab.db import get_session
from uxlab.errors import InvalidAnswers
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, utcnow
from uxlab.participants import attempts, sessions
from uxlab.scenarios.scales import SCALES, field_names

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "helpdesk.yaml"
TRANSLATIONS = ROOT / "uxlab" / "translations"
FIREFOX_DE = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def variant(tmp_path: Path, **replace: str) -> Path:
    """Write a copy of the demo study with top-level lines replaced (``slug="x"`` -> ``slug: x``)."""
    text = HELPDESK.read_text(encoding="utf-8")
    for key, value in replace.items():
        text, count = re.subn(rf"(?m)^(# )?{key}:.*$", f"{key}: {value}", text)  # "# language: en" too
        assert count == 1, key
    path = tmp_path / f"{replace.get('slug', 'helpdesk')}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield get_session()


def load(db: Session, path: Path = HELPDESK) -> StudyVersion:
    version, _ = studies.load_scenario_file(db, path)
    return version


def end(db: Session, session: ParticipantSession, number: int, outcome: str) -> Attempt:
    """Start task ``number`` through the participant code and end it as the events API would."""
    sessions.begin_task(db, session, number, "http://localhost")
    where = sessions.progress(db, session)
    assert where.attempt is not None
    attempts.end_attempt(db, where.attempt, outcome)
    return where.attempt


def valid_answers() -> dict[str, str]:
    answers = {f"sus_{i}": str(1 + i % 5) for i in range(1, 11)}
    answers.update(umux_lite_1="7", umux_lite_2="6", nps="0", csat="5", ces="7", free_text="  Nice.  ")
    return answers


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "phone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "phone",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "desktop",
        ),
        (FIREFOX_DE, "desktop"),
        ("", "desktop"),
    ],
)
def test_device_class_from_user_agent(user_agent: str, expected: str) -> None:
    assert sessions.device_class(user_agent) == expected


@pytest.mark.parametrize(
    ("study", "header", "expected"),
    [
        ("de", "ru-RU,ru;q=0.9", "de"),
        (None, "de-DE,de;q=0.9,en;q=0.8", "de"),
        (None, "fr-FR, ru;q=0.5, en;q=0.3", "ru"),
        (None, "fr-FR", "en"),
        (None, "", "en"),
    ],
)
def test_language_is_the_studys_else_the_browsers(study: str | None, header: str, expected: str) -> None:
    assert sessions.choose_language(study, header, "en") == expected


def test_start_session_records_device_language_and_order(db: Session) -> None:
    version = load(db)
    session = sessions.start_session(db, version, FIREFOX_DE, "de-DE")
    assert session.device_class == "desktop"
    assert session.language == "de"  # the demo study leaves it to the browser
    assert session.consented_at is not None
    assert session.task_order == ["find-helpdesk", "open-ticket", "find-hotline", "router-warranty"]


def test_randomized_order_is_seeded_by_the_public_id(db: Session, tmp_path: Path) -> None:
    version = load(db, variant(tmp_path, randomize_tasks="true"))
    keys = ["find-helpdesk", "open-ticket", "find-hotline", "router-warranty"]
    orders = set()
    for _ in range(20):
        session = sessions.start_session(db, version, "", "")
        expected = list(keys)
        random.Random(session.public_id).shuffle(expected)
        assert session.task_order == expected
        orders.add(tuple(session.task_order))
    assert len(orders) > 1  # all 20 equal has probability (1/24)**19


def test_progress_walks_tasks_seq_questionnaires_thanks(any_db: Session) -> None:
    db = any_db
    session = sessions.start_session(db, load(db), "", "")
    where = sessions.progress(db, session)
    assert (where.step, where.number, where.total, where.attempt) == ("task", 1, 4, None)
    url = sessions.begin_task(db, session, 1, "http://127.0.0.1:5000")
    token = sessions.progress(db, session).attempt.token  # type: ignore[union-attr]
    assert url == f"http://127.0.0.1:5000/demo#uxlab={token}@http://127.0.0.1:5000"
    # Starting again (a reload of the Start form) resumes the same attempt.
    assert sessions.begin_task(db, session, 1, "http://127.0.0.1:5000") == url
    attempt = sessions.progress(db, session).attempt
    assert attempt is not None and attempt.ended_at is None
    attempts.end_attempt(db, attempt, "give_up")
    assert sessions.progress(db, session).step == "seq"
    # Task 2 while at task 1's SEQ (a back button): nothing starts, the view redirects.
    assert sessions.begin_task(db, session, 2, "http://localhost") is None
    assert sessions.save_seq(db, session, 2, "3") is False
    assert sessions.progress(db, session).step == "seq"
    sessions.save_seq(db, session, 1, "3")
    where = sessions.progress(db, session)
    assert (where.step, where.number) == ("task", 2)
    for number in (2, 3, 4):
        end(db, session, number, "success")
        sessions.save_seq(db, session, number, "7")
    assert sessions.progress(db, session).step == "questionnaires"
    sessions.save_responses(db, session, valid_answers())
    assert sessions.progress(db, session).step == "thanks"


def test_a_double_click_on_start_keeps_one_attempt(db: Session) -> None:
    session = sessions.start_session(db, load(db), "", "")
    task = sessions.progress(db, session).task
    assert task is not None
    first = attempts.start_attempt(db, session, task)  # the other request of the double click
    kept = sessions.start_once(db, session, task)
    assert kept.id == first.id
    assert [a.id for a in db.exec(select(Attempt)).all()] == [first.id]


def test_overdue_attempt_ends_as_timeout_when_the_participant_returns(db: Session) -> None:
    session = sessions.start_session(db, load(db), "", "")
    sessions.begin_task(db, session, 1, "http://localhost")
    attempt = sessions.progress(db, session).attempt
    assert attempt is not None
    attempt.started_at = utcnow() - timedelta(seconds=180 + 6)  # limit 180 s + 5 s tolerance
    db.add(attempt)
    db.commit()
    where = sessions.progress(db, session)
    assert (where.step, where.number) == ("seq", 1)
    assert where.attempt is not None and where.attempt.outcome == "timeout"
    assert where.attempt.time_on_task_s == 180


def test_save_responses_validates_every_range(any_db: Session) -> None:
    db = any_db
    session = sessions.start_session(db, load(db), "", "")
    for number in (1, 2, 3, 4):
        end(db, session, number, "failure")
        sessions.save_seq(db, session, number, "4")
    bad = valid_answers()
    bad.update(sus_3="6", umux_lite_1="0", nps="11", csat="x", ces="")
    del bad["sus_10"]
    with pytest.raises(InvalidAnswers) as caught:
        sessions.save_responses(db, session, bad)
    assert set(caught.value.errors) == {"sus_3", "sus_10", "umux_lite_1", "nps", "csat", "ces"}
    assert caught.value.status == 400
    assert db.exec(select(Response)).all() == []
    rows = sessions.save_responses(db, session, {**valid_answers(), "nps": "10", "csat": "1"})
    assert len(rows) == 10 + 2 + 1 + 1 + 1 + 1
    stored = {(r.questionnaire, r.item): r for r in db.exec(select(Response)).all()}
    assert stored[("sus", 3)].value == 4 and stored[("nps", 1)].value == 10
    assert stored[("ces", 1)].scale_version == "2.0" and stored[("sus", 1)].scale_version is None
    assert stored[("free_text", 1)].text == "Nice."
    assert sessions.save_responses(db, session, valid_answers()) is None  # a second post stores nothing
    assert len(db.exec(select(Response)).all()) == 16


def test_ces_1_0_uses_the_effort_scale_and_stores_its_version(db: Session, tmp_path: Path) -> None:
    version = load(db, variant(tmp_path, slug="ces-one", ces_version='"1.0"', questionnaires="[ces]"))
    session = sessions.start_session(db, version, "", "")
    for number in (1, 2, 3, 4):
        end(db, session, number, "success")
        sessions.save_seq(db, session, number, "5")
    with pytest.raises(InvalidAnswers):
        sessions.save_responses(db, session, {"ces": "6"})
    (row,) = sessions.save_responses(db, session, {"ces": "5", "free_text": ""})
    assert (row.questionnaire, row.value, row.scale_version) == ("ces", 5, "1.0")


def test_a_study_without_questionnaires_finishes_after_the_last_seq(db: Session, tmp_path: Path) -> None:
    version = load(db, variant(tmp_path, slug="tasks-only", questionnaires="[]", free_text="null"))
    session = sessions.start_session(db, version, "", "")
    for number in (1, 2, 3, 4):
        assert session.finished_at is None
        end(db, session, number, "success")
        sessions.save_seq(db, session, number, "5")
    assert sessions.progress(db, session).step == "thanks"
    assert session.finished_at is not None


def test_seq_is_validated(db: Session) -> None:
    session = sessions.start_session(db, load(db), "", "")
    end(db, session, 1, "success")
    for raw in ("0", "8", "", "2.5", None):
        with pytest.raises(InvalidAnswers):
            sessions.save_seq(db, session, 1, raw)
    sessions.save_seq(db, session, 1, "1")
    assert db.exec(select(Attempt)).one().seq == 1


# --- the pages, through Flask's test client ------------------------------------------------


def form_post(client: Any, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
    return client.post(url, data=data or {}, **kwargs)


def test_pages_walk_the_study_and_resume_on_reload(app: Flask, db: Session) -> None:
    load(db)
    client = app.test_client()
    consent = client.get("/s/helpdesk")
    assert consent.status_code == 200 and '<html lang="en">' in consent.text
    assert "Thank you for helping us improve" in consent.text and "4 tasks" in consent.text
    started = form_post(client, "/s/helpdesk", headers={"User-Agent": FIREFOX_DE})
    assert started.status_code == 303 and started.location == "/s/helpdesk/task/1"
    cookie = client.get_cookie("uxlab_p_helpdesk", path="/s/helpdesk")
    assert cookie is not None and cookie.http_only
    # Reloading the consent page or jumping ahead lands on the current step.
    assert client.get("/s/helpdesk").location == "/s/helpdesk/task/1"
    assert client.get("/s/helpdesk/questionnaires").location == "/s/helpdesk/task/1"
    task = client.get("/s/helpdesk/task/1")
    assert "Find the helpdesk portal." in task.text and "Task 1 of 4" in task.text
    assert "3 minutes" in task.text
    go = form_post(client, "/s/helpdesk/task/1")
    assert go.status_code == 303
    token = db.exec(select(Attempt)).one().token
    public = "http://127.0.0.1:5000"  # PUBLIC_URL in tests/conftest.py, never the request's Host
    assert go.location == f"{public}/demo#uxlab={token}@{public}"
    # no page view from the site yet, and Start more than CLOCK_TOLERANCE_S ago: the task did
    # not open (uxlab/participants/task_open.py)
    attempt = db.exec(select(Attempt)).one()
    attempt.started_at = utcnow() - timedelta(seconds=6)
    db.commit()
    assert "Try again" in client.get("/s/helpdesk/task/1").text
    body = {
        "token": token,
        "events": [{"id": "v1", "type": "pageview", "t": 500, "url": "http://localhost/demo/"}],
    }
    assert client.post("/api/v1/events", json=body).status_code == 200
    assert "Continue the task" in client.get("/s/helpdesk/task/1").text
    assert form_post(client, "/s/helpdesk/task/1").location == go.location
    db.expire_all()
    attempts.end_attempt(db, db.exec(select(Attempt)).one(), "timeout")
    assert client.get("/s/helpdesk/task/1").location == "/s/helpdesk/task/1/seq"
    seq = client.get("/s/helpdesk/task/1/seq")
    assert "The time for this task ran out." in seq.text
    assert "Overall, how difficult or easy was the task to complete?" in seq.text
    refused = form_post(client, "/s/helpdesk/task/1/seq", {"seq": "9"})
    assert refused.status_code == 400 and "Please choose an answer." in refused.text
    assert form_post(client, "/s/helpdesk/task/1/seq", {"seq": "2"}).location == "/s/helpdesk/task/2"
    # A second SEQ post for the same task (back button) goes to the current step, changes nothing.
    assert form_post(client, "/s/helpdesk/task/1/seq", {"seq": "7"}).location == "/s/helpdesk/task/2"
    db.expire_all()
    assert db.exec(select(Attempt)).one().seq == 2


def test_questionnaire_page_errors_thanks_and_no_second_answers(app: Flask, db: Session) -> None:
    version = load(db)
    client = app.test_client()
    form_post(client, "/s/helpdesk")
    session = db.exec(select(ParticipantSession)).one()
    for number in (1, 2, 3, 4):
        end(db, session, number, "success")
        sessions.save_seq(db, session, number, "6")
    page = client.get("/s/helpdesk/questionnaires")
    assert page.status_code == 200
    assert "How likely is it that you would recommend Acme Networks to a friend or colleague?" in page.text
    assert "Acme Networks made it easy for me to handle my issue." in page.text
    assert page.text.count('type="radio"') == 10 * 5 + 2 * 7 + 11 + 5 + 7
    assert "translations of standard questionnaires" not in page.text  # English is the original
    refused = form_post(client, "/s/helpdesk/questionnaires", {**valid_answers(), "nps": "12"})
    assert refused.status_code == 400
    assert 'id="e-nps"' in refused.text and 'value="7" required checked' in refused.text  # keeps answers
    done = form_post(client, "/s/helpdesk/questionnaires", valid_answers())
    assert done.location == "/s/helpdesk/thanks"
    assert "Your answers have been saved." in client.get("/s/helpdesk/thanks").text
    assert client.get("/s/helpdesk").location == "/s/helpdesk/thanks"
    # Posting again (a double click, the back button) stores nothing and leads to the thanks page.
    again = form_post(client, "/s/helpdesk/questionnaires", valid_answers())
    assert (again.status_code, again.location) == (303, "/s/helpdesk/thanks")
    assert form_post(client, "/s/helpdesk/task/4/seq", {"seq": "1"}).location == "/s/helpdesk/thanks"
    assert len(db.exec(select(Response)).all()) == 16
    assert version.id == session.study_version_id


def test_closed_study_answers_410_in_the_studys_language(app: Flask, db: Session, tmp_path: Path) -> None:
    load(db, variant(tmp_path, slug="hilfe", language="de"))
    client = app.test_client()
    assert "Ich stimme zu" in client.get("/s/hilfe").text
    form_post(client, "/s/hilfe")
    study = db.exec(select(Study).where(Study.slug == "hilfe")).one()
    study.is_open = False
    db.add(study)
    db.commit()
    for url in ("/s/hilfe", "/s/hilfe/task/1"):
        closed = client.get(url)
        assert closed.status_code == 410
        assert '<html lang="de">' in closed.text and "Diese Studie ist geschlossen" in closed.text
    assert form_post(client, "/s/hilfe/task/1").status_code == 410
    assert db.exec(select(Attempt)).all() == []


def test_a_study_without_a_language_speaks_each_browsers(app: Flask, db: Session, tmp_path: Path) -> None:
    path = variant(tmp_path, slug="any-language")
    path.write_text(re.sub(r"(?m)^language:.*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    load(db, path)
    german = app.test_client()
    consent = german.get("/s/any-language", headers={"Accept-Language": "de-CH, fr;q=0.8"})
    assert '<html lang="de">' in consent.text and "Ich stimme zu" in consent.text
    form_post(german, "/s/any-language", headers={"Accept-Language": "de-CH"})
    assert db.exec(select(ParticipantSession)).one().language == "de"
    # A browser whose languages uxlab does not have gets DEFAULT_LANGUAGE (en).
    assert (
        '<html lang="en">' in app.test_client().get("/s/any-language", headers={"Accept-Language": "fr"}).text
    )


def test_unknown_study_is_404_and_a_forged_cookie_is_ignored(app: Flask, db: Session) -> None:
    load(db)
    client = app.test_client()
    assert client.get("/s/no-such-study").status_code == 404
    client.set_cookie("uxlab_p_helpdesk", "forged", path="/s/helpdesk")
    assert client.get("/s/helpdesk/task/1").location == "/s/helpdesk"
    assert db.exec(select(ParticipantSession)).all() == []


def test_russian_pages_translate_the_questionnaires_and_say_so(
    app: Flask, db: Session, tmp_path: Path
) -> None:
    load(db, variant(tmp_path, slug="pomosh", language="ru"))
    client = app.test_client()
    consent = client.get("/s/pomosh")
    assert '<html lang="ru">' in consent.text and "Вам предстоит выполнить 4 задания" in consent.text
    form_post(client, "/s/pomosh")
    session = db.exec(select(ParticipantSession)).one()
    assert session.language == "ru"
    assert "3 минуты" in client.get("/s/pomosh/task/1").text
    for number in (1, 2, 3, 4):
        end(db, session, number, "success")
        sessions.save_seq(db, session, number, "6")
    page = client.get("/s/pomosh/questionnaires").text
    assert "переводы стандартных англоязычных опросников" not in page  # a note for researchers now
    assert "Насколько вероятно, что вы порекомендуете Acme Networks другу или коллеге?" in page
    assert "Этим сайтом легко пользоваться." in page


# --- the catalogs ---------------------------------------------------------------------------


def extracted_msgids() -> set[str | tuple[str, str]]:
    with (TRANSLATIONS / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        ids.add(message if isinstance(message, str) else (message[0], message[1]))
    return ids


@pytest.mark.parametrize("language", ["de", "ru"])
def test_every_participant_string_is_translated(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {
        (m.id if isinstance(m.id, str) else tuple(m.id[:2])): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }
    wanted = extracted_msgids()
    assert len(wanted) > 50
    missing = sorted(str(i) for i in wanted if not all(translated.get(i) or [""]))
    assert missing == []


@pytest.mark.parametrize("language", ["de", "ru"])
def test_compiled_catalogs_match_the_po_files(language: str) -> None:
    """The .mo files are committed; recompile with `pybabel compile -d uxlab/translations`."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)

    def entries(catalog: Any) -> dict[Any, Any]:
        def key(value: Any) -> Any:
            return value if isinstance(value, str) else tuple(value)

        return {key(m.id): key(m.string) for m in catalog if m.id}

    assert entries(compiled) == entries(source)


def test_only_known_questionnaires_have_scales() -> None:
    assert set(SCALES) == {"sus", "umux_lite", "nps", "csat", "ces"}
    assert field_names("sus")[-1] == "sus_10" and field_names("nps") == ["nps"]


def test_participant_ids_never_start_like_a_spreadsheet_formula() -> None:
    # token_urlsafe starts with "-" once in 64 draws; such an id came back from the CSV
    # export as "'-Yp..." and matched nothing. 2,000 draws would show a leading "-" or "_"
    # with probability 1 - (62/64)**2000, i.e. certainly, if the guard were gone.
    first_characters = {sessions.new_public_id()[0] for _ in range(2000)}
    assert all(character.isalnum() for character in first_characters)
    assert len(first_characters) > 40
