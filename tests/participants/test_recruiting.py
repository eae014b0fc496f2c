"""Recruiting over real SQLite and PostgreSQL: quota (also under parallel finishes), close date,
screener, captured link parameters and the completion redirect."""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlmodel import Session, func, select

from uxlab import scenarios, studies
from uxlab.db import get_session
from uxlab.errors import StudyFull
from uxlab.models import (
    Attempt,
    ParticipantExclusion,
    ParticipantSession,
    QuotaCount,
    Response,
    Screening,
    Study,
)
from uxlab.participants import attempts, sessions
from uxlab.participants.recruiting import OVER_QUOTA_REASON
from uxlab.reports.questions import screened_out_count

PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
STUDY = """
slug: panel
title: Panel study
consent: Hello.
site: {base_url: /demo}
tasks:
  - {id: one, prompt: Find the page., success: self_report, stage: awareness}
recruit:
  completion_url: https://panel.example/done?cc={code}&pid={pid}&s={participant}
  capture: [pid]
"""


def store(db: Session, extra: str = "") -> None:
    studies.store_scenario(db, scenarios.loads(STUDY + extra))


def take_part(app: Flask, db: Session, query: str = "", **headers: str) -> Any:
    """Walk one new participant through the study with the test client; return the last response."""
    client = app.test_client()
    first = client.get(f"/s/panel{query}", headers=headers)
    if first.status_code != 200:
        return first
    started = client.post(f"/s/panel{query}", headers=headers)
    assert started.location == "/s/panel/task/1", started.text
    client.post("/s/panel/task/1", headers=headers)
    session = db.exec(select(ParticipantSession).order_by(ParticipantSession.id.desc())).first()  # type: ignore[union-attr]
    assert session is not None
    where = sessions.progress(db, session)
    assert where.attempt is not None
    attempts.end_attempt(db, where.attempt, "success")
    return client.post("/s/panel/task/1/seq", data={"seq": "5"}, headers=headers)


def finished(db: Session) -> int:
    query = (
        select(func.count())
        .select_from(ParticipantSession)
        .where(ParticipantSession.finished_at.is_not(None))
    )  # type: ignore[union-attr]
    return int(db.exec(query).one())


def test_the_51st_participant_of_a_50_quota_study_sees_a_polite_full_page(
    any_app: Flask, any_db: Session
) -> None:
    store(any_db, "  quota: {total: 50}\n")
    for n in range(50):
        done = take_part(any_app, any_db, f"?pid=p{n}")
        assert done.status_code == 303 and done.location.startswith("https://panel.example/done?")
    assert finished(any_db) == 50
    full = any_app.test_client().get("/s/panel?pid=p50")
    assert full.status_code == 410
    assert "This study is full" in full.text and "Thank you for your interest" in full.text
    german = any_app.test_client().get("/s/panel", headers={"Accept-Language": "de"})
    assert "Diese Studie ist voll" in german.text
    russian = any_app.test_client().get("/s/panel", headers={"Accept-Language": "ru"})
    assert '<html lang="ru">' in russian.text and "Набор участников завершён" in russian.text
    assert any_db.exec(select(func.count()).select_from(ParticipantSession)).one() == 50


def test_the_quota_holds_under_parallel_finishes(any_app: Flask, any_db: Session) -> None:
    """12 participants at their last SEQ finish at once in 12 threads; a quota of 5 gives exactly
    5 of them a place. The other 7 are finished all the same (their SEQ kept), excluded from the
    reports as over the quota, and told that the study filled up."""
    store(any_db, "  quota: {total: 5}\n")
    version = studies.current_version(any_db, studies.get_study(any_db, "panel"))
    ids = []
    for _ in range(12):
        session = sessions.start_session(any_db, version, "Firefox", "en")
        sessions.begin_task(any_db, session, 1, "http://localhost")
        attempts.end_attempt(any_db, sessions.progress(any_db, session).attempt, "success")  # type: ignore[arg-type]
        ids.append(session.id)
    barrier, outcomes = threading.Barrier(len(ids)), []

    def finish(session_id: int) -> None:
        with any_app.app_context():
            db = get_session()
            session = db.get(ParticipantSession, session_id)
            barrier.wait()
            try:
                outcomes.append(sessions.save_seq(db, session, 1, "6"))
            except StudyFull:
                outcomes.append("full")

    threads = [threading.Thread(target=finish, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    any_db.expire_all()
    assert sorted(map(str, outcomes)) == ["True"] * 5 + ["full"] * 7
    assert finished(any_db) == 12
    over = any_db.exec(select(ParticipantExclusion.session_id)).all()
    assert len(over) == 7 and set(over) <= set(ids)
    assert {row.reason for row in any_db.exec(select(ParticipantExclusion))} == {OVER_QUOTA_REASON}
    assert any_db.exec(select(func.count()).select_from(Attempt).where(Attempt.seq == 6)).one() == 12
    assert any_db.exec(select(QuotaCount.finished)).all() == [5]


def test_a_participant_who_finishes_after_the_quota_filled_loses_no_answers(
    any_app: Flask, any_db: Session
) -> None:
    """Quota 1: A and B start; B finishes first and takes the place. A's SUS answers, posted
    after that, are stored (they were refused and lost before); A's session is finished, left
    out of the reports with a reason, gets no completion code, and A is told in their language."""
    store(any_db, "  quota: {total: 1}\nquestionnaires: [sus]\n")
    clients = {}
    for name in ("a", "b"):
        clients[name] = client = any_app.test_client()
        assert client.get(f"/s/panel?pid={name}").status_code == 200
        client.post(f"/s/panel?pid={name}", headers={"Accept-Language": "de" if name == "a" else "en"})
        client.post("/s/panel/task/1")
    rows = any_db.exec(select(ParticipantSession).order_by(ParticipantSession.id)).all()  # type: ignore[arg-type]
    for session in rows:
        attempts.end_attempt(any_db, sessions.progress(any_db, session).attempt, "success")  # type: ignore[arg-type]
    sus = {f"sus_{item}": "3" for item in range(1, 11)}
    for name in ("b", "a"):
        assert clients[name].post("/s/panel/task/1/seq", data={"seq": "5"}).status_code == 303
    assert clients["b"].post("/s/panel/questionnaires", data=sus).status_code == 303  # B: the place
    late = clients["a"].post("/s/panel/questionnaires", data=sus)
    assert late.status_code == 410
    assert "Diese Studie hat sich gefüllt, während Sie teilgenommen haben" in late.text
    a = rows[0]
    any_db.expire_all()
    stored = any_db.exec(select(func.count()).select_from(Response).where(Response.session_id == a.id)).one()
    assert stored == 10  # the ten SUS answers
    assert any_db.get(ParticipantSession, a.id).finished_at is not None  # type: ignore[union-attr]
    assert any_db.get(ParticipantSession, a.id).completion_code is None  # type: ignore[union-attr]
    exclusion = any_db.exec(select(ParticipantExclusion)).one()
    assert (exclusion.session_id, exclusion.reason) == (a.id, OVER_QUOTA_REASON)
    again = clients["a"].post("/s/panel/questionnaires", data=sus)  # a second post: stored once
    assert again.status_code == 303 and again.location == "/s/panel/thanks"  # not the panel's link
    assert "panel.example" not in clients["a"].get("/s/panel/thanks").text
    assert any_db.exec(select(func.count()).select_from(Response)).one() == 20


def test_a_device_quota_turns_away_only_that_device(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        store(db, "  quota: {per_device: {phone: 1}}\n")
        assert take_part(app, db, "?pid=a", **{"User-Agent": PHONE_UA}).status_code == 303
        assert take_part(app, db, "?pid=b", **{"User-Agent": PHONE_UA}).status_code == 410
        assert take_part(app, db, "?pid=c").status_code == 303  # a desktop browser still gets in


def test_past_close_at_newcomers_see_a_closed_page_but_a_started_participant_finishes(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        store(db, "  close_at: 2020-01-01\n")
        closed = app.test_client().get("/s/panel", headers={"Accept-Language": "de"})
        assert closed.status_code == 410 and "Diese Studie ist beendet" in closed.text
        assert db.exec(select(func.count()).select_from(ParticipantSession)).one() == 0


def test_completion_redirect_fills_code_captured_parameter_and_participant(
    any_app: Flask, any_db: Session
) -> None:
    store(any_db)
    done = take_part(any_app, any_db, "?pid=P%26Q%3D1&other=x&slug=evil&_external=1")
    session = any_db.exec(select(ParticipantSession)).one()
    assert session.link_params == {"pid": "P&Q=1"}  # only the captured name, decoded
    assert session.completion_code and len(session.completion_code) == 10
    query = parse_qs(urlsplit(done.location).query)
    assert query == {"cc": [session.completion_code], "pid": ["P&Q=1"], "s": [session.public_id]}


def test_a_share_link_cannot_tell_whether_a_panel_id_took_part(any_app: Flask, any_db: Session) -> None:
    """Captured link parameters are never shown to anyone else (README); the share page took a
    ``link=pid:...`` filter from its viewer, so "1 participant" against "0 participants" said
    whether an ID took part. It ignores that filter now, as it does ``excluded=1``."""
    from uxlab.reports import sharing

    store(any_db)
    take_part(any_app, any_db, "?pid=PRO-42")
    take_part(any_app, any_db, "?pid=PRO-43")
    _link, secret = sharing.create_share(any_db, "panel", False)
    viewer = any_app.test_client()
    counts = {
        query: re.search(
            r"(\d+) participants?\b", viewer.get(f"/share/{secret}{query}").get_data(as_text=True)
        )
        for query in ("", "?link=pid:PRO-42", "?link=pid:nobody")
    }
    assert {query: found and found.group(1) for query, found in counts.items()} == dict.fromkeys(counts, "2")


def test_a_fixed_completion_code_is_everyones(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        store(db, "  completion_code: C0DE42\n")
        for pid in ("a", "b"):
            assert "cc=C0DE42&" in take_part(app, db, f"?pid={pid}").location


def test_the_screener_counts_rejections_and_records_no_participant(any_app: Flask, any_db: Session) -> None:
    store(
        any_db,
        "  screener:\n"
        "    - {id: router, type: single, text: A router?, options: [have, none], accept: [have]}\n"
        "    - {id: isp, type: multiple, text: ISPs?, options: [acme, other, dunno], reject: [dunno]}\n",
    )
    client = any_app.test_client()
    assert client.get("/s/panel?pid=z").location == "/s/panel/screener?pid=z"
    page = client.get("/s/panel/screener?pid=z")
    assert 'type="radio" name="router"' in page.text and 'type="checkbox" name="isp"' in page.text
    assert page.headers["Cache-Control"] == "no-store"  # as every study page
    missing = client.post("/s/panel/screener?pid=z", data={"router": "have"})
    assert missing.status_code == 400 and any_db.exec(select(Screening)).all() == []
    out = client.post("/s/panel/screener?pid=z", data={"router": "have", "isp": ["acme", "dunno"]})
    assert out.status_code == 200 and "cannot include you" in out.text
    again = client.post("/s/panel/screener?pid=z", data={"router": "have", "isp": ["acme"]})
    assert "cannot include you" in again.text  # turned away once, not let in by a second try
    assert (
        client.post("/s/panel?pid=z").location == "/s/panel/screener?pid=z"
    )  # consent refused without a pass
    study = any_db.exec(select(Study)).one()
    assert screened_out_count(any_db, study) == 1
    assert any_db.exec(select(ParticipantSession)).all() == []

    welcome = any_app.test_client()
    passed = welcome.post("/s/panel/screener?pid=y", data={"router": "have", "isp": ["acme", "other"]})
    assert passed.location == "/s/panel?pid=y"
    assert "I agree" in welcome.get("/s/panel?pid=y").text
    assert welcome.post("/s/panel?pid=y").location == "/s/panel/task/1"
    assert any_db.exec(select(ParticipantSession.link_params)).all() == [{"pid": "y"}]
    assert screened_out_count(any_db, study) == 1


def test_one_studys_screener_result_decides_nothing_in_another(any_app: Flask, any_db: Session) -> None:
    """The participant cookie's value is signed alike for every study: copied from a study whose
    screener let the browser in to another screening study, it skipped that study's screener
    (and a rejection carried over the same way). Each study now reads only its own result."""
    screener = (
        "  screener:\n"
        "    - {id: router, type: single, text: A router?, options: [have, none], reject: [none]}\n"
    )
    store(any_db, screener)
    studies.store_scenario(any_db, scenarios.loads((STUDY + screener).replace("slug: panel", "slug: other")))
    client = any_app.test_client()
    assert client.post("/s/panel/screener", data={"router": "have"}).location == "/s/panel"
    copied = client.get_cookie("uxlab_p_panel", path="/s/panel")
    assert copied is not None
    client.set_cookie("uxlab_p_other", copied.value, path="/s/other")
    assert client.get("/s/other").location == "/s/other/screener"
    assert "A router?" in client.get("/s/other/screener").text
    assert client.post("/s/other").location == "/s/other/screener"  # no consent without its own pass
    assert any_db.exec(select(ParticipantSession)).all() == []


def test_the_screener_page_of_a_full_study_is_the_polite_full_page(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        screener = "  screener:\n    - {id: a, type: single, text: A?, options: [x, y], reject: [y]}\n"
        store(db, "  quota: {total: 1}\n" + screener)
        client = app.test_client()
        assert client.post("/s/panel/screener", data={"a": "x"}).status_code == 303
        assert client.post("/s/panel").location == "/s/panel/task/1"
        session = db.exec(select(ParticipantSession)).one()
        sessions.begin_task(db, session, 1, "http://localhost")
        attempts.end_attempt(db, sessions.progress(db, session).attempt, "success")  # type: ignore[arg-type]
        assert client.post("/s/panel/task/1/seq", data={"seq": "4"}).status_code == 303
        late = app.test_client().get("/s/panel/screener", headers={"Accept-Language": "ru"})
        assert late.status_code == 410 and "Набор участников завершён" in late.text
