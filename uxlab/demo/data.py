"""Synthetic demo data, so the first sign-in to ``uxlab demo`` shows a study with results.

Participants are recorded through the real recording code (``sessions.start_session``,
``attempts.start_attempt``/``record_events``/``record_seq``, ``sessions.save_responses``)
with back-dated clocks, and probe results through ``probe_uploads.store_upload``, so every
report reads them exactly as it reads real data. What it makes:

- an earlier version of the demo study (the hotline task had a longer time limit and the
  warranty task asked differently), with participants from four to two weeks ago;
- the current version from ``scenarios/``, with participants from the last two weeks;
- a variant study ``<slug>-b`` ("variant_of" the demo study) for the compare page;
- probe uploads of six builds on two branches.

Everything is marked: participants carry :data:`DEMO_MARK` in their user agent, uploads come
through a token labelled :data:`DEMO_TOKEN_LABEL`, and the variant study's title ends with
"(demo variant)". :func:`remove_demo_data` (``uxlab demo --remove-data``) deletes exactly that.
The generator is seeded, so two fresh demos show the same figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlmodel import Session, col, delete, select

from uxlab import scenarios, studies
from uxlab.demo import builds, paths
from uxlab.demo.builds import DEMO_TOKEN_LABEL, SITE
from uxlab.models import (
    ApiToken,
    Attempt,
    Event,
    ParticipantSession,
    ProbeResult,
    ProbeUpload,
    Response,
    ShareLink,
    Study,
    StudyShare,
    StudyVersion,
    Task,
)
from uxlab.participants import attempts, sessions
from uxlab.scenarios import Scenario, TaskSpec

DEMO_MARK = "uxlab-demo-data"
VARIANT_SUFFIX = " (demo variant)"
AGENTS = {
    "desktop": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
    "phone": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36",
    "tablet": "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1",
}
# How likely a task succeeds for an average participant; the variant does better by design.
SUCCESS, SUCCESS_VARIANT = 0.72, 0.84


@dataclass(frozen=True)
class DemoData:
    """What :func:`add_demo_data` made."""

    participants: int
    versions: int
    uploads: int


def _earlier(scenario: Scenario) -> Scenario:
    """The demo study as it was two weeks ago: a longer hotline limit, another warranty prompt."""
    tasks = tuple(
        replace(t, time_limit_s=t.time_limit_s * 1.5)
        if t.id == "find-hotline"
        else replace(t, prompt=t.prompt.replace("Find out", "Look up"))
        for t in scenario.tasks
    )
    return replace(scenario, tasks=tasks)


def _variant(scenario: Scenario) -> Scenario:
    return replace(
        scenario, slug=scenario.slug + "-b", title=scenario.title + VARIANT_SUFFIX, variant_of=scenario.slug
    )


def add_demo_data(db: Session, scenario_path: Path, *, people: int = 240, seed: int = 7) -> DemoData | None:
    """Record demo participants and probe uploads for the study of ``scenario_path``.

    Runs before the scenario files are loaded on a fresh database, so the earlier version is
    version 1 and the file version 2. Returns None (and does nothing) once the study has
    participants; on a study that exists without them, it records on its current version only.
    """
    file_scenario = scenarios.load(scenario_path)
    source = str(scenario_path)
    existing = db.exec(select(Study).where(Study.slug == file_scenario.slug)).first()
    if existing is not None and _has_sessions(db, existing.id):
        return None
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    plan: list[tuple[StudyVersion, float, int, int, int]] = []
    if existing is None:
        earlier, _ = studies.store_scenario(db, _earlier(file_scenario), source)
        plan.append((earlier, SUCCESS, 28, 15, people * 2 // 5))
    latest, _ = studies.store_scenario(db, file_scenario, source)
    variant, _ = studies.store_scenario(db, _variant(file_scenario), "")
    plan += [(latest, SUCCESS, 14, 0, people * 2 // 5), (variant, SUCCESS_VARIANT, 14, 0, people // 5)]
    count = 0
    for version, p_success, first_day, last_day, n in plan:
        tasks = {t.key: t for t in studies.tasks_of(db, version)}  # read once per version
        for _ in range(n):
            day = now - timedelta(days=rng.uniform(last_day, first_day))
            _participant(db, version, tasks, rng, min(day, now - timedelta(hours=1)), p_success)
            count += 1
    uploads = builds.add_builds(db, file_scenario.slug, rng, now)
    return DemoData(participants=count, versions=len(plan) - 1, uploads=uploads)


def _has_sessions(db: Session, study_id: int | None) -> bool:
    query = (
        select(ParticipantSession.id)
        .join(StudyVersion, col(StudyVersion.id) == col(ParticipantSession.study_version_id))
        .where(StudyVersion.study_id == study_id)
        .limit(1)
    )
    return db.exec(query).first() is not None


def _participant(
    db: Session,
    version: StudyVersion,
    tasks: dict[str, Task],
    rng: random.Random,
    start: datetime,
    p_success: float,
) -> None:
    device = rng.choices(["desktop", "phone", "tablet"], [0.55, 0.37, 0.08])[0]
    language = rng.choices(["en", "de", "ru"], [0.7, 0.2, 0.1])[0]
    ps = sessions.start_session(db, version, f"{AGENTS[device]} {DEMO_MARK}", language)
    ps.started_at = ps.consented_at = start
    db.add(ps)
    db.commit()
    scenario = studies.scenario_of(version)
    clock = start + timedelta(seconds=20)
    skill = rng.gauss(0.0, 0.35)  # some people are faster and luckier than others
    for key in ps.task_order:
        spec = scenario.task(key)
        if rng.random() < 0.04:  # leaves mid-study, closing the tab mid-task: the rest stay unattempted
            _abandon(db, ps, tasks[key], spec, clock)
            return
        clock = _attempt(db, ps, tasks[key], spec, rng, clock, p_success + skill / 4, skill)
    if rng.random() < 0.9:
        finished = clock + timedelta(seconds=rng.uniform(40, 120))
        rows = sessions.save_responses(db, ps, _answers(rng, p_success + skill / 4))
        for row in rows or ():  # answered when the session finished, not when the demo was made
            row.created_at = finished
            db.add(row)
        ps.finished_at = finished
        db.add(ps)
        db.commit()


def _attempt(
    db: Session,
    ps: ParticipantSession,
    task: Task,
    spec: TaskSpec,
    rng: random.Random,
    clock: datetime,
    p_success: float,
    skill: float,
) -> datetime:
    attempt = attempts.start_attempt(db, ps, task)
    attempt.started_at = clock
    db.add(attempt)
    db.commit()
    target = spec.target_time_s or 40.0
    roll = rng.random()
    outcome = (
        "success"
        if roll < p_success
        else rng.choices(["failure", "give_up", "timeout"], [0.5, 0.35, 0.15])[0]
    )
    limit_s = spec.time_limit_s
    time_s = (
        min(limit_s * 0.95, target * rng.lognormvariate(0.15 - skill, 0.45))
        if outcome != "timeout"
        else limit_s
    )
    direct = outcome == "success" and rng.random() < 0.6
    # "Done" on a self-report task is a success whatever the roll: its route reaches the page too.
    succeeds = outcome == "success" or (outcome == "failure" and spec.success.kind == "self_report")
    kind = ("direct" if direct else "indirect") if succeeds else "other"
    # The route is picked by the start and the time already drawn, not by a new draw: the
    # seeded stream, and with it every outcome, time and rating of the demo, stays as it was.
    pages = paths.route(spec.id, spec.start, kind, (clock.microsecond / 1e6 + time_s) % 1)
    events: list[dict[str, Any]] = [
        {"type": "pageview", "url": f"{SITE}/demo{page}", "t": time_s * 1000 * j / len(pages)}
        for j, page in enumerate(pages)
    ]
    end_t = time_s * 1000
    if outcome == "success":
        kind = spec.success.kind
        if kind == "url":  # the success page itself ends the attempt
            events.append({"type": "pageview", "url": f"{SITE}/demo{spec.success.pattern}", "t": end_t})
        elif kind == "click":
            events.append({"type": "click", "selectors": [spec.success.selector], "tag": "a", "t": end_t})
        elif kind == "answer":
            events.append({"type": "answer", "answer": spec.success.accepted[0], "t": end_t})
        else:
            events.append({"type": "done", "t": end_t})
    elif outcome == "failure":
        events.append({"type": "done", "t": end_t})
    else:
        events.append({"type": outcome, "t": end_t})
    # One batch, received when the last event happened (as a tracker that was offline until then).
    batch = [{"id": f"d{i}", **event} for i, event in enumerate(events)]
    attempts.record_events(db, attempt.token, batch, None, now=clock + timedelta(milliseconds=end_t))
    db.refresh(attempt)
    if attempt.ended_at is not None:
        seq = 6.2 - 2.2 * (outcome != "success") + rng.gauss(skill, 0.9) - time_s / target / 4
        attempts.record_seq(db, attempt, max(1, min(7, round(seq))))
    return clock + timedelta(seconds=time_s + rng.uniform(8, 30))


def _abandon(db: Session, ps: ParticipantSession, task: Task, spec: TaskSpec, clock: datetime) -> None:
    """Start ``task``, view its start page, close the tab: the server ends it as abandoned at the limit."""
    attempt = attempts.start_attempt(db, ps, task)
    attempt.started_at = clock
    db.add(attempt)
    db.commit()
    view = [{"id": "d0", "type": "pageview", "url": f"{SITE}/demo{spec.start}", "t": 800}]
    attempts.record_events(db, attempt.token, view, None, now=clock + timedelta(seconds=1))
    past_limit = clock + timedelta(
        seconds=spec.time_limit_s + float(current_app.config["CLOCK_TOLERANCE_S"]) + 1
    )
    attempts.expire_if_overdue(db, attempt, past_limit)  # what the sweep does (uxlab/participants/sweep.py)


def _answers(rng: random.Random, mood: float) -> dict[str, Any]:
    def agree(high: int, positive: bool) -> int:
        base = 1 + (high - 1) * min(1.0, max(0.0, rng.gauss(mood, 0.2)))
        return max(1, min(high, round(base if positive else high + 1 - base)))

    out: dict[str, Any] = {f"sus_{i}": agree(5, i % 2 == 1) for i in range(1, 11)}
    out |= {"umux_lite_1": agree(7, True), "umux_lite_2": agree(7, True)}
    out |= {
        "nps": max(0, min(10, round(rng.gauss(mood * 10, 2.2)))),
        "csat": agree(5, True),
        "ces": agree(7, True),
    }
    if rng.random() < 0.15:
        out["free_text"] = rng.choice(
            ["The helpdesk link was hard to find.", "Clear and quick.", "I expected support under Contact."]
        )
    return out


def remove_demo_data(db: Session) -> int:
    """Delete every demo participant, demo upload and demo variant study; return the participants."""
    marked = select(ParticipantSession.id).where(col(ParticipantSession.user_agent).contains(DEMO_MARK))
    count = len(db.exec(marked).all())
    attempt_ids = select(Attempt.id).where(col(Attempt.session_id).in_(marked))
    tokens = select(ApiToken.id).where(ApiToken.label == DEMO_TOKEN_LABEL)
    uploads = select(ProbeUpload.id).where(col(ProbeUpload.token_id).in_(tokens))
    variants = select(Study.id).where(col(Study.title).endswith(VARIANT_SUFFIX))
    variant_versions = select(StudyVersion.id).where(col(StudyVersion.study_id).in_(variants))
    statements = [  # children before parents (foreign keys)
        delete(Event).where(col(Event.attempt_id).in_(attempt_ids)),
        delete(Attempt).where(col(Attempt.session_id).in_(marked)),
        delete(Response).where(col(Response.session_id).in_(marked)),
        delete(ParticipantSession).where(col(ParticipantSession.id).in_(marked)),
        delete(ProbeResult).where(col(ProbeResult.upload_id).in_(uploads)),
        delete(ProbeUpload).where(col(ProbeUpload.token_id).in_(tokens)),
        delete(ApiToken).where(col(ApiToken.label) == DEMO_TOKEN_LABEL),
        delete(ShareLink).where(col(ShareLink.study_id).in_(variants)),
        delete(StudyShare).where(col(StudyShare.study_id).in_(variants)),
        delete(Task).where(col(Task.study_version_id).in_(variant_versions)),
        delete(StudyVersion).where(col(StudyVersion.study_id).in_(variants)),
        delete(Study).where(col(Study.id).in_(variants)),
    ]
    connection = db.connection()
    for statement in statements:
        connection.execute(statement)
    db.commit()
    return count
