"""Set up a ready-to-click demo instance: secret key, schema, the demo studies, a researcher.

``uxlab demo`` (and so ``make run``) calls ``prepare_demo`` and then serves the app.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlmodel import Session, select

from uxlab import auth, config, db, studies
from uxlab.demo import data
from uxlab.models import Study, User

DEMO_EMAIL = "demo@example.org"
SECRET_KEY_FILE = "secret_key"
DEMO_STUDY_FILE = "helpdesk.yaml"  # the study that gets synthetic participants


@dataclass(frozen=True)
class DemoSetup:
    """What ``prepare_demo`` did, for printing: links, and the researcher to sign in as."""

    participant_urls: tuple[str, ...]
    login_url: str
    email: str | None
    password: str | None
    secret_key_file: Path | None = None  # set when the demo uses its own generated key
    demo_participants: int = 0  # synthetic participants recorded by this call (first run only)


def demo_secret_key(instance: Path) -> Path:
    """Return the file holding this instance's generated secret key, making it on first use.

    The key stays in the instance folder so a restarted demo keeps its sessions; it is
    readable by its owner only.
    """
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
    return path


def _demo_password(session: Session) -> tuple[str | None, str | None]:
    """Create the demo researcher when there is no account, or give it a fresh password.

    The demo account is an admin (it sees every demo study, which have no owner), and is
    made one again if it was demoted. Returns (email, password); (None, None) when other
    accounts exist and no demo one.
    """
    password = secrets.token_urlsafe(12)
    if auth.count_users(session) == 0:
        auth.create_user(session, DEMO_EMAIL, password, auth.ADMIN)
        return DEMO_EMAIL, password
    if session.exec(select(User).where(User.email == DEMO_EMAIL)).first() is not None:
        auth.set_password(session, DEMO_EMAIL, password, end_sessions=False)
        auth.set_role(session, DEMO_EMAIL, auth.ADMIN, actor="(uxlab demo)")
        return DEMO_EMAIL, password
    return None, None


def prepare_demo(app: Flask, scenario_dir: Path | None = None, *, with_data: bool = True) -> DemoSetup:
    """Give the app a key, upgrade the database, load the demo studies, make the demo researcher.

    Without UXLAB_SECRET_KEY the key is the instance's generated one. ``scenario_dir``
    defaults to the demo studies shipped with uxlab (``scenarios/`` in a checkout).
    ``with_data`` records synthetic participants and probe builds for ``helpdesk.yaml``
    (``uxlab.demo.data``) the first time, before the files load, so reports show figures at once.
    """
    key_file = None
    if not app.config["SECRET_KEY"]:
        key_file = demo_secret_key(Path(app.instance_path))
        app.config["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    scenario_dir = scenario_dir or config.DEMO_SCENARIOS_DIR
    base = str(app.config["PUBLIC_URL"]).rstrip("/")
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        made = None
        if with_data and (scenario_dir / DEMO_STUDY_FILE).exists():
            made = data.add_demo_data(session, scenario_dir / DEMO_STUDY_FILE)
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
        secret_key_file=key_file,
        demo_participants=made.participants if made else 0,
    )
