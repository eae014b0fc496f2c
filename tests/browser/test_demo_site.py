"""The built-in demo site: pages and ids the demo study relies on, no broken links, a11y, ideal paths."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_test_app
from uxlab import scenarios
from uxlab.participants import snippet

ROOT = Path(__file__).resolve().parents[2]
TRACKER_SNIPPET = str(snippet.render("/static/tracker.js"))
CONTRACT_PAGES = [
    "/demo/",
    "/demo/products",
    "/demo/products/router-x200",
    "/demo/about",
    "/demo/contact",
    "/demo/support",
    "/demo/support/portal",
    "/demo/support/helpdesk",
    "/demo/support/helpdesk/new-ticket",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


class Links(HTMLParser):
    """Collect links (href, id, whether inside <nav>), element ids and h1 count of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, bool]] = []
        self.ids: dict[str, tuple[str, dict[str, str]]] = {}
        self.h1 = 0
        self.nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.nav_depth += tag == "nav"
        self.h1 += tag == "h1"
        if "id" in values:
            self.ids[values["id"]] = (tag, values)
        if tag == "a" and "href" in values:
            self.links.append((values["href"], values.get("id", ""), self.nav_depth > 0))

    def handle_endtag(self, tag: str) -> None:
        self.nav_depth -= tag == "nav"


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_every_page_reachable_from_home_works_and_carries_the_tracker(app: Flask) -> None:
    client = app.test_client()
    seen: set[str] = set()
    todo = ["/demo/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert TRACKER_SNIPPET in html, path
        page = parse(html)
        assert page.h1 == 1, path
        # The ideal paths click "nav a[href$='/support']": exactly one such link per page.
        for target in ("/support", "/products", "/contact"):
            assert sum(1 for href, _, nav in page.links if nav and href.endswith(target)) == 1, path
        todo += [href.split("#")[0] for href, _, _ in page.links if href.startswith("/demo")]
    assert set(CONTRACT_PAGES) <= seen
    assert len(seen) >= 20  # distractors included


def test_contract_ids_and_facts(app: Flask) -> None:
    client = app.test_client()

    def get(path: str) -> Any:
        return parse(client.get(path).get_data(as_text=True))

    assert ("/demo/support/portal", "customer-portal-link", False) in get("/demo/support").links
    assert ("/demo/support/helpdesk", "helpdesk-link", False) in get("/demo/support/portal").links
    assert ("/demo/support/helpdesk/new-ticket", "open-ticket", False) in get("/demo/support/helpdesk").links
    assert "+1 555 0100" in client.get("/demo/contact").get_data(as_text=True)
    x200 = client.get("/demo/products/router-x200").get_data(as_text=True)
    assert '<td id="warranty">3 years</td>' in x200
    assert client.get("/demo/products/no-such-router").status_code == 404
    assert client.get("/demo/no/such/page").status_code == 404
    assert client.post("/demo/support/helpdesk/new-ticket", data={"subject": "x"}).status_code == 200


def test_demo_site_is_off_when_disabled(tmp_path: Path) -> None:
    off = make_test_app(tmp_path, DEMO_SITE=False)
    assert off.test_client().get("/demo/").status_code == 404
    off.extensions["uxlab.engine"].dispose()


def check(page: Any, axe: Any, checked: set[str]) -> None:
    """Run axe-core (WCAG 2.1 A/AA) once per page."""
    if page.url not in checked:
        checked.add(page.url)
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        assert violations == [], (page.url, [v["id"] for v in violations])


@pytest.mark.browser
def test_ideal_paths_work_and_pages_pass_axe_on_a_phone(live_server: Any, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    scenario = scenarios.load(ROOT / "scenarios" / "helpdesk.yaml")
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page = context.new_page()
    calls: list[str] = []  # to the events API, or for tracker.js
    page.on("request", lambda r: calls.append(r.url) if "/api/" in r.url or "tracker.js" in r.url else None)
    axe, checked = Axe(), set[str]()
    try:
        for task in scenario.tasks:
            page.goto(live_server.url + scenario.site.base_path + task.start)
            check(page, axe, checked)
            for step in task.ideal_path:
                if step.action == "click":
                    with page.expect_navigation():
                        page.locator(step.target).click()
                    check(page, axe, checked)
                elif step.action == "expect_text":
                    assert page.get_by_text(step.target).first.is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 412, page.url
    finally:
        context.close()
    assert calls == []  # the snippet stays inert on pages not opened from a study


def test_tracker_is_at_most_4_75_kb_gzipped() -> None:
    import gzip

    tracker = (ROOT / "uxlab" / "static" / "tracker.js").read_bytes()
    # Raised from 4608 for the task bar's collapse button (4,606 -> 4,783 bytes), to the next
    # 128 bytes; the house budget is 8 KB gzipped. Raise it only deliberately, in 128-byte steps.
    assert len(gzip.compress(tracker, compresslevel=9)) <= 4864


def test_the_demo_scenarios_probe_pages_answer_without_a_redirect(app: Flask) -> None:
    # the probe measures each page's own load: a redirect first would be in every figure
    from urllib.parse import urlsplit

    from uxlab.probe.runner import plan_from_scenario

    client = app.test_client()
    plan = plan_from_scenario(scenarios.load(ROOT / "scenarios" / "helpdesk.yaml"), "http://127.0.0.1:5000")
    assert plan.pages
    for target in plan.pages:
        response = client.get(urlsplit(target.url).path)
        assert response.status_code == 200, (target.url, response.location)
