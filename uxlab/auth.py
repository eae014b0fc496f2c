"""Researcher accounts: argon2 password hashes, sign-in, sessions and the ``login_required`` guard.

Accounts are made with ``uxlab users create`` (or ``create_user``); there is no
self-service sign-up. Each has a role, ``admin`` or ``researcher`` (the first account is an
admin; ``uxlab.access`` says what each may do); the last active admin cannot be demoted or
disabled. Signing in makes a server-side session: a random id in Flask's
signed cookie and only its sha256 in the ``researchersession`` table. A session ends on
sign-out, when the account's password changes (all of its sessions), after
``SESSION_IDLE_S`` without a request and ``SESSION_MAX_S`` after signing in; a copied
cookie of an ended session signs nobody in.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from uxlab import audit
from uxlab.db import get_session, serialize
from uxlab.errors import BadRequest, Conflict, NotFound
from uxlab.models import User, utcnow
from uxlab.security_models import ResearcherSession

MIN_PASSWORD_LENGTH = 10
ADMIN, RESEARCHER = "admin", "researcher"
ROLES = (ADMIN, RESEARCHER)
SESSION_KEY = "uxlab_sid"
# last_seen_at is written at most this often (or a tenth of the idle limit, if shorter), so
# that every researcher request is not also a database write.
TOUCH_EVERY_S = 60.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so both cases take the same time."""
    return PasswordHasher().hash("uxlab-no-such-user")


def normalize_email(email: str) -> str:
    """Return the email trimmed and lower-cased, or raise BadRequest if it is not email-shaped."""
    cleaned = email.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise BadRequest(f"{email!r} is not an email address", field="email")
    return cleaned


def hash_password(password: str) -> str:
    """Hash a password with argon2id; refuse passwords shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    return PasswordHasher().hash(password)


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise BadRequest(f"the role must be {' or '.join(ROLES)}, not {role!r}", field="role")
    return role


def create_user(db: Session, email: str, password: str, role: str | None = None) -> User:
    """Store a new account (the first is an admin, later ones researchers); Conflict if it exists."""
    address = normalize_email(email)
    password_hash = hash_password(password)
    role = _checked_role(role) if role else (ADMIN if count_users(db) == 0 else RESEARCHER)
    if db.exec(select(User).where(User.email == address)).first() is not None:
        raise Conflict(f"a researcher account for {address} already exists", field="email")
    user = User(email=address, password_hash=password_hash, role=role)
    db.add(user)
    try:
        db.commit()
    except IntegrityError as error:  # a concurrent create won the race
        db.rollback()
        raise Conflict(f"a researcher account for {address} already exists", field="email") from error
    return user


def set_password(db: Session, email: str, password: str, *, end_sessions: bool = True) -> User:
    """Replace the password of an existing account (ending its sessions unless told not to).

    Only ``uxlab demo`` passes ``end_sessions=False``: it prints a fresh demo password on
    every start, and a restarted demo should not sign its researcher out.
    """
    user = get_user(db, email)
    user.password_hash = hash_password(password)
    db.add(user)
    if end_sessions:  # whoever had the old password may hold a session: end them all, in one commit
        db.execute(delete(ResearcherSession).where(col(ResearcherSession.user_id) == user.id))
    audit.record(db, "password_changed", actor=user.email)
    return user


def count_users(db: Session) -> int:
    return int(db.exec(select(func.count()).select_from(User)).one())


def get_user(db: Session, email: str) -> User:
    """The account with this email; NotFound if there is none."""
    user = db.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(f"no researcher account for {email}", field="email")
    return user


def _keep_an_admin(db: Session, user: User, doing: str) -> None:
    """Conflict when ``user`` is the last active admin: nobody could manage accounts after ``doing``.

    Serialized with every other such change (two admins demoting each other at once left none)."""
    serialize(db, "admins")
    db.refresh(user)
    if user.role != ADMIN or user.disabled_at is not None:
        return
    others = select(func.count()).select_from(User).where(User.role == ADMIN, User.id != user.id)
    if int(db.exec(others.where(col(User.disabled_at).is_(None))).one()) == 0:
        why = f"{user.email} is the last active admin; make another account admin first (uxlab users role"
        raise Conflict(f"{why} EMAIL admin), then {doing}", field="email")


def set_role(db: Session, email: str, role: str, *, actor: str = "") -> User:
    """Make an account an admin or a researcher (audited); Conflict for the last active admin."""
    user = get_user(db, email)
    if user.role != _checked_role(role):
        if role != ADMIN:
            _keep_an_admin(db, user, "demote this one")
        detail = f"{user.email}: {user.role} -> {role}"
        user.role = role
        db.add(user)
        audit.record(db, "role_changed", actor=actor or user.email, detail=detail)
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """Return the user when email and password match, else None (same work either way)."""
    hasher = PasswordHasher()
    user = db.exec(select(User).where(User.email == email.strip().lower())).first()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        db.add(user)
        db.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetimes() -> tuple[timedelta, timedelta]:
    """The idle and the absolute lifetime of a session, from the settings."""
    idle_s, max_s = (float(current_app.config[name]) for name in ("SESSION_IDLE_S", "SESSION_MAX_S"))
    return timedelta(seconds=idle_s), timedelta(seconds=max_s)


def _expired(row: ResearcherSession, now: datetime) -> bool:
    idle, most = _lifetimes()
    return now - row.last_seen_at > idle or now - row.created_at > most


def login(db: Session, user: User) -> None:
    """Start a new server-side session for ``user``; the cookie gets its id (and a fresh CSRF token)."""
    now = utcnow()
    idle, most = _lifetimes()
    # Ended sessions nobody signed out of are removed here, so the table stays small.
    stale = or_(
        col(ResearcherSession.last_seen_at) < now - idle, col(ResearcherSession.created_at) < now - most
    )
    db.execute(delete(ResearcherSession).where(stale))
    token = secrets.token_urlsafe(32)
    assert user.id is not None, "a stored user has an id"
    row = ResearcherSession(user_id=user.id, token_hash=_token_hash(token), created_at=now, last_seen_at=now)
    db.add(row)
    db.commit()
    session.clear()  # nothing from before the sign-in carries over (no session fixation)
    session[SESSION_KEY] = token
    g.pop("uxlab_user", None)


def logout(db: Session) -> None:
    """End this browser's session in the database and forget it in the cookie."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        db.execute(delete(ResearcherSession).where(col(ResearcherSession.token_hash) == _token_hash(token)))
        db.commit()
    session.clear()
    g.pop("uxlab_user", None)


def disable_user(db: Session, email: str) -> User:
    """Stop an account from signing in and end its sessions; NotFound if there is none.

    Conflict for the last active admin (nobody could manage accounts afterwards).
    """
    user = get_user(db, email)
    _keep_an_admin(db, user, "disable this one")
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        db.add(user)
        audit.record(db, "account_disabled", actor=user.email)
    revoke_sessions(db, int(user.id or 0))
    return user


def list_users(db: Session) -> list[User]:
    """Every researcher account, by email."""
    return list(db.exec(select(User).order_by(col(User.email))).all())


def revoke_sessions(db: Session, user_id: int) -> int:
    """End every session of one account; return how many there were."""
    result = db.execute(delete(ResearcherSession).where(col(ResearcherSession.user_id) == user_id))
    db.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def _session_user(db: Session, token: object) -> User | None:
    """Return the user of a live session with this cookie id; end the session if it has expired."""
    if not isinstance(token, str) or not 0 < len(token) <= 100:
        return None
    row = db.exec(select(ResearcherSession).where(ResearcherSession.token_hash == _token_hash(token))).first()
    if row is None:
        return None
    now = utcnow()
    if _expired(row, now):
        db.delete(row)
        db.commit()
        return None
    idle, _most = _lifetimes()
    if (now - row.last_seen_at).total_seconds() > min(TOUCH_EVERY_S, idle.total_seconds() / 10):
        row.last_seen_at = now
        db.add(row)
        db.commit()
    user = db.get(User, row.user_id)
    return user if user is not None and user.disabled_at is None else None


def current_email(db: Session) -> str:
    """The signed-in researcher's email (for the audit trail), or an empty string."""
    user = current_user(db)
    return user.email if user else ""


def record_action(action: str, study_slug: str | None = None, detail: str = "") -> None:
    """Write ``action`` by the signed-in researcher of this request to the audit trail."""
    db = get_session()
    audit.record(db, action, actor=current_email(db), study_slug=study_slug, detail=detail)


def current_user(db: Session) -> User | None:
    """Return the signed-in user of this request (cached on ``g``), or None."""
    if "uxlab_user" not in g:
        g.uxlab_user = _session_user(db, session.get(SESSION_KEY))
    return g.uxlab_user


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirects).

    BadRequest if it holds control characters: they cannot go into a Location header.
    """
    if target and any(ord(c) < 32 or ord(c) == 127 for c in target):
        raise BadRequest("next must be a path on this site, without control characters", field="next")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def login_required(view: F) -> F:
    """Let signed-in researchers through; send everyone else to /login?next=<this page>."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user(get_session()) is None:
            here = request.full_path.rstrip("?") if request.query_string else request.path
            return redirect(url_for("researcher.login", next=here))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
