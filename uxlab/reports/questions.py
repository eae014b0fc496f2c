"""Figures of the researcher's own questions, and of recruiting (quota, screener), for one study.

Each question of the study's current version (after a task, or in the final block) gets
its respondents (sessions that answered it under the filters) and:

- single and multiple choice: each option's share of the respondents with its
  adjusted-Wald interval (``metrics.question_stats.choice_share``); a multiple choice's
  shares may add up to more than 100 %;
- rating: the mean with its t interval (``metrics.question_stats.rating_mean``);
- short text: the answers, as typed (researchers only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from uxlab import studies
from uxlab.metrics.question_stats import choice_share, rating_mean
from uxlab.metrics.results import Estimate
from uxlab.models import ParticipantSession, QuestionAnswer, Screening, Study, StudyVersion
from uxlab.reports.filters import Filters
from uxlab.reports.sql import where_filters
from uxlab.scenarios.questions import QuestionSpec


@dataclass(frozen=True)
class QuestionFigures:
    """One question's figures: ``task`` is the task's id, or "" for the final block."""

    task: str
    question: QuestionSpec
    respondents: int
    options: tuple[tuple[str, int, Estimate | None], ...] = ()  # option, respondents choosing it, share
    mean: Estimate | None = None
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recruiting:
    """Where recruiting stands: finished participants against the quota, screened out, closing date."""

    finished: int
    quota_total: int | None
    quota_per_device: tuple[tuple[str, int], ...]
    screened_out: int
    close_at: datetime | None
    capture: tuple[str, ...]


def question_figures(db: Session, slug: str, filters: Filters) -> list[QuestionFigures]:
    """Figures of every own question of the study's current version, task questions first."""
    study = studies.get_study(db, slug)
    scenario = studies.scenario_of(studies.current_version(db, study))
    asked = [(task.id, q) for task in scenario.tasks for q in task.questions]
    asked += [("", q) for q in scenario.questions]
    answers = _answers(db, study.id or 0, filters)
    return [_figures(task, q, answers.get((task, q.id), [])) for task, q in asked]


def recruiting_state(db: Session, slug: str, finished: int) -> Recruiting | None:
    """The recruit section's state (None when the study has none); ``finished`` from the summary."""
    study = studies.get_study(db, slug)
    recruit = studies.scenario_of(studies.current_version(db, study)).recruit
    if recruit is None:
        return None
    return Recruiting(
        finished=finished,
        quota_total=recruit.quota_total,
        quota_per_device=recruit.quota_per_device,
        screened_out=screened_out_count(db, study),
        close_at=recruit.close_at,
        capture=recruit.capture,
    )


def screened_out_count(db: Session, study: Study) -> int:
    """How many browsers the screener turned away (never participant sessions)."""
    query = (
        sa_select(func.count())
        .select_from(Screening)
        .where(col(Screening.study_id) == study.id, col(Screening.passed).is_(False))
    )
    return int(db.connection().execute(query).scalar_one())


Answer = tuple[int, int | None, str | None]  # session id, value, text


def _answers(db: Session, study_id: int, filters: Filters) -> dict[tuple[str, str], list[Answer]]:
    qa = QuestionAnswer.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(qa.task_key, qa.question_id, qa.session_id, qa.value, qa.text)
        .join_from(QuestionAnswer, ParticipantSession, qa.session_id == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .order_by(qa.id)
    )
    found: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    for task, question, session_id, value, text in db.connection().execute(
        where_filters(query, study_id, filters)
    ):
        found[(task, question)].append((session_id, value, text))
    return found


def _figures(task: str, q: QuestionSpec, answers: list[Answer]) -> QuestionFigures:
    respondents = len({session_id for session_id, _, _ in answers})
    if q.type in ("single", "multiple"):
        chosen = {option: {s for s, _, text in answers if text == option} for option in q.options}
        options = tuple(
            (option, len(who), choice_share(len(who), respondents) if respondents else None)
            for option, who in chosen.items()
        )
        return QuestionFigures(task, q, respondents, options=options)
    if q.type == "rating":
        values = [value for _, value, _ in answers if value is not None]
        mean = rating_mean(values, q.low, q.high) if values else None
        return QuestionFigures(task, q, respondents, mean=mean)
    return QuestionFigures(task, q, respondents, texts=tuple(text for _, _, text in answers if text))
