"""Roles and study access (issue 12): a researcher opens only the studies they own or that are shared.

The study routes come from the URL map (``tests/security/routes.py``): every route with a
``slug`` argument, outside the surfaces listed in ``NOT_STUDY_PAGES``, is tried, so a study
page added later is covered without editing this file. A refusal is a 404 that says what
an unknown study's answer says, so it does not reveal that the study exists.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import func, select

from tests.results_seed import SCENARIO, seed_results, write_scenario
from tests.security.routes import urls
from uxlab import access, auth, studies
from uxlab.db import get_session
from uxlab.models import ApiToken, ParticipantSession, ShareLink, Study, StudyShare
from uxlab.security_models import AuditEvent

ANA, BEN, CARL = "ana@example.org", "ben@example.org", "carl@example.org"  # Ana, the first, is the admin
PASSWORD = "correct horse battery"
TITLE = "Shopping at Acme"  # the seeded study's title (tests/results_seed.py)
# Routes with a slug that are not a stored study's researcher pages, and why.
NOT_STUDY_PAGES = {
    "participant",  # public study pages for participants (tests/security/test_anonymous.py)
    "screener",  # public, as above
    "api",  # attempt tokens, not accounts
    "demo",  # the demo company site
    "studio_preview",  # its slug names the unsaved draft in the researcher's own cookie
}
FORM = {"confirm": "yes", "email": CARL, "label": "CI", "role": "admin", "scenario": SCENARIO}


@pytest.fixture
def shop(any_app: Flask, tmp_path: Path) -> Flask:
    """Ana (admin), Ben and Carl (researchers) and the study ``shop``, which has no owner yet."""
    with any_app.app_context():
        db = get_session()
        for email in (ANA, BEN, CARL):
            auth.create_user(db, email, PASSWORD)
        seed_results(db, tmp_path)
    return any_app


def _signed_in(app: Flask, email: str) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _refused(response: Any, slug: str = "shop") -> bool:
    """A 404 with the message of an unknown study (HTML-escaped on pages, plain in JSON)."""
    text = response.get_data().decode("utf-8", "replace")  # a PDF download is bytes
    said = f"no study '{slug}'" in text or f"no study &#39;{slug}&#39;" in text
    return bool(response.status_code == 404 and said and TITLE not in text)


def _study_routes(app: Flask, method: str) -> list[tuple[str, str]]:
    found = urls(app, method, {"slug": "shop", "share_id": 1}, needing="slug")
    return [(endpoint, url) for endpoint, url in found if endpoint.split(".")[0] not in NOT_STUDY_PAGES]


def _state(app: Flask) -> tuple[int, ...]:
    """What a refused request must not change: share links, tokens, shares, participants, open."""
    with app.app_context():
        db = get_session()
        counts = [
            db.exec(select(func.count()).select_from(table)).one()
            for table in (ShareLink, ApiToken, StudyShare, ParticipantSession)
        ]
        return (*counts, int(studies.get_study(db, "shop").is_open))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_researcher_is_refused_every_route_of_a_study_not_theirs(shop: Flask, method: str) -> None:
    ben, before = _signed_in(shop, BEN), _state(shop)
    refused = []
    for endpoint, url in _study_routes(shop, method):
        response = ben.open(url, method=method, data=FORM if method == "POST" else None)
        assert _refused(response), (endpoint, url, response.status_code, response.get_data()[:300])
        refused.append(endpoint)
    assert _state(shop) == before  # nothing was stored, shared, opened, closed or deleted
    expected = {  # the surfaces this must cover; a rename that empties the list would otherwise pass
        "GET": {"reports.summary", "reports.attempts_csv", "reports.live", "researcher.attempts",
                "researcher.study_access", "studio.edit", "studio.download", "probes.pages", "probes.builds"},
        "POST": {"researcher.set_open", "researcher.delete_participant_rows", "researcher.share_study",
                 "reports.create_share", "reports.revoke_share", "probes.pages", "probes.revoke_token"},
    }  # fmt: skip
    assert expected[method] <= set(refused)


def test_the_refusal_is_the_answer_for_a_study_that_does_not_exist(shop: Flask) -> None:
    ben = _signed_in(shop, BEN)
    for path in ("/studies/{}/summary", "/studies/{}/summary.json", "/studies/{}/access"):
        theirs, none = ben.get(path.format("shop")), ben.get(path.format("nosuch"))
        assert theirs.status_code == none.status_code == 404
        assert theirs.is_json == none.is_json
        if none.is_json:
            assert theirs.get_json()["error"]["message"] == none.get_json()["error"]["message"].replace(
                "nosuch", "shop"
            )


@pytest.mark.parametrize("who", ["owner", "shared", "admin"])
def test_owner_shared_researcher_and_admin_open_every_route_of_the_study(shop: Flask, who: str) -> None:
    with shop.app_context():
        db = get_session()
        if who == "owner":
            access.set_owner(db, "shop", BEN)
        elif who == "shared":
            access.share(db, studies.get_study(db, "shop"), BEN)
    client = _signed_in(shop, ANA if who == "admin" else BEN)
    routes = _study_routes(shop, "GET")
    assert len(routes) >= 9
    for endpoint, url in routes:
        response = client.get(url)
        assert not _refused(response), (endpoint, url)
        assert response.status_code < 500, (endpoint, url, response.status_code)
    assert TITLE in client.get("/studies").get_data(as_text=True)


def test_the_study_list_shows_a_researcher_only_their_own_and_shared_studies(shop: Flask) -> None:
    ben = _signed_in(shop, BEN)
    assert TITLE not in ben.get("/studies").get_data(as_text=True)
    assert TITLE in _signed_in(shop, ANA).get("/studies").get_data(as_text=True)  # admins see every study
    with shop.app_context():
        access.share(get_session(), studies.get_study(get_session(), "shop"), BEN)
    assert TITLE in ben.get("/studies").get_data(as_text=True)


def test_accounts_and_audit_are_for_admins_only(shop: Flask) -> None:
    ben = _signed_in(shop, BEN)
    for path in ("/audit", "/accounts"):
        assert ben.get(path).status_code == 403
    assert ben.post("/accounts/role", data={"email": BEN, "role": "admin"}).status_code == 403
    page = ben.get("/studies").get_data(as_text=True)
    assert 'href="/audit"' not in page and 'href="/accounts"' not in page
    ana = _signed_in(shop, ANA)
    assert ana.get("/audit").status_code == 200
    assert BEN in ana.get("/accounts").get_data(as_text=True)
    assert ana.post("/accounts/role", data={"email": BEN, "role": "admin"}).status_code == 302
    assert ben.get("/audit").status_code == 200  # the role counts from the next request
    with shop.app_context():
        changed = get_session().exec(select(AuditEvent).where(AuditEvent.action == "role_changed")).one()
    assert changed.actor == ANA and changed.detail == f"{BEN}: researcher -> admin"


def test_the_last_active_admin_cannot_be_demoted(shop: Flask) -> None:
    ana = _signed_in(shop, ANA)
    refused = ana.post("/accounts/role", data={"email": ANA, "role": "researcher"})
    assert refused.status_code == 409
    assert "is the last active admin" in refused.get_data(as_text=True)
    with shop.app_context():
        assert auth.get_user(get_session(), ANA).role == auth.ADMIN
        auth.set_role(get_session(), BEN, auth.ADMIN)
        auth.disable_user(get_session(), BEN)  # a disabled admin does not count
    assert ana.post("/accounts/role", data={"email": ANA, "role": "researcher"}).status_code == 409
    with shop.app_context():
        auth.set_role(get_session(), CARL, auth.ADMIN)
    assert ana.post("/accounts/role", data={"email": ANA, "role": "researcher"}).status_code == 302
    assert ana.get("/accounts").status_code == 403  # demoted: a researcher now


def test_the_owner_shares_and_unshares_from_the_study_page(shop: Flask) -> None:
    with shop.app_context():
        access.set_owner(get_session(), "shop", BEN)
    ben, carl = _signed_in(shop, BEN), _signed_in(shop, CARL)
    assert _refused(carl.get("/studies/shop/summary"))
    page = ben.get("/studies/shop/access").get_data(as_text=True)
    assert BEN in page and 'name="email"' in page and "Share with" in page
    assert ben.post("/studies/shop/access/share", data={"email": "Carl@Example.org"}).status_code == 302
    assert carl.get("/studies/shop/summary").status_code == 200
    page = carl.get("/studies/shop/access").get_data(as_text=True)
    assert CARL in page and "Share with" not in page  # a shared researcher does not share further
    assert carl.post("/studies/shop/access/share", data={"email": ANA}).status_code == 403
    assert carl.post("/studies/shop/access/unshare", data={"email": CARL}).status_code == 403
    assert ben.post("/studies/shop/access/share", data={"email": "nobody@example.org"}).status_code == 404
    assert ben.post("/studies/shop/access/unshare", data={"email": CARL}).status_code == 302
    assert _refused(carl.get("/studies/shop/summary"))
    with shop.app_context():
        events = get_session().exec(select(AuditEvent).where(AuditEvent.study_slug == "shop")).all()
    trail = [(e.action, e.actor, e.detail) for e in events if e.action.startswith("study_")]
    assert trail == [
        ("study_owner_set", "", BEN),
        ("study_shared", BEN, CARL),
        ("study_unshared", BEN, CARL),
    ]


def test_a_variant_of_someone_elses_study_does_not_open_it(shop: Flask, tmp_path: Path) -> None:
    # Anyone may name any slug in variant_of: a comparison must not read a study the reader cannot see.
    mine = SCENARIO.replace("slug: shop", "slug: mine\nvariant_of: shop").replace(TITLE, "Ben's copy")
    (folder := tmp_path / "mine").mkdir()
    with shop.app_context():
        studies.load_scenario_file(get_session(), write_scenario(folder, mine))
        access.set_owner(get_session(), "mine", BEN)
    ben = _signed_in(shop, BEN)
    theirs, none = (ben.get(f"/studies/mine/compare.json?variant={v}") for v in ("shop", "nope"))
    assert theirs.status_code == none.status_code == 400  # refused as a slug that is no variant
    message = none.get_json()["error"]["message"]
    assert theirs.get_json()["error"]["message"] == message.replace("'nope'", "'shop'")
    page = ben.get("/studies/mine/compare?variant=shop")
    assert page.status_code == 400 and TITLE not in page.get_data(as_text=True)
    assert "'shop' is not a variant of the same test as 'mine'" in html.unescape(page.get_data(as_text=True))
    for path in ("/studies/mine/compare", "/studies/mine/compare.json", "/studies/mine/summary"):
        response = ben.get(path)  # one version and no visible variant: nothing to compare with
        assert response.status_code < 500 and TITLE not in response.get_data(as_text=True), path
        assert "variant=shop" not in response.get_data(as_text=True), path
    ana = _signed_in(shop, ANA)  # the admin sees both: the fallback compares with the variant
    assert TITLE in ana.get("/studies/mine/compare").get_data(as_text=True)


def test_saving_in_the_editor_owns_new_studies_and_never_overwrites_anothers(shop: Flask) -> None:
    ben = _signed_in(shop, BEN)
    taken = ben.post("/studio/save", data={"scenario": SCENARIO.replace("Find the helpdesk", "Take over")})
    assert taken.status_code == 409
    assert "is taken" in taken.get_data(as_text=True)
    with shop.app_context():
        assert studies.current_version(get_session(), studies.get_study(get_session(), "shop")).number == 1
    own = SCENARIO.replace("slug: shop", "slug: bens").replace(TITLE, "Ben's study")
    assert ben.post("/studio/save", data={"scenario": own}).status_code == 303
    with shop.app_context():
        db = get_session()
        owner = access.owner_of(db, db.exec(select(Study).where(Study.slug == "bens")).one())
    assert owner is not None and owner.email == BEN
    assert "Ben&#39;s study" in ben.get("/studies").get_data(as_text=True)
    assert _refused(_signed_in(shop, CARL).get("/studies/bens/summary"), "bens")


def test_two_admins_demoting_each_other_at_once_leave_one_admin(any_app: Flask) -> None:
    """Ana and Ben, the only admins, each demote the other at the same moment. Each decision
    reads how many admins remain, then writes; a hook on the engine (SQLAlchemy's
    ``after_cursor_execute``, a seam of the database library) makes that read take 0.3 s, as
    on a loaded database, so without the serialization both read "one other admin" before
    either writes, and no admin is left. With it, the second waits and is refused (Conflict)."""
    import threading

    from sqlalchemy import event

    from uxlab.errors import Conflict

    with any_app.app_context():
        db = get_session()
        auth.create_user(db, ANA, PASSWORD)
        auth.create_user(db, BEN, PASSWORD, role="admin")

    def slow_admin_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT") and "role" in statement:
            time.sleep(0.3)

    engine = any_app.extensions["uxlab.engine"]
    event.listen(engine, "after_cursor_execute", slow_admin_read)
    together, outcomes = threading.Barrier(2), []

    def demote(actor: str, other: str) -> None:
        with any_app.app_context():
            together.wait()
            try:
                auth.set_role(get_session(), other, "researcher", actor=actor)
                outcomes.append("demoted")
            except Conflict:
                outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=pair) for pair in ((ANA, BEN), (BEN, ANA))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    event.remove(engine, "after_cursor_execute", slow_admin_read)
    assert sorted(outcomes) == ["demoted", "refused"]
    with any_app.app_context():
        roles = sorted(user.role for user in auth.list_users(get_session()))
    assert roles == ["admin", "researcher"]
