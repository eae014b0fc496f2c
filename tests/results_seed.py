"""Seed a small study with known results, for the researcher pages and the export tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession
from uxlab.participants import attempts, sessions

SCENARIO = """\
slug: shop
title: Shopping at Acme
product_name: Acme Networks
consent: We record the pages you open.
site: {base_url: /demo}
questionnaires: [nps]
free_text: Anything else?
tasks:
  - id: find-helpdesk
    prompt: Find the helpdesk portal.
    success: {url: /support/helpdesk}
    stage: retention
    touchpoint: Helpdesk portal
    ideal_path:
      - click: "nav a[href$='/support']"
      - click: "a#helpdesk-link"
  - id: hotline
    prompt: What is the support hotline's number?
    success: {answer: {question: "The number?", accepted: ["+1 555 0100"]}}
    stage: consideration
    touchpoint: Contact page
"""
DESKTOP_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
SERVER = "http://127.0.0.1:5000"
FREE_TEXT = "Nice, but the menu, hm…"


@dataclass(frozen=True)
class Seeded:
    """Public ids of the two seeded participants (desktop ``ana``, phone ``ben``)."""

    ana: str
    ben: str


def write_scenario(folder: Path, scenario: str = SCENARIO) -> Path:
    path = folder / "shop.yaml"
    path.write_text(scenario, encoding="utf-8")
    return path


def _events(db: Session, attempt: Attempt, seconds: float, *events: dict[str, Any]) -> None:
    """Post tracker events as the API does; the last one arrives ``seconds`` after Start."""
    batch = [{"id": uuid.uuid4().hex, "url": SERVER + "/demo/", "t": 0, **event} for event in events]
    batch[-1]["t"] = seconds * 1000
    now = attempt.started_at + timedelta(seconds=seconds)
    attempts.record_events(db, attempt.token, batch, SERVER, server_origins=[SERVER], now=now)


def _begin(db: Session, participant: ParticipantSession, number: int) -> Attempt:
    """Press Start as the participant page does; return the attempt behind the start URL's token."""
    url = sessions.begin_task(db, participant, number, SERVER)
    token = url.split("#uxlab=", 1)[1].rsplit("@", 1)[0]
    return db.exec(select(Attempt).where(Attempt.token == token)).one()


def _view(path: str) -> dict[str, Any]:
    return {"type": "pageview", "url": SERVER + "/demo" + path}


def _click(path: str) -> dict[str, Any]:
    return {"type": "click", "url": SERVER + "/demo" + path, "tag": "A", "selectors": ["a"]}


def seed_results(db: Session, folder: Path, scenario: str = SCENARIO) -> Seeded:
    """Record two participants through the product's own functions (loader, sessions, events).

    Ana (desktop) succeeds at both tasks (12.5 s with 2 clicks; 30 s by answering), rates
    them 6 and 5 and answers NPS 9 and the free text; Ben (phone) gives up on the first
    task after 60 s with 4 clicks, rates it 2, and is still in the second.
    """
    version, _ = studies.load_scenario_file(db, write_scenario(folder, scenario))
    ana = sessions.start_session(db, version, DESKTOP_UA, "en")
    ben = sessions.start_session(db, version, PHONE_UA, "en")
    first = _begin(db, ana, 1)
    _events(db, first, 12.5, _view("/"), _click("/"), _view("/support"), _click("/support"),
            _view("/support/helpdesk"))  # fmt: skip
    sessions.save_seq(db, ana, 1, "6")
    second = _begin(db, ana, 2)
    _events(db, second, 30.0, _view("/"), _click("/"), _view("/contact"),
            {"type": "answer", "answer": "+1 555 0100"})  # fmt: skip
    sessions.save_seq(db, ana, 2, "5")
    sessions.save_responses(db, ana, {"nps": "9", "free_text": FREE_TEXT})
    gave_up = _begin(db, ben, 1)
    _events(db, gave_up, 60.0, _view("/"), _click("/"), _view("/products"), _click("/products"),
            _click("/products"), _view("/about"), _click("/about"), {"type": "give_up"})  # fmt: skip
    sessions.save_seq(db, ben, 1, "2")
    _begin(db, ben, 2)
    return Seeded(ana=ana.public_id, ben=ben.public_id)
