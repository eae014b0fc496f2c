"""Seed a small study with known results, for the researcher pages and the export tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, StudyVersion, Task

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
FREE_TEXT = "Nice, but the menu, hm…"
T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    """Public ids of the two seeded participants (desktop ``ana``, phone ``ben``)."""

    ana: str
    ben: str


def write_scenario(folder: Path) -> Path:
    path = folder / "shop.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def _session(
    db: Session, version: StudyVersion, public_id: str, device: str, minutes: int
) -> ParticipantSession:
    ps = ParticipantSession(
        public_id=public_id,
        study_version_id=version.id,
        started_at=T0 + timedelta(minutes=minutes),
        consented_at=T0 + timedelta(minutes=minutes),
        device_class=device,
        user_agent=DESKTOP_UA if device == "desktop" else PHONE_UA,
        language="en",
        task_order=["find-helpdesk", "hotline"],
    )
    db.add(ps)
    db.flush()
    return ps


def _attempt(db: Session, ps: ParticipantSession, task: Task, token: str, **fields: object) -> None:
    db.add(Attempt(session_id=ps.id, task_id=task.id, token=token, **fields))


def seed_results(db: Session, folder: Path) -> Seeded:
    """Load the scenario through the product's loader; add two participants' results.

    Ana (desktop) succeeds at both tasks, rates them and answers the NPS and free text;
    Ben (phone) gives up on the first task and is still in the second.
    """
    version, _ = studies.load_scenario_file(db, write_scenario(folder))
    tasks = {t.key: t for t in db.exec(select(Task).where(Task.study_version_id == version.id))}
    ana = _session(db, version, "ana-0000-public-id", "desktop", 0)
    ben = _session(db, version, "ben-1111-public-id", "phone", 5)
    start = T0 + timedelta(minutes=1)
    _attempt(
        db, ana, tasks["find-helpdesk"], "tok-a1", started_at=start, ended_at=start + timedelta(seconds=12.5),
        outcome="success", time_on_task_s=12.5, path=["/", "/support", "/support/helpdesk"],
        click_count=2, direct=True, seq=6,
    )  # fmt: skip
    _attempt(
        db, ana, tasks["hotline"], "tok-a2", started_at=start + timedelta(minutes=1),
        ended_at=start + timedelta(minutes=1, seconds=30), outcome="success", time_on_task_s=30.0,
        path=["/", "/contact"], click_count=1, direct=False, answer="+1 555 0100", seq=5,
    )  # fmt: skip
    _attempt(
        db, ben, tasks["find-helpdesk"], "tok-b1", started_at=T0 + timedelta(minutes=6),
        ended_at=T0 + timedelta(minutes=7), outcome="give_up", time_on_task_s=None,
        path=["/", "/products", "/about"], click_count=4, seq=2,
    )  # fmt: skip
    _attempt(db, ben, tasks["hotline"], "tok-b2", started_at=T0 + timedelta(minutes=8), path=["/"])
    db.add(
        Response(
            session_id=ana.id, questionnaire="nps", item=1, value=9, created_at=T0 + timedelta(minutes=4)
        )
    )
    db.add(
        Response(
            session_id=ana.id,
            questionnaire="free_text",
            item=1,
            text="Nice, but the menu, hm…",
            created_at=T0 + timedelta(minutes=4),
        )
    )
    ana.finished_at = T0 + timedelta(minutes=4)
    db.add(ana)
    db.commit()
    return Seeded(ana=ana.public_id, ben=ben.public_id)
