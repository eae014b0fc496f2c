"""Which results a report covers: ``Filters``, parsed from query parameters and written back.

One definition for the dashboard, the comparisons, the CSV downloads and the per-day
counts; ``reports.sql`` turns it into SQL conditions (a session belongs to the day, UTC,
on which it started).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from uxlab.config import LANGUAGES
from uxlab.errors import BadRequest
from uxlab.scenarios.recruit import PARAM_MAX_CHARS, PARAM_RE
from uxlab.scenarios.tasks import TASK_ID_RE

DEVICE_CLASSES = ("desktop", "phone", "tablet")
OUTCOMES = ("success", "failure", "give_up", "timeout")  # an ended attempt's outcome
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2999, 12, 31)  # the dates a filter may name


@dataclass(frozen=True)
class Filters:
    """Which results a summary covers: device class, session start dates (inclusive), version number,
    participants' language, finished sessions only, a captured link parameter's value
    (``recruit.capture``: ``("pid", "PRO-42")``), an attempt outcome and a task key, and whether
    excluded participants count (``uxlab.participants.exclusions``; by default they do not).

    Outcome and task: the task figures count only the attempts with that outcome (of that
    task); every participant-level figure (participants, questionnaires, comments, answers)
    counts the participants who made at least one such attempt.
    """

    device: str | None = None
    since: date | None = None
    until: date | None = None
    version: int | None = None
    language: str | None = None
    finished: bool = False
    link: tuple[str, str] | None = None
    outcome: str | None = None
    task: str | None = None
    with_excluded: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Parse query parameters ``device``, ``since``, ``until`` (YYYY-MM-DD), ``version``; empty = any."""
        device = (args.get("device") or "").strip() or None
        if device is not None and device not in DEVICE_CLASSES:
            raise BadRequest(f"device must be one of {', '.join(DEVICE_CLASSES)}", field="device")
        dates = {}
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            try:
                day = dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                raise BadRequest(f"{name} must be a date like 2026-11-25", field=name) from None
            # Bounded so that the day after ``until`` and time-zone shifts stay valid dates.
            if day is not None and not FIRST_DATE <= day <= LAST_DATE:
                raise BadRequest(f"{name} must be a date from {FIRST_DATE} to {LAST_DATE}", field=name)
        if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
            raise BadRequest("since must not be after until", field="since")
        raw_version = (args.get("version") or "").strip()
        if raw_version and not (
            raw_version.isascii() and raw_version.isdigit() and 0 < int(raw_version) < 1_000_000
        ):
            raise BadRequest("version must be a study version number", field="version")
        language = (args.get("language") or "").strip() or None
        if language is not None and language not in LANGUAGES:
            raise BadRequest(f"language must be one of {', '.join(LANGUAGES)}", field="language")
        finished, excluded = _flag(args, "finished"), _flag(args, "excluded")
        outcome = (args.get("outcome") or "").strip() or None
        if outcome is not None and outcome not in OUTCOMES:
            raise BadRequest(f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome")
        task = (args.get("task") or "").strip() or None
        if task is not None and not TASK_ID_RE.match(task):
            raise BadRequest("task must be a task id of the study", field="task")
        return cls(
            device,
            dates["since"],
            dates["until"],
            int(raw_version) if raw_version else None,
            language=language,
            finished=finished,
            link=_link(args.get("link") or ""),
            outcome=outcome,
            task=task,
            with_excluded=excluded,
        )

    def to_args(self) -> dict[str, str]:
        """The filters as query parameters (only those set)."""
        out = {"device": self.device, "since": self.since, "until": self.until, "version": self.version}
        out |= {"language": self.language, "finished": 1 if self.finished else None}
        out["link"] = ":".join(self.link) if self.link else None
        out |= {"outcome": self.outcome, "task": self.task, "excluded": 1 if self.with_excluded else None}
        return {k: str(v) for k, v in out.items() if v is not None}

    def without_version(self) -> Filters:
        return replace(self, version=None)

    def without_attempt_filters(self) -> Filters:
        """The session filters only: no outcome or task, excluded participants in (checked apart)."""
        return replace(self, outcome=None, task=None, with_excluded=True)


def _flag(args: Mapping[str, str], name: str) -> bool:
    """A check box: ``1`` on, empty off; BadRequest for anything else."""
    raw = (args.get(name) or "").strip()
    if raw not in ("", "1"):
        raise BadRequest(f"{name} must be 1 or empty", field=name)
    return raw == "1"


def _link(raw: str) -> tuple[str, str] | None:
    """``NAME:VALUE`` as (name, value); None when empty; BadRequest when it is not that."""
    if not raw.strip():
        return None
    name, colon, value = raw.strip().partition(":")
    if not colon or not PARAM_RE.match(name) or not value or len(value) > PARAM_MAX_CHARS:
        why = f"link must be NAME:VALUE, a captured link parameter and its value (at most {PARAM_MAX_CHARS})"
        raise BadRequest(why, field="link")
    return name, value
