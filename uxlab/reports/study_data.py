"""A study's stored results as arrays (``queries.load`` reads them), and the view of one version.

The data of all versions lists each task key once, as the newest version that has it sets
it (prompt, stage, target time, ideal path, start), in the newest version's order, then the
keys only older versions have. ``StudyData.at(N)`` shows version N as it was asked: its own
tasks only, in its order, with its own settings, its own questionnaires and its CES scale, so
that loading a later version never changes the figures of an earlier one. All versions
together pool CES answers of the versions on the newest version's CES scale only: the two
scales differ in range and direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from uxlab.models import Study
from uxlab.reports.answers import Answers


@dataclass(frozen=True)
class TaskInfo:
    """A task key as the summary shows it (from its version, or the newest version that has it)."""

    key: str
    prompt: str
    stage: str
    touchpoint: str
    target_time_s: float | None
    start: str
    ideal_path: bool = True  # False: no ideal path, so direct success is undefined


@dataclass(frozen=True)
class VersionSettings:
    """What one stored version asks: its tasks in its order, its end questionnaires, its CES scale."""

    tasks: tuple[TaskInfo, ...]
    questionnaires: tuple[str, ...]
    ces_scale: str = "2.0"  # the scenario's ces_version, "2.0" or "1.0"

    @property
    def ces_version(self) -> str | None:
        """The CES version the version asks (None: it asks no CES)."""
        return self.ces_scale if "ces" in self.questionnaires else None


@dataclass(frozen=True)
class StudyData:
    """Stored results of one study as arrays; attempts and respondents carry their version number."""

    study: Study
    versions: tuple[int, ...]
    ces_version: str | None
    tasks: tuple[TaskInfo, ...]
    a_task: np.ndarray  # index into tasks
    a_version: np.ndarray
    a_outcome: np.ndarray  # codes of OUTCOME_CODES
    a_seq: np.ndarray  # NaN when not answered
    a_direct: np.ndarray  # 1 direct, 0 indirect/not a success, -1 unknown (no ideal path)
    t_task: np.ndarray  # successful attempts' times: task index, version, seconds
    t_version: np.ndarray
    t_time_s: np.ndarray
    answers: dict[str, Answers]  # questionnaire -> complete answers (CES: each version on its own scale)
    failure_ends: tuple[tuple[int, int, str, int], ...]  # (version, task index, last page, count)
    days: tuple[tuple[int, str, int, int], ...]  # (version, day, started, finished)
    comments: tuple[tuple[int, str, str], ...] = ()  # (version, day, text), newest first
    questionnaires: tuple[str, ...] | None = None  # those the version shown (all: the newest) asks
    # (version, task index, successful times) under no filters; None: the filters leave out
    # no session, so the loaded times are all of them (``centre_n``)
    all_times: tuple[tuple[int, int, int], ...] | None = None
    settings: Mapping[int, VersionSettings] = field(default_factory=dict)  # by version number
    whole: StudyData | None = field(default=None, repr=False, compare=False)  # all versions; None: this
    # versions whose CES answers, on another scale than ``ces_version``'s, all versions leave out
    ces_left_out: tuple[int, ...] = ()

    def centre_n(self, task: int | None, version: int | None) -> int | None:
        """The count of successful times that chooses the centre of the time of ``task`` (None:
        all tasks) in ``version`` (None: all): the count without the session filters, the version
        being shown only. None when the filters leave out no session: the figure's own count is it.
        """
        if self.all_times is None:
            return None
        return sum(n for v, i, n in self.all_times if version in (None, v) and task in (None, i))

    def at(self, version: int | None) -> StudyData:
        """The data as the reports of ``version`` show it (None: all versions).

        Version N's view lists N's tasks only, in N's order, with N's settings, questionnaires and
        CES version;
        attempts at tasks N does not have (in other versions) are left out. The other versions'
        attempts at N's tasks stay: findings compare N with the version before it.
        """
        whole = self.whole or self
        if version is None:
            return whole
        own = whole.settings[version]
        index = {info.key: i for i, info in enumerate(whole.tasks)}
        remap = np.full(len(whole.tasks), -1, dtype=np.int64)
        remap[[index[info.key] for info in own.tasks]] = np.arange(len(own.tasks))
        view = replace(
            whole,
            tasks=own.tasks,
            questionnaires=own.questionnaires,
            ces_version=own.ces_version,
            ces_left_out=(),
            whole=whole,
        )
        if np.array_equal(remap, np.arange(remap.size)):  # the same tasks in the same order
            return view
        a_task, t_task = remap[whole.a_task], remap[whole.t_task]
        a, t = a_task >= 0, t_task >= 0  # masks keep the stored order within each task
        all_times = whole.all_times
        return replace(
            view,
            a_task=a_task[a],
            a_version=whole.a_version[a],
            a_outcome=whole.a_outcome[a],
            a_seq=whole.a_seq[a],
            a_direct=whole.a_direct[a],
            t_task=t_task[t],
            t_version=whole.t_version[t],
            t_time_s=whole.t_time_s[t],
            failure_ends=tuple(
                (v, int(remap[i]), p, n) for v, i, p, n in whole.failure_ends if remap[i] >= 0
            ),
            all_times=None
            if all_times is None
            else tuple((v, int(remap[i]), n) for v, i, n in all_times if remap[i] >= 0),
        )
