"""The New-study page never adds a version to an existing study (audit finding: an admin's
paste of ``slug: checkout`` there was "saved as version 2" of the existing study, its title
changed without a word). Adding a version is done in the study's own editor."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from tests.web.test_studio import GOOD, PASSWORD, _signed_in, _versions
from uxlab import access, auth
from uxlab.db import get_session
from uxlab.models import Study

EDITED = GOOD.replace("title: Checkout", "title: Someone else's checkout")
EDITOR_LINK = 'href="/studies/checkout/edit"'


def _title(app: Flask) -> str:
    with app.app_context():
        return get_session().exec(select(Study.title).where(Study.slug == "checkout")).one()


def test_new_study_refuses_the_slug_of_an_existing_study_and_links_to_its_editor(any_app: Flask) -> None:
    admin = _signed_in(any_app)  # the first account: an admin, who sees every study
    assert admin.post("/studio/save", data={"scenario": GOOD}).status_code == 303
    refused = admin.post("/studio/save", data={"scenario": EDITED, "slug": ""})  # as /studies/new posts
    assert refused.status_code == 409
    assert "the slug &#39;checkout&#39; belongs to an existing study, “Checkout”" in refused.text
    assert EDITOR_LINK in refused.text and 'role="alert"' in refused.text
    assert "Someone else&#39;s checkout" in refused.text  # the text stays in the editor
    assert [v.number for v in _versions(any_app)] == [1] and _title(any_app) == "Checkout"
    # From another study's editor, a text naming this slug is refused the same way.
    other = admin.post("/studio/save", data={"scenario": EDITED, "slug": "basket"})
    assert other.status_code == 409 and EDITOR_LINK in other.text
    # The same content again (a double click's second post) changes nothing: no refusal.
    again = admin.post("/studio/save", data={"scenario": GOOD})
    assert again.status_code == 303 and again.headers["Location"] == "/studies/checkout/edit"
    # The study's own editor adds the version, as before.
    saved = admin.post("/studio/save", data={"scenario": EDITED, "slug": "checkout"})
    assert saved.status_code == 303 and [v.number for v in _versions(any_app)] == [1, 2]
    assert _title(any_app) == "Someone else's checkout"


def test_a_researchers_own_study_is_refused_too_and_anothers_stays_unnamed(app: Flask) -> None:
    admin = _signed_in(app)
    with app.app_context():
        auth.create_user(get_session(), "ben@example.org", PASSWORD)
    ben = app.test_client()
    ben.post("/login", data={"email": "ben@example.org", "password": PASSWORD})
    assert admin.post("/studio/save", data={"scenario": GOOD}).status_code == 303
    hidden = ben.post("/studio/save", data={"scenario": EDITED})
    assert hidden.status_code == 409 and "is taken" in hidden.text
    assert EDITOR_LINK not in hidden.text and "“Checkout”" not in hidden.text  # revealed nothing
    with app.app_context():
        study = get_session().exec(select(Study).where(Study.slug == "checkout")).one()
        access.share(get_session(), study, "ben@example.org")
        get_session().commit()
    shared = ben.post("/studio/save", data={"scenario": EDITED})
    assert shared.status_code == 409 and EDITOR_LINK in shared.text
    assert [v.number for v in _versions(app)] == [1]


def test_the_new_study_page_says_an_existing_slug_is_refused(app: Flask) -> None:
    page = _signed_in(app).get("/studies/new").text
    assert "the slug of an existing study is refused" in page
