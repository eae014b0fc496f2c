"""Researcher accounts: argon2 password hashes, sign-in, and the ``login_required`` guard.

Accounts are made with ``uxlab users create`` (or ``create_user``); there is no
self-service sign-up. A signed-in researcher is remembered by their user id in Flask's
signed session cookie.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import g, redirect, request, session, url_for
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from uxlab.db import get_session
from uxlab.errors import BadRequest, Conflict, NotFound
from uxlab.models import User

MIN_PASSWORD_LENGTH = 10
SESSION_KEY = "uxlab_user_id"
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


def create_user(db: Session, email: str, password: str) -> User:
    """Store a new researcher account; Conflict if the email already has one."""
    address = normalize_email(email)
    password_hash = hash_password(password)
    if db.exec(select(User).where(User.email == address)).first() is not None:
        raise Conflict(f"a researcher account for {address} already exists", field="email")
    user = User(email=address, password_hash=password_hash)
    db.add(user)
    try:
        db.commit()
    except IntegrityError as error:  # a concurrent create won the race
        db.rollback()
        raise Conflict(f"a researcher account for {address} already exists", field="email") from error
    return user


def set_password(db: Session, email: str, password: str) -> User:
    """Replace the password of an existing account."""
    user = db.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(f"no researcher account for {email}", field="email")
    user.password_hash = hash_password(password)
    db.add(user)
    db.commit()
    return user


def count_users(db: Session) -> int:
    return int(db.exec(select(func.count()).select_from(User)).one())


def authenticate(db: Session, email: str, password: str) -> User | None:
    """Return the user when email and password match, else None (same work either way)."""
    hasher = PasswordHasher()
    user = db.exec(select(User).where(User.email == email.strip().lower())).first()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        db.add(user)
        db.commit()
    return user


def login(user: User) -> None:
    """Remember the user in the session cookie (a fresh CSRF token comes with it)."""
    session.pop("csrf_token", None)
    session[SESSION_KEY] = user.id


def logout() -> None:
    session.pop(SESSION_KEY, None)
    session.pop("csrf_token", None)


def current_user(db: Session) -> User | None:
    """Return the signed-in user of this request (cached on ``g``), or None."""
    if "uxlab_user" not in g:
        user_id = session.get(SESSION_KEY)
        g.uxlab_user = db.get(User, user_id) if isinstance(user_id, int) else None
    user: User | None = g.uxlab_user
    return user


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def login_required(view: F) -> F:
    """Let signed-in researchers through; send everyone else to /login?next=<this page>."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user(get_session()) is None:
            here = request.full_path.rstrip("?") if request.query_string else request.path
            return redirect(url_for("researcher.login", next=here))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
