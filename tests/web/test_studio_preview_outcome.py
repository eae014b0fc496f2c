"""The preview's SEQ page says how the task ended, so the researcher can check a success
criterion (README: "the SEQ page says how a task ended"); a real participant is never told.

Audit finding: "Done" on a URL task led to ``…/seq?outcome=failure``, whose page read as
after a success; only a timeout was mentioned.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import select

from tests.web.test_studio_preview import DRAFT, _events, _signed_in, _token
from uxlab import scenarios, studies
from uxlab.db import get_session
from uxlab.models import Attempt

SAID = {
    "success": "Preview: this task ended as a success (its success criterion was met).",
    "failure": "Preview: this task ended without success (its success criterion was not met).",
    "give_up": "Preview: this task was given up or skipped.",
    "timeout": "The time for this task ran out.",
}


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        ({"type": "pageview", "url": "http://localhost/demo/contact"}, "success"),
        ({"type": "done"}, "failure"),  # "Done" before the success URL was reached
        ({"type": "give_up"}, "give_up"),
    ],
)
def test_the_preview_seq_page_says_how_the_task_ended(
    app: Flask, event: dict[str, str], outcome: str
) -> None:
    client = _signed_in(app)
    client.post("/studio/preview", data={"scenario": DRAFT})
    token = _token(client.post("/studio/preview/draft/task/1").headers["Location"])
    ended = _events(client, token, {"type": "pageview", "url": "http://localhost/demo/about"}, event).json
    assert ended["outcome"] == outcome
    page = client.get(ended["next"]).text
    assert SAID[outcome] in page
    assert [text for other, text in SAID.items() if other != outcome and text in page] == []


def test_the_preview_names_a_timeout_and_ignores_an_outcome_it_does_not_know(app: Flask) -> None:
    client = _signed_in(app)
    client.post("/studio/preview", data={"scenario": DRAFT})
    assert SAID["timeout"] in client.get("/studio/preview/draft/task/1/seq?outcome=timeout").text
    for query in ("", "?outcome=bogus"):
        page = client.get(f"/studio/preview/draft/task/1/seq{query}")
        assert page.status_code == 200 and not [text for text in SAID.values() if text in page.text]


def test_the_outcome_is_said_in_the_participants_language(app: Flask) -> None:
    client = _signed_in(app)
    client.post(
        "/studio/preview",
        data={"scenario": DRAFT.replace("questionnaires:", "language: de\nquestionnaires:")},
    )
    page = client.get("/studio/preview/draft/task/1/seq?outcome=failure").text
    assert "Vorschau: Diese Aufgabe endete ohne Erfolg (ihr Erfolgskriterium wurde nicht erfüllt)." in page
    client.post(
        "/studio/preview",
        data={"scenario": DRAFT.replace("questionnaires:", "language: ru\nquestionnaires:")},
    )
    page = client.get("/studio/preview/draft/task/1/seq?outcome=give_up").text
    assert "Предпросмотр: задание пропущено." in page


def test_a_real_participant_is_not_told_how_the_task_ended(app: Flask) -> None:
    with app.app_context():
        studies.store_scenario(get_session(), scenarios.loads(DRAFT.replace("draft", "real")))
    client = app.test_client()
    client.post("/s/real")
    client.post("/s/real/task/1")
    with app.app_context():
        token = get_session().exec(select(Attempt)).one().token
    ended = _events(client, token, {"type": "done"}).json
    assert ended["outcome"] == "failure" and ended["next"] == "/s/real/task/1/seq"
    for url in (ended["next"], ended["next"] + "?outcome=failure"):
        page = client.get(url).text
        assert "About this task" in page and not [text for text in SAID.values() if text in page]
