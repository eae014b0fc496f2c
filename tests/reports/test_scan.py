"""The CX summary's one-pass scan: exact times of any length, and no silent misreading of stored rows."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

import tests.summary_seed as seed
from uxlab import db as uxdb
from uxlab.errors import UxlabError
from uxlab.models import Attempt
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary

# time limits go up to 7,200 s (the scenario reader's maximum)
LONG_LIMITS = seed.SCENARIO.replace("time_limit_s: 300", "time_limit_s: 7200")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _one_try(time_s: float, seq: int = 6) -> seed.Person:
    return seed.Person("desktop", {"find": seed.Try("success", time_s, seed.DIRECT_FIND, seq)})


def test_long_and_sub_second_successes_come_from_the_one_pass_scan(session: Session, tmp_path: Path) -> None:
    version = seed.load(session, tmp_path, LONG_LIMITS)
    for time_s in (3000, 0.4):  # over 2,048 s, and under a second
        seed.add_person(session, version, _one_try(time_s))
    with statements(uxdb.get_engine()) as seen:
        s = build_summary(session, "cx")
    # one statement reads the times: the scan; a row-by-row fallback would be a second one
    assert len([sql for sql in seen if "time_on_task" in sql]) == 1
    find = next(r for r in s.tasks if r.key == "find")
    assert sorted(find.times_s) == [0.4, 3000.0]
    fig = s.figure("time_on_task_s")  # n < 25: the geometric mean of 3000 s and 0.4 s
    assert (fig.value, fig.n) == (pytest.approx(math.sqrt(3000 * 0.4), rel=1e-12), 2)


def test_an_unknown_outcome_is_an_error_not_a_timeout(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path, seed.PEOPLE[:1])
    attempt = session.exec(select(Attempt)).first()
    assert attempt is not None
    attempt.outcome = "abandoned"  # written by another program: uxlab's writers refuse it
    session.add(attempt)
    session.commit()
    with pytest.raises(UxlabError, match=r"1 stored attempt row\(s\) hold a value .*outcome"):
        build_summary(session, "cx")


def test_a_value_too_wide_for_its_field_is_an_error(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path, seed.PEOPLE[:1])
    attempt = session.exec(select(Attempt)).first()
    assert attempt is not None
    attempt.seq = 9  # SEQ has 3 bits: 9 would spill into the outcome
    session.add(attempt)
    session.commit()
    with pytest.raises(UxlabError, match="stored attempt row"):
        build_summary(session, "cx")


def test_other_sessions_in_the_id_range_add_no_answers(session: Session, tmp_path: Path) -> None:
    """Answers are read by the id range of the study's sessions (no join): a session of another
    study started in between, or one the device filter leaves out, must not add its answers."""
    cx = seed.load(session, tmp_path)
    other = seed.load(session, tmp_path, seed.SCENARIO.replace("slug: cx", "slug: other"), "other.yaml")
    # SUS of each from its items (seed.PEOPLE): 100 (desktop), 50, 25 (phone), 75 (desktop)
    seed.add_person(session, cx, seed.PEOPLE[0])
    seed.add_person(session, other, seed.PEOPLE[2])
    seed.add_person(session, cx, seed.PEOPLE[4])
    seed.add_person(session, cx, seed.PEOPLE[1])
    every = build_summary(session, "cx")
    assert (every.participants, every.figure("sus").n) == (3, 3)
    assert every.figure("sus").value == pytest.approx((100 + 25 + 75) / 3)
    desktop = build_summary(session, "cx", Filters(device="desktop"))
    assert (desktop.participants, desktop.figure("sus").n) == (2, 2)
    assert desktop.figure("sus").value == pytest.approx((100 + 75) / 2)
    assert desktop.attempts == len(seed.PEOPLE[0].tries) + len(seed.PEOPLE[1].tries)
    assert build_summary(session, "other").figure("sus").value == pytest.approx(50)
