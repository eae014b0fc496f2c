"""Access to studies and admin pages, checked once per request before any researcher view runs.

Every request to a researcher blueprint (``STUDY_BLUEPRINTS``) by a signed-in account is
checked here (``uxlab.access`` decides): a study the request's URL names (its ``slug``)
that the account may not see answers 404, as for no such study; an admin-only endpoint
(``ADMIN_ENDPOINTS``) answers 403 to a researcher. A view added later is covered as it
is. An anonymous request for a JSON endpoint answers 401 here; other anonymous visitors
are left to ``auth.login_required``, which sends them to the sign-in page. Comparisons
with a variant study take ``visible_variants`` (a variant the reader may not see is
refused as one that is no variant, and never chosen by default).
The preview blueprint is not checked: its ``slug`` names the draft in the researcher's
own cookie, not a stored study.
"""

from __future__ import annotations

from flask import Flask, request

from uxlab import access, auth
from uxlab.db import get_session
from uxlab.errors import Unauthorized
from uxlab.web.errors import answers_json

STUDY_BLUEPRINTS = frozenset({"researcher", "reports", "probes", "studio"})
# Their endpoints that anyone may open: a share link's secret is its credential, so an
# unknown one is a 404 (in JSON for a ".json" path), not "sign in".
PUBLIC_ENDPOINTS = frozenset({"reports.shared"})
# admin-only endpoints, with what the 403 says a researcher may not do
ADMIN_ENDPOINTS = {
    "researcher.audit_log": "read the audit trail",
    "researcher.accounts": "see the accounts",
    "researcher.set_role": "change an account's role",
}


def authorize() -> None:
    """Refuse what the signed-in account's role and shares do not allow (a ``before_request`` hook)."""
    if (request.blueprint or "") not in STUDY_BLUEPRINTS or request.endpoint in PUBLIC_ENDPOINTS:
        return
    db = get_session()
    user = auth.current_user(db)
    if user is None:
        # A script cannot use the sign-in page; the token-authenticated API under /api/ checks its token.
        if answers_json() and not request.path.startswith("/api/"):
            raise Unauthorized("sign in as a researcher first")
        return  # login_required sends the visitor to the sign-in page
    if request.endpoint in ADMIN_ENDPOINTS:
        access.require_admin(user, ADMIN_ENDPOINTS[request.endpoint])
    slug = (request.view_args or {}).get("slug")
    if isinstance(slug, str):
        access.study_for(db, user, slug)


def visible_variants(slug: str) -> list[str]:
    """The variants of ``slug`` the signed-in account may see (none when nobody is signed in)."""
    db = get_session()
    user = auth.current_user(db)
    return access.visible_variants(db, user, slug) if user is not None else []


def init_app(app: Flask) -> None:
    app.before_request(authorize)
