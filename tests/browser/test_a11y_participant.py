"""Participant pages from the accessibility audit: reflow at 320 px, errors that take focus and
are announced, the language of the researcher's text, and a title for every page."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.participant_script import HELPDESK, PIXEL_UA, only_session
from uxlab import studies
from uxlab.db import get_session
from uxlab.participants import attempts, sessions

pytestmark = pytest.mark.browser

SCALES = {"five": (1, 5), "seven": (1, 7), "ten": (1, 10), "nps_like": (0, 10), "twelve": (0, 11)}


def load(app: Any, tmp_path: Path, slug: str, **top: Any) -> str:
    """Load one task of the demo study with a rating of each length on its SEQ page and at the end."""
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data["tasks"] = [t for t in data["tasks"] if t["id"] == "router-warranty"]
    ratings = [
        {"id": name, "type": "rating", "text": f"How {name}?", "scale": {"min": low, "max": high}}
        for name, (low, high) in SCALES.items()
    ]
    data["tasks"][0]["questions"] = ratings
    data.update(slug=slug, questionnaires=["umux_lite", "nps", "ces"], questions=ratings, **top)
    path = tmp_path / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with app.app_context():
        studies.load_scenario_file(get_session(), path)
    return slug


def to_seq(live_server: Any, page: Any, slug: str) -> None:
    """Agree on the page, end the task on the server, and open the SEQ page."""
    page.goto(f"{live_server.url}/s/{slug}")
    page.locator("form button.primary").click()
    page.wait_for_url("**/task/1")
    with live_server.app.app_context():
        db = get_session()
        session = only_session(db, slug)
        sessions.begin_task(db, session, 1, live_server.url)
        attempts.end_attempt(db, sessions.progress(db, session).attempt, "give_up")
    page.goto(f"{live_server.url}/s/{slug}")
    page.wait_for_url("**/seq")


# Each scale's options: the page's width, and per option its box and its row.
SCALES_JS = """() => ({
  inner: innerWidth, scroll: document.scrollingElement.scrollWidth,
  scales: [...document.querySelectorAll('.scale')].map(s => [...s.children].map(o => {
    const r = o.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height, top: o.offsetTop};
  })),
  ends: [...document.querySelectorAll('.scale-ends span')].map(e => e.getBoundingClientRect().right),
})"""


def assert_reflows(page: Any, what: str) -> None:
    for width in (375, 360, 344, 320):
        page.set_viewport_size({"width": width, "height": 740})
        got = page.evaluate(SCALES_JS)
        where = f"{what} at {width} px"
        # A phone zooms out to show a page wider than the screen: innerWidth then grows.
        assert got["inner"] == width and got["scroll"] <= width, (where, got["inner"], got["scroll"])
        assert max(got["ends"]) <= width, (where, "an end label is cut off")
        for options in got["scales"]:
            rows = sorted({o["top"] for o in options})
            wraps = len(options) == 12 and width < 352  # below 22rem twelve options take two rows
            assert len(rows) == (2 if wraps else 1), (where, len(options), "rows", rows)
            for o in options:
                assert o["width"] >= 24 and o["height"] >= 44, (where, len(options), o)
                assert o["right"] <= width, (where, len(options), "option off screen", o)
            for a, b in itertools.pairwise(options):
                assert a["top"] != b["top"] or a["right"] <= b["left"], (where, len(options), "overlap", a, b)


def test_rating_scales_fit_a_320px_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    """5-, 7-, 10-, 11- and 12-point scales: no sideways scroll, targets at least 24 x 44 px."""
    slug = load(live_server.app, tmp_path, "reflow")
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, user_agent=PIXEL_UA
    )
    page = context.new_page()
    to_seq(live_server, page, slug)
    assert_reflows(page, "SEQ")
    for group in page.locator("fieldset.rating").all():
        group.locator("input[type=radio]").last.check()
    page.get_by_role("button", name="Next").tap()
    page.wait_for_url("**/questionnaires")
    assert_reflows(page, "questionnaires")
    context.close()
