"""The error pages a participant sees come in their language (uxlab/web/participant_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from uxlab import studies
from uxlab.db import get_session

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "This study link does not work"),
        ("de", "Dieser Studienlink funktioniert nicht"),
        ("ru", "Эта ссылка на исследование не работает"),
    ],
)
def test_a_study_link_that_leads_nowhere_says_so_in_the_participants_language(
    app: Flask, language: str, heading: str
) -> None:
    # a mistyped or truncated link: uxlab's English "no study 'helpdes'" meant nothing to a
    # German participant
    for path in ("/s/helpdes", "/s/helpdes/screener"):
        response = app.test_client().get(path, headers={"Accept-Language": language})
        page = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert f'<html lang="{language}"' in page and f"<h1>{heading}</h1>" in page, page[:400]
        assert "helpdes'" not in page


def test_a_closed_study_says_so_in_the_participants_language(app: Flask) -> None:
    with app.app_context():
        studies.load_scenario_file(get_session(), HELPDESK)
        studies.set_open(get_session(), "helpdesk", False, actor="test")
    response = app.test_client().get("/s/helpdesk", headers={"Accept-Language": "de"})
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and '<html lang="de"' in page
    assert "Diese Studie ist geschlossen" in page or "geschlossen" in page
