"""Abandonment and drop-off per task: attempts nobody finished because the tab was gone.

An abandoned attempt is a timeout that no tracker reported: the server ended it past the
time limit plus CLOCK_TOLERANCE_S (the sweep, a study page or a report read; see
``uxlab/participants/sweep.py``), so the participant had closed the tab or was offline at
the limit. It stays a ``timeout`` in every rate of the summary (a task not done in time);
this table says how many of those timeouts were people leaving, task by task, over all
versions and participants (the dashboard's filters do not apply) but those a researcher
excluded.

``abandoned_share`` = abandoned / ended attempts of the task; ``drop_off_share`` = sessions
that reached the task (an attempt was started) and abandoned it / sessions that reached it.
The two differ only when a participant has more than one attempt at a task.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from uxlab import studies
from uxlab.models import Attempt, StudyVersion, Task
from uxlab.reports.filters import Filters
from uxlab.reports.sql import not_excluded, sessions_join


@dataclass(frozen=True)
class TaskAbandonment:
    """One task's attempts: ended, abandoned, still running; sessions that reached it and left."""

    task: str
    ended: int
    abandoned: int
    running: int
    reached: int
    dropped: int

    @property
    def abandoned_share(self) -> float | None:
        return self.abandoned / self.ended if self.ended else None

    @property
    def drop_off_share(self) -> float | None:
        return self.dropped / self.reached if self.reached else None


def by_task(db: Session, slug: str) -> list[TaskAbandonment]:
    """Abandonment per task key of the study, in the order of the newest version's tasks."""
    study = studies.get_study(db, slug)
    abandoned = case((col(Attempt.abandoned), 1), else_=0)
    rows = db.connection().execute(
        sessions_join(
            sql_select(
                col(Task.key),
                func.count(col(Attempt.ended_at)),
                func.sum(abandoned),
                func.count() - func.count(col(Attempt.ended_at)),
                func.count(func.distinct(Attempt.session_id)),
                func.count(func.distinct(case((col(Attempt.abandoned), Attempt.session_id)))),
            )
            .select_from(Attempt)
            .join(Task, col(Task.id) == Attempt.task_id)
        )
        .where(col(StudyVersion.study_id) == study.id, *not_excluded(col(Attempt.session_id), Filters()))
        .group_by(Task.key)
    )
    counts = {row[0]: TaskAbandonment(row[0], *(int(v or 0) for v in row[1:])) for row in rows}
    order = [task.key for task in studies.tasks_of(db, studies.current_version(db, study))]
    return [counts[key] for key in order if key in counts] + [
        counts[key] for key in sorted(counts) if key not in order
    ]
