"""The tracker snippet in real Chromium on the demo site: task bar, events, success, hand-back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.participants.test_events_api import Participant
from uxlab.models import Event
from uxlab.participants import snippet

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def study(live_server: Any) -> Participant:
    return Participant(live_server.app)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def open_task(page: Any, live_server: Any, token: str, path: str = "/demo/") -> None:
    page.goto(f"{live_server.url}{path}#uxlab={token}@{live_server.url}")
    page.locator("#uxlab-prompt").wait_for()


@contextmanager
def handed_back(page: Any, number: int) -> Iterator[None]:
    """Expect the tracker to open task ``number``'s SEQ page, and wait until uxlab's page has loaded."""
    with page.expect_request(lambda request: request.url.endswith(f"/s/helpdesk/task/{number}/seq")):
        yield
    page.wait_for_url(lambda url: "/demo" not in url)


def follow(page: Any, selector: str) -> None:
    """Click a link and wait until the next page has loaded (and its tracker has run), as a person would."""
    with page.expect_navigation():
        page.locator(selector).click()


def test_url_task_on_a_phone_records_path_and_hands_back(
    study: Participant, live_server: Any, phone: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    token = study.start("find-helpdesk")
    open_task(phone, live_server, token)
    assert "#" not in phone.url  # the token leaves the address bar at once
    assert "helpdesk portal" in phone.locator("#uxlab-prompt").inner_text()
    bar = phone.locator("#uxlab-bar").bounding_box()
    assert bar["x"] >= 0 and bar["x"] + bar["width"] <= 412
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412
    assert phone.locator("#uxlab-done").bounding_box()["height"] >= 44  # touch target
    violations = Axe().run(phone, options=WCAG_AA).response["violations"]
    assert violations == [], [v["id"] for v in violations]
    follow(phone, "nav a[href$='/support']")
    follow(phone, "#customer-portal-link")
    with handed_back(phone, 1):
        phone.locator("#helpdesk-link").click()
    attempt = study.attempt(token)
    assert attempt.outcome == "success" and attempt.direct is True
    assert attempt.path == ["/", "/support", "/support/portal", "/support/helpdesk"]
    assert attempt.click_count == 3  # each click is queued before the page view it leads to
    assert attempt.time_on_task_s is not None and attempt.time_on_task_s > 0
    kept = phone.evaluate("JSON.parse(sessionStorage.getItem('uxlab'))")  # the site's tab state (same origin)
    assert sorted(kept) == ["at", "next"]  # the way on for 30 s; no token, no events
    assert kept["next"].endswith("/s/helpdesk/task/1/seq")


def test_answer_task_with_the_keyboard_alone(study: Participant, live_server: Any, page: Any) -> None:
    token = study.start("find-hotline")
    open_task(page, live_server, token, "/demo/contact")
    focused = "document.activeElement.shadowRoot?.activeElement?.id"
    for _ in range(80):  # the task bar comes last in the tab order
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "uxlab-done":
            break
    else:
        pytest.fail("Tab never reached the Done button")
    page.keyboard.press("Enter")
    assert page.evaluate(focused) == "uxlab-answer"
    assert page.locator("#uxlab-question").inner_text() == "What is the phone number of the support hotline?"
    page.keyboard.type("+1 (555) 0100")
    with handed_back(page, 3):
        page.keyboard.press("Enter")
    attempt = study.attempt(token)
    assert (attempt.outcome, attempt.answer) == ("success", "+1 (555) 0100")


def test_click_task_reports_watched_selector_but_never_form_values(
    study: Participant, live_server: Any, page: Any
) -> None:
    token = study.start("open-ticket")
    open_task(page, live_server, token, "/demo/support/helpdesk/new-ticket")
    page.locator("#subject").fill("my secret words")
    page.locator("#subject").click()
    follow(page, "nav a[href$='/products']")  # a detour
    follow(page, "nav a[href$='/support']")
    follow(page, "#customer-portal-link")
    follow(page, "#helpdesk-link")
    with handed_back(page, 2):
        page.locator("#open-ticket").click()
    attempt = study.attempt(token)
    assert attempt.outcome == "success" and attempt.direct is False
    with study.app.app_context(), study.db() as db:
        from sqlmodel import select

        events = db.exec(select(Event).where(Event.attempt_id == attempt.id)).all()
    clicks = [e.data for e in events if e.kind == "click"]
    assert {"tag": "INPUT"} in clicks  # the click on the form field: no text, no value
    assert any(c.get("selectors") == ["#open-ticket"] for c in clicks)
    assert "secret" not in repr([(e.url, e.data) for e in events])


def test_give_up_and_inert_without_a_valid_fragment(study: Participant, live_server: Any, page: Any) -> None:
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/api/" in request.url else None)
    page.goto(f"{live_server.url}/demo/#uxlab=abc@http://evil.example")
    page.goto(f"{live_server.url}/demo/products")
    assert calls == [] and page.locator("#uxlab-taskbar").count() == 0
    token = study.start("router-warranty")
    open_task(page, live_server, token)
    page.reload()  # a reload mid-task keeps the task (sessionStorage), no new fragment needed
    page.locator("#uxlab-prompt").wait_for()
    with handed_back(page, 4):
        page.locator("#uxlab-give-up").click()
    attempt = study.attempt(token)
    assert attempt.outcome == "give_up" and attempt.path == ["/", "/"]


LIVE_SITE = """
slug: live
title: A site on another origin
consent: ok
site: {base_url: "http://shop.test"}
tasks:
  - {id: find-help, prompt: Find the help page, stage: retention, success: {url: /help}, time_limit_s: 60}
"""
UXLAB = "http://uxlab.test"  # the live server, seen through a routed public name (Chromium refuses
# a public site's requests to 127.0.0.1: Private Network Access)


SNIPPETS = {
    "plain tag": f'<script src="{UXLAB}/static/tracker.js" defer></script>',  # sites whose CSP bans inline
    "inline loader": str(snippet.render(f"{UXLAB}/static/tracker.js")),
    "own copy": str(snippet.render("/js/tracker.js", UXLAB)),  # served by the site, server named
}


@pytest.mark.parametrize("form", SNIPPETS)
def test_snippet_on_a_site_of_another_origin(live_server: Any, page: Any, form: str) -> None:
    """The snippet on someone else's site: cross-origin events as simple requests, no preflight."""
    shop = Participant(live_server.app, LIVE_SITE)
    tag = SNIPPETS[form]
    pages = {
        "/": f'<!doctype html><html lang="en"><title>Shop</title>{tag}<a id="help" href="/help">Help</a>',
        "/help": f'<!doctype html><html lang="en"><title>Help</title>{tag}<h1>Help</h1>',
        "/js/tracker.js": (ROOT / "uxlab" / "static" / "tracker.js").read_text(encoding="utf-8"),
    }
    kinds = {"/js/tracker.js": "text/javascript"}

    def shop_site(route: Any) -> None:
        path = route.request.url[len("http://shop.test") :]
        route.fulfill(content_type=kinds.get(path, "text/html"), body=pages[path])

    page.route("http://shop.test/**", shop_site)
    page.route(f"{UXLAB}/**", lambda route: route.fulfill(
        response=route.fetch(url=live_server.url + route.request.url[len(UXLAB):])
    ))  # fmt: skip
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method) if "/api/" in request.url else None)
    token = shop.start("find-help")
    page.goto(f"http://shop.test/#uxlab={token}@{UXLAB}")
    page.locator("#uxlab-prompt").wait_for()
    with page.expect_request(f"{UXLAB}/s/live/task/1/seq"):
        page.locator("#help").click()
    page.wait_for_url(lambda url: url.startswith(f"{UXLAB}/s/"))
    attempt = shop.attempt(token)
    assert (attempt.outcome, attempt.path) == ("success", ["/", "/help"])
    assert "OPTIONS" not in methods and "POST" in methods
