"""Abandoned attempts end without any client (uxlab/participants/sweep.py), SQLite and PostgreSQL.

Issue 11 point 4 / must-show 3: participants who close their tabs mid-task send nothing;
their attempts end as abandoned timeouts by the sweep (command or server loop), on a report
read, or on their next study page, and the dashboard counts them per task. The helpdesk
study's ``find-helpdesk`` task has a 180 s limit and the default CLOCK_TOLERANCE_S is 5 s,
so an attempt started 186 s ago is overdue and one started 60 s ago is not.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from click.testing import CliRunner
from flask import Flask

from tests.participants.test_events_api import Participant, ev
from tests.web.test_reports_pages import EMAIL, PASSWORD
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.participants import sweep

OVERDUE_S = 180 + 5 + 1  # limit + tolerance + 1 s
RUNNING_S = 60
# the helpdesk study sets no site.retention_days, so the sweep deletes no events
NO_RETENTION = "deleted 0 tracker events past their study's retention_days\n"


def _tokens(app: Flask, ages_s: list[float], task: str = "find-helpdesk") -> list[tuple[Participant, str]]:
    people = [Participant(app) for _ in ages_s]  # one session each: no tab ever opened
    return [(p, p.start(task, started_s_ago=age)) for p, age in zip(people, ages_s, strict=True)]


def test_uxlab_sweep_ends_every_abandoned_attempt_and_the_dashboard_counts_them(any_app: Flask) -> None:
    tried = _tokens(any_app, [OVERDUE_S, OVERDUE_S, OVERDUE_S, RUNNING_S])
    reported, token = _tokens(any_app, [OVERDUE_S])[0]  # the tracker saw the limit: not abandoned
    assert reported.post(token, [ev("timeout", 180_000)]).get_json()["outcome"] == "timeout"
    result = CliRunner().invoke(cli, ["sweep"], env={"UXLAB_DATABASE_URL": database_url(any_app)})
    expected = "ended 3 abandoned attempts\n" + NO_RETENTION
    assert (result.exit_code, result.stdout) == (0, expected), result.stderr
    states = [(p.attempt(t).outcome, p.attempt(t).abandoned) for p, t in tried]
    assert states == [("timeout", True)] * 3 + [(None, False)]
    assert [p.attempt(t).time_on_task_s for p, t in tried[:3]] == [180.0] * 3  # a timeout counts the limit
    assert reported.attempt(token).abandoned is False
    again = CliRunner().invoke(cli, ["sweep"], env={"UXLAB_DATABASE_URL": database_url(any_app)})
    assert again.stdout == "ended 0 abandoned attempts\n" + NO_RETENTION

    with any_app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    page = client.get("/studies/helpdesk/summary").get_data(as_text=True)
    table = page.split('id="h-abandonment"')[1].split("</table>")[0]
    # find-helpdesk: 4 ended (3 abandoned + 1 reported timeout), 1 running; 5 sessions reached it, 3 left
    row = table.split('<th scope="row">find-helpdesk</th>')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[1:]]
    assert cells == ["4", "3", "75%", "5", "3 (60%)", "1"]


def test_a_report_read_ends_overdue_attempts_of_that_study(any_app: Flask) -> None:
    (p, token), (_, running) = _tokens(any_app, [OVERDUE_S, RUNNING_S])
    with any_app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = any_app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    live = client.get("/studies/helpdesk/live.json").get_json()
    assert (live["attempts"], live["running"]) == (1, 1)  # before this change: (0, 2)
    assert (p.attempt(token).outcome, p.attempt(token).abandoned) == ("timeout", True)
    assert p.attempt(running).ended_at is None


def test_many_sweepers_at_once_end_each_attempt_once(any_app: Flask) -> None:
    tried = _tokens(any_app, [OVERDUE_S] * 6)
    counts: list[int] = []

    def one_sweep() -> None:
        with any_app.app_context():
            counts.append(sweep.end_overdue(get_session()))

    threads = [threading.Thread(target=one_sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(counts, reverse=True)[0] >= 1 and sum(counts) == 6, counts
    assert all(p.attempt(t).abandoned for p, t in tried)


def test_the_server_loop_ends_them_with_no_browser_and_no_request(any_app: Flask, tmp_path: Path) -> None:
    # Deadline 0.5 s from now (limit 180 s + tolerance 5 s); the loop runs every 0.2 s.
    tried = _tokens(any_app, [185 - 0.5] * 3)
    assert all(p.attempt(t).ended_at is None for p, t in tried)
    stop = sweep.start_sweeper(any_app, 0.2)
    try:
        waited = 0.0
        while waited < 30 and any(p.attempt(t).ended_at is None for p, t in tried):
            time.sleep(0.1)  # polling until the loop has run: no assertion on how long it took
            waited += 0.1
    finally:
        stop.set()
    assert [(p.attempt(t).outcome, p.attempt(t).abandoned) for p, t in tried] == [("timeout", True)] * 3
