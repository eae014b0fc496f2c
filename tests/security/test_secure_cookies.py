"""Cookies are Secure when uxlab is reached over HTTPS, even behind a proxy that speaks HTTP to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_test_app
from uxlab import auth, studies
from uxlab.db import get_session

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


@pytest.mark.parametrize(
    ("public_url", "secure"), [("https://ux.example.org", True), ("http://127.0.0.1:5000", False)]
)
def test_participant_and_researcher_cookies_follow_public_url(
    tmp_path: Path, public_url: str, secure: bool
) -> None:
    app = make_test_app(tmp_path, PUBLIC_URL=public_url)
    with app.app_context():
        studies.load_scenario_file(get_session(), HELPDESK)
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
    client = app.test_client()  # plain http://localhost, as a TLS-terminating proxy forwards it
    started = client.post("/s/helpdesk")
    participant = [h for h in started.headers.getlist("Set-Cookie") if h.startswith("uxlab_p_helpdesk=")]
    assert len(participant) == 1 and ("; Secure" in participant[0]) is secure, participant
    login = client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery"})
    researcher = [h for h in login.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(researcher) == 1 and ("; Secure" in researcher[0]) is secure, researcher
    app.extensions["uxlab.engine"].dispose()
