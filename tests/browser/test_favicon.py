"""Pages name their icon inline, so browsers stop asking for /favicon.ico (a 404 logged on
every page before). The icon is a data: URL, which the CSP's ``img-src 'self' data:`` allows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_studio_browser import EMAIL, PASSWORD, sign_in
from uxlab import auth, studies
from uxlab.db import get_session
from uxlab.web.security import CSP

pytestmark = pytest.mark.browser
HELPDESK = "scenarios/helpdesk.yaml"


def test_pages_ask_for_no_favicon_and_their_icon_passes_the_csp(live_server: Any, browser: Any) -> None:
    assert "img-src 'self' data:" in CSP
    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        studies.load_scenario_file(get_session(), HELPDESK)
    # One new context per page: Chromium remembers a missing favicon for the rest of a context.
    for path in ("/login", "/s/helpdesk", "/studies", "/studies/nope/summary"):
        context = browser.new_context()
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message, found=problems: found.append(f"{message.type}: {message.text}"))
        if path != "/login" and not path.startswith("/s/"):
            sign_in(page, live_server.url)
        with page.expect_response(lambda response, p=path: response.url.endswith(p)):
            page.goto(live_server.url + path)
        page.wait_for_timeout(500)  # the icon is fetched after the page loads
        expected = ["error: Failed to load resource: the server responded with a status of 404 (NOT FOUND)"]
        assert problems == (expected if path.endswith("nope/summary") else []), (path, problems)
        icon = page.evaluate("() => document.querySelector('link[rel=icon]')?.getAttribute('href')")
        assert icon and icon.startswith("data:image/svg+xml,"), path
        context.close()
