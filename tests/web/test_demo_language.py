"""The demo study speaks each participant's browser language (issue 16: it used to pin English)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from uxlab.demo.setup import prepare_demo

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    ("accept_language", "start_button"),
    [
        ("de-DE,de;q=0.9", "Ich stimme zu, Studie beginnen"),
        ("ru", "начать исследование"),
        ("en-GB", "I agree"),
    ],
)
def test_demo_consent_page_follows_the_browser(app: Flask, accept_language: str, start_button: str) -> None:
    prepare_demo(app, SCENARIOS, with_data=False)
    page = app.test_client().get("/s/helpdesk", headers={"Accept-Language": accept_language})
    assert page.status_code == 200
    assert start_button in page.get_data(as_text=True)
