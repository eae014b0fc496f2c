"""Build studies with known results through the production paths, for the summary and report tests.

Scenario files load with ``studies.load_scenario_file``; participants start with
``sessions.start_session``; attempts run through ``attempts.start_attempt`` and
``attempts.record_events`` (one tracker event per call, with the server's receive time
set to the attempt's start plus the event's ``t``); SEQ through ``attempts.record_seq``;
end questionnaires through ``sessions.save_responses``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from uxlab import studies
from uxlab.models import ParticipantSession, StudyVersion, Task
from uxlab.participants import attempts, sessions

SCENARIO = """\
slug: cx
title: "CX <test> & study"
product_name: Acme
consent: We record the pages you open.
site: {base_url: /demo}
questionnaires: [sus, umux_lite, nps, csat, ces]
free_text: Anything else?
tasks:
  - id: find
    prompt: Find the helpdesk portal.
    success: {url: /support/helpdesk}
    time_limit_s: 300
    target_time_s: 40
    stage: retention
    touchpoint: Helpdesk
    ideal_path: [{click: "a#support"}, {click: "a#helpdesk"}]
  - id: buy
    prompt: Find the price of the X200 router.
    success: {url: /products/router-x200}
    time_limit_s: 300
    target_time_s: 30
    stage: purchase
    touchpoint: Product page
    ideal_path: [{click: "a#products"}, {click: "a#x200"}]
  - id: about
    prompt: Find out who runs Acme.
    start: /
    success: {url: /about}
    time_limit_s: 300
    stage: awareness
    touchpoint: About page
"""
DESKTOP_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
SITE = "http://127.0.0.1:5000/demo"
_ids = itertools.count()


@dataclass(frozen=True)
class Try:
    """One attempt: outcome, the time its ending event is sent at (s), the pages seen, the SEQ."""

    outcome: str
    time_s: float
    pages: tuple[str, ...]
    seq: int


@dataclass(frozen=True)
class Person:
    """A participant: device, attempts by task key (in task order), questionnaire answers."""

    device: str
    tries: dict[str, Try]
    answers: dict[str, Any] = field(default_factory=dict)


def answers(sus: list[int], umux: list[int], nps: int, csat: int, ces: int, text: str = "") -> dict[str, Any]:
    """Form fields of the end questionnaires."""
    out: dict[str, Any] = {f"sus_{i}": v for i, v in enumerate(sus, start=1)}
    out |= {"umux_lite_1": umux[0], "umux_lite_2": umux[1], "nps": nps, "csat": csat, "ces": ces}
    return out | ({"free_text": text} if text else {})


def _ok(seconds: float, pages: tuple[str, ...], seq: int) -> Try:
    return Try("success", seconds, pages, seq)


DIRECT_FIND = ("/", "/support", "/support/helpdesk")
DIRECT_BUY = ("/", "/products", "/products/router-x200")
ABOUT = ("/", "/about")
PEOPLE = (
    Person(
        "desktop",
        {"find": _ok(20, DIRECT_FIND, 6), "buy": _ok(25, DIRECT_BUY, 7), "about": _ok(5, ABOUT, 7)},
        answers([5, 1, 5, 1, 5, 1, 5, 1, 5, 1], [7, 7], 10, 5, 7, "Great <b>site</b>"),
    ),
    Person(
        "desktop",
        {
            "find": _ok(35, ("/", "/about", "/support", "/support/helpdesk"), 5),
            "buy": Try("failure", 60, ("/", "/products"), 3),
            "about": _ok(8, ABOUT, 6),
        },
        answers([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], [6, 5], 9, 4, 6),
    ),
    Person(
        "desktop",
        {
            "find": Try("give_up", 90, ("/", "/products", "/contact"), 2),
            "buy": _ok(40, DIRECT_BUY, 5),
            "about": _ok(6, ABOUT, 7),
        },
        answers([3] * 10, [4, 4], 7, 3, 4),
    ),
    Person(
        "desktop",
        {
            "find": _ok(50, DIRECT_FIND, 4),
            "buy": Try("give_up", 70, ("/", "/contact"), 2),
            "about": _ok(12, ABOUT, 6),
        },
        answers([4, 1, 4, 2, 5, 2, 4, 1, 4, 2], [5, 6], 8, 4, 5),
    ),
    Person(
        "phone",
        {
            "find": Try("failure", 100, ("/", "/support"), 3),
            "buy": _ok(30, DIRECT_BUY, 6),
            "about": Try("failure", 20, ("/", "/contact"), 4),
        },
        answers([2, 4, 2, 4, 2, 4, 2, 4, 2, 4], [2, 3], 3, 2, 2),
    ),
    Person(
        "phone",
        {
            "find": _ok(28, DIRECT_FIND, 6),
            "buy": Try("timeout", 299, ("/", "/products"), 1),
            "about": _ok(9, ABOUT, 7),
        },
        answers([4, 2, 5, 1, 4, 2, 5, 2, 4, 1], [6, 6], 6, 4, 5),
    ),
)


def load(db: Session, folder: Path, text: str = SCENARIO, name: str = "cx.yaml") -> StudyVersion:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    version, _ = studies.load_scenario_file(db, path)
    return version


def run_try(db: Session, ps: ParticipantSession, task: Task, attempt_spec: Try) -> None:
    """Run one attempt through the events API's recording functions, then store its SEQ."""
    attempt = attempts.start_attempt(db, ps, task)
    start = attempt.started_at
    pages = attempt_spec.pages
    ends_on_page = attempt_spec.outcome == "success"
    for j, page in enumerate(pages):
        last = j == len(pages) - 1
        t_s = attempt_spec.time_s if (last and ends_on_page) else attempt_spec.time_s * j / len(pages)
        send(db, attempt.token, start, {"type": "pageview", "url": SITE + page, "t": t_s * 1000})
    if not ends_on_page:
        kind = {"failure": "done"}.get(attempt_spec.outcome, attempt_spec.outcome)
        send(db, attempt.token, start, {"type": kind, "t": attempt_spec.time_s * 1000})
    db.refresh(attempt)
    assert attempt.outcome == attempt_spec.outcome, (task.key, attempt.outcome, attempt_spec)
    attempts.record_seq(db, attempt, attempt_spec.seq)


def send(db: Session, token: str, start: Any, event: dict[str, Any]) -> None:
    event = {"id": f"e{next(_ids)}", **event}
    attempts.record_events(db, token, [event], None, now=start + timedelta(milliseconds=event["t"]))


def add_person(db: Session, version: StudyVersion, person: Person) -> ParticipantSession:
    ua = DESKTOP_UA if person.device == "desktop" else PHONE_UA
    ps = sessions.start_session(db, version, ua, "en")
    assert ps.device_class == person.device
    tasks = {t.key: t for t in db.exec(select(Task).where(Task.study_version_id == version.id))}
    for key, attempt_spec in person.tries.items():
        run_try(db, ps, tasks[key], attempt_spec)
    if person.answers:
        sessions.save_responses(db, ps, person.answers)
    return ps


def seed(db: Session, folder: Path, people: tuple[Person, ...] = PEOPLE) -> list[ParticipantSession]:
    """Load the scenario and run every person through it."""
    version = load(db, folder)
    return [add_person(db, version, person) for person in people]


def seed_second_version(db: Session, folder: Path) -> StudyVersion:
    """Version 2 (an edited prompt): four desktop participants, slower and less happy at "find"."""
    v2 = load(db, folder, SCENARIO.replace("Find the helpdesk portal.", "Find the helpdesk."))
    rest = {k: PEOPLE[0].tries[k] for k in ("buy", "about")}
    for seq, time_s in ((1, 80), (1, 95), (2, 70), (1, 120)):
        add_person(db, v2, Person("desktop", {"find": Try("success", time_s, DIRECT_FIND, seq), **rest}))
    return v2
