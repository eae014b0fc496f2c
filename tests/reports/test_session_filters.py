"""Filters by participants' language and finished sessions only (issue 16): one definition
(``sql.session_conditions``) for the dashboard, the CSV downloads and the per-day counts.

Three participants of ``tests/summary_seed.py``: PEOPLE[0] in German (SUS 100, finished),
PEOPLE[1] in English (SUS 75, finished), PEOPLE[4] in German (SUS 25, left before the end:
its session has no finish time). SUS scores from their items (Brooke's formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

import tests.summary_seed as seed
from uxlab.errors import BadRequest
from uxlab.reports import downloads
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary


@pytest.fixture
def people(session: Session, tmp_path: Path) -> list[str]:
    """Public ids of the German finished, English finished and German unfinished sessions."""
    sessions = seed.seed(session, tmp_path, (seed.PEOPLE[0], seed.PEOPLE[1], seed.PEOPLE[4]))
    for ps, language in zip(sessions, ("de", "en", "de"), strict=True):
        ps.language = language
        session.add(ps)
    sessions[2].finished_at = None
    session.commit()
    return [ps.public_id for ps in sessions]


def _participants(chunks: Iterator[str]) -> list[str]:
    return [row["participant"] for row in csv.DictReader(io.StringIO("".join(chunks)))]


def test_the_dashboard_filters_by_language_and_finished(session: Session, people: list[str]) -> None:
    german = build_summary(session, "cx", Filters(language="de"))
    assert (german.participants, german.attempts) == (
        2,
        len(seed.PEOPLE[0].tries) + len(seed.PEOPLE[4].tries),
    )
    assert german.figure("sus").value == pytest.approx((100 + 25) / 2)
    done = build_summary(session, "cx", Filters(finished=True))
    assert (done.participants, done.finished) == (2, 2)
    assert done.figure("sus").value == pytest.approx((100 + 75) / 2)
    both = build_summary(session, "cx", Filters(language="de", finished=True))
    assert (both.participants, both.figure("sus").n, both.figure("sus").value) == (1, 1, 100.0)
    assert both.to_dict()["filters"] | {"language": "de", "finished": True} == both.to_dict()["filters"]


def test_the_per_day_counts_follow_the_filters(session: Session, people: list[str]) -> None:
    every = build_summary(session, "cx").participation
    assert (sum(d.started for d in every), sum(d.finished for d in every)) == (3, 2)
    german = build_summary(session, "cx", Filters(language="de")).participation
    assert (sum(d.started for d in german), sum(d.finished for d in german)) == (2, 1)
    done = build_summary(session, "cx", Filters(finished=True)).participation
    assert (sum(d.started for d in done), sum(d.finished for d in done)) == (2, 2)


def test_the_csv_downloads_follow_the_filters(session: Session, people: list[str]) -> None:
    de_done, en_done, de_left = people
    german = Filters(language="de")
    assert set(_participants(downloads.attempts_csv(session, "cx", german))) == {de_done, de_left}
    assert set(_participants(downloads.responses_csv(session, "cx", german))) == {de_done, de_left}
    done = Filters(finished=True)
    assert set(_participants(downloads.attempts_csv(session, "cx", done))) == {de_done, en_done}
    assert set(_participants(downloads.responses_csv(session, "cx", done))) == {de_done, en_done}


def test_language_and_finished_parse_from_the_query() -> None:
    filters = Filters.from_args({"language": "ru", "finished": "1"})
    assert (filters.language, filters.finished) == ("ru", True)
    assert Filters.from_args(filters.to_args()) == filters
    assert Filters.from_args({"language": "", "finished": ""}) == Filters()
    for bad in ({"language": "xx"}, {"language": "de'--"}, {"finished": "yes"}):
        with pytest.raises(BadRequest) as raised:
            Filters.from_args(bad)
        assert raised.value.field == next(iter(bad))
