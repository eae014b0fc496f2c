"""The events API's 429 says when to try again (Retry-After), as the sign-in's 429 does.

Before, it had no Retry-After: a client over MAX_EVENTS_PER_MINUTE could only guess.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from tests.participants.test_events_api import SERVER, Participant, page
from uxlab.models import Event


@pytest.fixture
def study(any_app: Flask) -> Participant:
    any_app.config["MAX_EVENTS_PER_MINUTE"] = 3
    return Participant(any_app)


def test_a_429_says_when_the_window_takes_the_batch(study: Participant) -> None:
    token = study.start("find-helpdesk")
    assert study.post(token, [page("/"), page("/products")]).status_code == 200
    refused = study.post(token, [page("/about"), page("/contact")])
    assert refused.status_code == 429 and refused.get_json()["error"]["status"] == 429
    wait_s = int(refused.headers["Retry-After"])
    assert 0 < wait_s <= 60
    # The tracker's origin may read it: Retry-After is no CORS-safelisted header.
    assert refused.headers["Access-Control-Allow-Origin"] == SERVER
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    # Retry-After seconds later (the stored events moved back that far), the same batch goes in.
    with study.app.app_context(), study.db() as db:
        for event in db.exec(select(Event)).all():
            event.received_at -= timedelta(seconds=wait_s)
            db.add(event)
        db.commit()
    assert study.post(token, [page("/about"), page("/contact")]).status_code == 200
    assert study.event_count() == 4
