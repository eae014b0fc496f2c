"""Set up a ready-to-click demo instance: schema, the studies in ``scenarios/``, a researcher.

``uxlab demo`` (and so ``make run``) calls ``prepare_demo`` and then serves the app.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlmodel import Session, select

from uxlab import auth, db, studies
from uxlab.models import Study, User

DEMO_EMAIL = "demo@example.org"


@dataclass(frozen=True)
class DemoSetup:
    """What ``prepare_demo`` did, for printing: links, and the researcher to sign in as."""

    participant_urls: tuple[str, ...]
    login_url: str
    email: str | None
    password: str | None


def _demo_password(session: Session) -> tuple[str | None, str | None]:
    """Create the demo researcher when there is no account, or give it a fresh password.

    Returns (email, password); (None, None) when other accounts exist and no demo one.
    """
    password = secrets.token_urlsafe(12)
    if auth.count_users(session) == 0:
        auth.create_user(session, DEMO_EMAIL, password)
        return DEMO_EMAIL, password
    if session.exec(select(User).where(User.email == DEMO_EMAIL)).first() is not None:
        auth.set_password(session, DEMO_EMAIL, password)
        return DEMO_EMAIL, password
    return None, None


def prepare_demo(app: Flask, scenario_dir: Path) -> DemoSetup:
    """Upgrade the database, load every ``*.yaml`` in ``scenario_dir``, make the demo researcher."""
    base = str(app.config["PUBLIC_URL"]).rstrip("/")
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        slugs: list[str] = []
        for path in sorted(scenario_dir.glob("*.yaml")):
            version, _created = studies.load_scenario_file(session, path)
            study = session.exec(select(Study).where(Study.id == version.study_id)).one()
            slugs.append(study.slug)
        email, password = _demo_password(session)
    return DemoSetup(
        participant_urls=tuple(f"{base}/s/{slug}" for slug in slugs),
        login_url=f"{base}/login",
        email=email,
        password=password,
    )
