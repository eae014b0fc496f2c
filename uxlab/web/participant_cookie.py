"""The participant cookie: one signed cookie per study (``uxlab_p_<slug>``, path ``/s/<slug>``).

It holds the participant session's public id, given before consent (see
``sessions.start_session``), so every participant page, and the screener, can find where
the participant is in the study.
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

COOKIE_MAX_AGE_S = 90 * 24 * 3600


def cookie_name(slug: str) -> str:
    return f"uxlab_p_{slug}"


def signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="uxlab-participant")


def read_public_id(slug: str) -> str | None:
    """The public id in this study's cookie; None without a cookie or with a forged one."""
    try:
        value = signer().loads(request.cookies.get(cookie_name(slug), ""))
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def with_cookie(response: Response, slug: str, public_id: str) -> Response:
    """Set the participant cookie on ``response``."""
    response.set_cookie(
        cookie_name(slug),
        signer().dumps(public_id),
        max_age=COOKIE_MAX_AGE_S,
        path=f"/s/{slug}",
        httponly=True,
        samesite="Lax",
        # Behind a TLS proxy the request itself may be plain HTTP: PUBLIC_URL says how it is reached.
        secure=request.is_secure or str(current_app.config["PUBLIC_URL"]).startswith("https://"),
    )
    return response
