"""One date filter: a session, with its attempts and answers, belongs to the day, UTC, on which it started.

A participant starts at 23:50 UTC and works on past midnight; the dashboard, the CSV
downloads and the participation-per-day counts all count that session on its first day,
on SQLite and on PostgreSQL with a connection in Tokyo's time zone (UTC+9, where 23:50
UTC is already the next morning).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, select

import tests.summary_seed as seed
from tests.conftest import make_test_app
from uxlab import db as uxdb
from uxlab.models import Attempt, ParticipantSession, Response
from uxlab.reports import downloads
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary

EVE, NEXT = date(2026, 11, 30), date(2026, 12, 1)
LATE = datetime(2026, 11, 30, 23, 50, tzinfo=UTC)  # 08:50 on December 1 in Tokyo
MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tokyo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """A session over SQLite, or over PostgreSQL with the connection's time zone set to Tokyo."""
    url = ""
    if request.param == "postgres":
        tokyo_time = "options=-ctimezone%3DAsia/Tokyo%20"  # libpq options, beside the schema's
        url = request.getfixturevalue("postgres_url").replace("options=", tokyo_time)
    app: Flask = make_test_app(tmp_path, url)
    with app.app_context(), Session(uxdb.get_engine(), expire_on_commit=False) as session:
        if url:
            assert session.connection().exec_driver_sql("SHOW TIME ZONE").scalar() == "Asia/Tokyo"
        yield session
    app.extensions["uxlab.engine"].dispose()


def _move(db: Session, ps: ParticipantSession, start: datetime) -> None:
    """Let a session start at ``start``, its attempts run 10 to 30 minutes later, its answers come after."""
    ps.started_at = ps.consented_at = start
    ps.finished_at = start + timedelta(minutes=40)
    attempts = db.exec(select(Attempt).where(Attempt.session_id == ps.id).order_by(Attempt.id)).all()
    for i, attempt in enumerate(attempts):
        attempt.started_at = start + timedelta(minutes=10 * (i + 1))
        attempt.ended_at = attempt.started_at + timedelta(minutes=5)
        db.add(attempt)
    for response in db.exec(select(Response).where(Response.session_id == ps.id)):
        response.created_at = start + timedelta(minutes=35)
        db.add(response)
    db.add(ps)
    db.commit()


@pytest.fixture
def midnight(tokyo: Session, tmp_path: Path) -> tuple[str, str]:
    """Public ids of a session started at 23:50 UTC (November 30) and one started the next morning."""
    late, morning = seed.seed(tokyo, tmp_path, (seed.PEOPLE[0], seed.PEOPLE[4]))
    _move(tokyo, late, LATE)
    _move(tokyo, morning, MORNING)
    return late.public_id, morning.public_id


def _participants(chunks: Iterator[str]) -> list[str]:
    return [row["participant"] for row in csv.DictReader(io.StringIO("".join(chunks)))]


def test_the_dashboard_counts_a_session_on_its_start_day(tokyo: Session, midnight: tuple[str, str]) -> None:
    eve = build_summary(tokyo, "cx", Filters(until=EVE))
    next_day = build_summary(tokyo, "cx", Filters(since=NEXT))
    assert (eve.participants, eve.attempts, next_day.participants, next_day.attempts) == (1, 3, 1, 3)
    assert eve.figure("sus").value == 100.0  # the late participant's answers, given after midnight


def test_the_per_day_counts_are_utc_start_days(tokyo: Session, midnight: tuple[str, str]) -> None:
    days = [(d.day, d.started, d.finished) for d in build_summary(tokyo, "cx").participation]
    assert days == [(EVE.isoformat(), 1, 1), (NEXT.isoformat(), 1, 1)]


def test_the_csv_downloads_count_a_session_on_its_start_day(
    tokyo: Session, midnight: tuple[str, str]
) -> None:
    late, morning = midnight
    answers = len(seed.PEOPLE[0].answers)  # one stored answer per form field
    for filters, who in ((Filters(until=EVE), late), (Filters(since=NEXT), morning)):
        assert _participants(downloads.attempts_csv(tokyo, "cx", filters)) == [who] * 3
        assert set(_participants(downloads.responses_csv(tokyo, "cx", filters))) == {who}
    assert len(_participants(downloads.responses_csv(tokyo, "cx", Filters(until=EVE)))) == answers
    phone = Filters(since=EVE, until=NEXT, device="phone")
    assert _participants(downloads.attempts_csv(tokyo, "cx", phone)) == [morning] * 3


def test_probe_runs_are_dated_in_utc_and_filtered_by_their_utc_day(tokyo: Session, tmp_path: Path) -> None:
    """probes.csv wrote ``received_at`` with ``isoformat()``: on PostgreSQL in Tokyo an upload
    received at 23:50 UTC read "2026-12-01T08:50:00+09:00", and the date filter took its day
    from that text (December 1). It is now "2026-11-30T23:50:00.000Z", as every export writes
    a moment, on November 30."""
    from tests.probe.report_data import complete_report
    from uxlab import probe_uploads

    seed.seed(tokyo, tmp_path, (seed.PEOPLE[0],))
    secret = probe_uploads.create_token(tokyo, "cx", "ci")
    report = complete_report(
        {
            "build": {"commit": "abc", "time": "2026-11-30T23:40:00Z"},
            "pages": [{"path": "/", "profile": "desktop", "runs": [{"metrics": {"lcp_ms": 900.0}}]}],
        }
    )
    upload = probe_uploads.store_upload(tokyo, probe_uploads.authenticate(tokyo, f"Bearer {secret}"), report)
    upload.received_at = LATE
    tokyo.add(upload)
    tokyo.commit()

    def rows(filters: Filters) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO("".join(downloads.probes_csv(tokyo, "cx", filters)))))

    (row,) = rows(Filters(until=EVE))
    assert (row["received_at"], row["build_time"]) == ("2026-11-30T23:50:00.000Z", "2026-11-30T23:40:00.000Z")
    assert rows(Filters(since=NEXT)) == []
