"""Recruiting on the participant pages: the study link's query parameters (``?pid=...``),
carried from page to page until consent stores the captured ones; the way to the screener;
the polite "this study is full/closed" page."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from uxlab.db import get_session
from uxlab.errors import StudyFull
from uxlab.models import Study
from uxlab.participants import recruiting


def link_args() -> dict[str, Any]:
    """This request's query parameters, to pass on to the next page's URL.

    Names url_for would take as its own (``slug``, ``_external``, ...) are left out.
    """
    return {k: v for k, v in request.args.items() if k.isidentifier() and k[0] != "_" and k != "slug"}


def to_screener(slug: str, study: Study, public_id: str | None) -> Response | None:
    """The way to the screener for a newcomer of a screening study it has not let in (else None)."""
    db = get_session()
    if recruiting.screens(db, study) and not recruiting.screened_in(db, study, public_id):
        return redirect(url_for("screener.ask", slug=slug, **link_args()), code=303)
    return None


def full(error: StudyFull) -> ResponseReturnValue:
    """The polite "this study is full/closed" page (410), in the participant's language."""
    page = render_template(
        "participant/full.html", page_lang=g.get("uxlab_locale", "en"), reason=error.reason
    )
    return page, 410
