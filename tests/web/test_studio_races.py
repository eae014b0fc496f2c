"""Saving a new study twice at once in the browser editor (a double click), over SQLite and PostgreSQL.

Both posts found no study with the slug; the second's insert broke the unique slug and
answered 500, and for a moment the first's study had no owner, so the same researcher's
other post was told the slug "is taken" (409).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import event
from sqlmodel import select

from tests.web.test_studio import GOOD, _signed_in
from uxlab.db import get_session
from uxlab.models import Study, StudyVersion, User
from uxlab.security_models import AuditEvent


def test_a_double_click_on_save_stores_one_study_owned_by_its_author(any_app: Flask) -> None:
    first = _signed_in(any_app)
    second = any_app.test_client()
    for cookie in first._cookies.values():  # the same browser's second request
        second.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    both_looked = threading.Barrier(2, timeout=10)
    held: set[int] = set()

    def hold(conn: object, cursor: object, statement: str, *args: object) -> None:
        inserting = statement.lstrip().upper().startswith("INSERT INTO STUDY ")
        if inserting and threading.get_ident() not in held:
            held.add(threading.get_ident())
            both_looked.wait()

    engine = any_app.extensions["uxlab.engine"]
    event.listen(engine, "before_cursor_execute", hold)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(lambda c: c.post("/studio/save", data={"scenario": GOOD}), [first, second])
            )
    finally:
        event.remove(engine, "before_cursor_execute", hold)
    assert len(held) == 2  # both posts found no study and inserted one
    assert [(a.status_code, a.headers.get("Location")) for a in answers] == [
        (303, "/studies/checkout/edit")
    ] * 2
    with any_app.app_context():
        db = get_session()
        (study,) = db.exec(select(Study)).all()
        owner = db.get(User, study.owner_id)
        assert owner is not None and owner.email == "ana@example.org"
        assert [v.number for v in db.exec(select(StudyVersion))] == [1]
        actions = [e.action for e in db.exec(select(AuditEvent)) if e.action.startswith("study_")]
    assert sorted(actions) == ["study_owner_set", "study_saved"]
