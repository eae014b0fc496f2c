"""A tracker's ``timeout`` event ends an attempt only at its time limit (participant audit t14).

A tab whose clock jumped forward sends ``timeout`` long before the limit; the server took
it at its word: a timeout counting the whole limit one second after Start. Now an early
timeout is acknowledged and not stored (as other events that do not count), and the
attempt runs on. SQLite and PostgreSQL; ``find-helpdesk`` has a 180 s limit, the default
CLOCK_TOLERANCE_S is 5 s.
"""

from __future__ import annotations

from flask import Flask

from tests.participants.test_events_api import Participant, ev, page, post_sent


def test_an_early_timeout_event_is_acknowledged_and_does_not_end_the_attempt(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("find-helpdesk", started_s_ago=1)
    batch = [ev("timeout", 1000), page("/support", 1100)]
    body = post_sent(study, token, batch, 1200).get_json()
    ids = [e["id"] for e in batch]
    assert body == {"accepted": ids, "ended": False, "outcome": None, "next": None}
    attempt = study.attempt(token)
    assert (attempt.outcome, attempt.ended_at, attempt.path) == (None, None, ["/support"])
    assert study.event_count() == 1  # the page view; the ignored timeout is not stored
    # A clock that runs fast claims the limit: the server's 1 s decides, not the claim.
    fast = study.start("open-ticket", started_s_ago=1)
    assert post_sent(study, fast, [ev("timeout", 180_000)], 180_000).get_json()["ended"] is False


def test_a_timeout_event_at_the_limit_still_ends_the_attempt(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("find-helpdesk", started_s_ago=177)  # within the tolerance of 180 s
    body = post_sent(study, token, [ev("timeout", 180_000)], 180_000).get_json()
    assert (body["ended"], body["outcome"]) == (True, "timeout")
    attempt = study.attempt(token)
    assert (attempt.time_on_task_s, attempt.abandoned, study.event_count()) == (180, False, 1)
    # Queued offline at the limit and delivered later: a timeout too.
    late = study.start("open-ticket", started_s_ago=240)
    assert post_sent(study, late, [ev("timeout", 180_000)], 239_000).get_json()["outcome"] == "timeout"
