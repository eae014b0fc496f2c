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


OWN = [
    {"id": "where", "type": "single", "text": "Where did you find it?", "options": ["Menu", "Search"]},
    {"id": "pages", "type": "multiple", "text": "Which pages helped?", "options": ["Products", "Support"]},
    {"id": "why", "type": "text", "text": "Why?"},  # optional: never in error
]


def load(app: Any, tmp_path: Path, slug: str, own: tuple[dict[str, Any], ...] = (), **top: Any) -> str:
    """Load one task of the demo study with a rating of each length (and ``own`` questions) on its
    SEQ page and at the end."""
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data["tasks"] = [t for t in data["tasks"] if t["id"] == "router-warranty"]
    questions = [
        {"id": name, "type": "rating", "text": f"How {name}?", "scale": {"min": low, "max": high}}
        for name, (low, high) in SCALES.items()
    ] + list(own)
    data["tasks"][0]["questions"] = questions
    data.update(slug=slug, questionnaires=["umux_lite", "nps", "ces"], questions=questions, **top)
    path = tmp_path / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with app.app_context():
        studies.load_scenario_file(get_session(), path)
    return slug


def to_seq(live_server: Any, page: Any, slug: str, agree: bool = True) -> str:
    """Agree on the page (unless done), end the task on the server, and open the SEQ page;
    return the task page's title."""
    if agree:
        page.goto(f"{live_server.url}/s/{slug}")
        page.locator("form button.primary").click()
        page.wait_for_url("**/task/1")
    task_title = page.title()
    with live_server.app.app_context():
        db = get_session()
        session = only_session(db, slug)
        sessions.begin_task(db, session, 1, live_server.url)
        attempts.end_attempt(db, sessions.progress(db, session).attempt, "give_up")
    page.goto(f"{live_server.url}/s/{slug}")
    page.wait_for_url("**/seq")
    return task_title


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


# The error page as a screen reader meets it: the title, where focus is, the summary's links,
# and per input whether it is marked invalid and which texts describe it.
ERRORS_JS = """() => ({
  focused: document.activeElement.id,
  links: [...document.querySelectorAll('#error-summary a')].map(a => {
    const target = document.getElementById(a.getAttribute('href').slice(1));
    const first = target && target === document.getElementsByName(target.name)[0];
    return {text: a.innerText, name: target && target.name, first};
  }),
  inputs: [...document.querySelectorAll('main form :is(input, textarea):not([type=hidden])')].map(i => ({
    name: i.name, invalid: i.getAttribute('aria-invalid'),
    described: (i.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
      .map(id => document.getElementById(id) && document.getElementById(id).innerText),
  })),
})"""


def assert_errors_announced(page: Any, wrong: dict[str, str], prefix: str = "Error: ") -> None:
    """The title says "Error:", focus is on the summary, which links to the first input of each
    field in ``wrong`` (field -> question); exactly those inputs are invalid, described by their message."""
    page.wait_for_function("document.activeElement.id === 'error-summary'")
    assert page.title().startswith(prefix), page.title()
    got = page.evaluate(ERRORS_JS)
    assert got["links"] == [{"text": text, "name": name, "first": True} for name, text in wrong.items()]
    for i in got["inputs"]:
        if i["name"] in wrong:
            assert i["invalid"] == "true" and len(i["described"]) == 1 and i["described"][0], i
        else:
            assert i["invalid"] is None and not i["described"], i
    page.keyboard.press("Tab")  # the first link, then to its input
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == next(iter(wrong))


def submit_unchecked(page: Any, button: str) -> None:
    """Post the form as it is, past the browser's own check of required fields."""
    page.evaluate("document.querySelector('main form').noValidate = true")
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_errors_take_focus_and_link_to_each_field(live_server: Any, browser: Any, tmp_path: Path) -> None:
    """Screener, SEQ with own questions, questionnaires: the GOV.UK error summary pattern."""
    screener = [
        {"id": "router", "type": "single", "text": "Do you have a router?", "options": ["Yes", "No"],
         "accept": ["Yes"]},
        {"id": "isp", "type": "multiple", "text": "Your providers?", "options": ["Acme", "Other"],
         "reject": ["Other"]},
    ]  # fmt: skip
    slug = load(live_server.app, tmp_path, "errors", own=tuple(OWN), recruit={"screener": screener})
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{slug}")
    page.get_by_label("Yes").check()
    submit_unchecked(page, "Next")
    assert_errors_announced(page, {"isp": "Your providers?"})
    page.get_by_label("Acme").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Next").click()

    to_seq(live_server, page, slug)
    page.locator("input[name=q_five][value='3']").check()
    submit_unchecked(page, "Next")
    seq_wrong = {"seq": "Overall, how difficult or easy was the task to complete?"}
    seq_wrong |= {f"q_{name}": f"How {name}?" for name in SCALES if name != "five"}
    seq_wrong |= {"q_where": "Where did you find it?", "q_pages": "Which pages helped?"}
    assert_errors_announced(page, seq_wrong)

    for group in page.locator("fieldset").all():
        group.locator("input").first.check()
    page.locator("#q_why").fill("It was there.")
    with page.expect_navigation():
        page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/questionnaires")
    assert not page.title().startswith("Error")
    page.locator("input[name=nps][value='9']").check()
    submit_unchecked(page, "Submit")
    wrong = {
        "umux_lite_1": "This website's capabilities meet my requirements.",
        "umux_lite_2": "This website is easy to use.",
        "ces": "Acme Networks made it easy for me to handle my issue.",
    }
    wrong |= {f"q_{name}": f"How {name}?" for name in SCALES}
    wrong |= {"q_where": "Where did you find it?", "q_pages": "Which pages helped?"}
    assert_errors_announced(page, wrong)
    context.close()


def test_german_error_title(live_server: Any, browser: Any, tmp_path: Path) -> None:
    slug = load(live_server.app, tmp_path, "fehler", language="de")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    to_seq(live_server, page, slug)
    submit_unchecked(page, "Weiter")
    page.wait_for_function("document.activeElement.id === 'error-summary'")
    assert page.title().startswith("Fehler: "), page.title()
    context.close()


@pytest.mark.parametrize(
    ("language", "task", "rate"),
    [("en", "Task 1 of 1", "Rate task 1 of 1"), ("de", "Aufgabe 1 von 1", "Aufgabe 1 von 1 bewerten")],
)
def test_task_and_seq_pages_have_their_own_titles(
    live_server: Any, browser: Any, tmp_path: Path, language: str, task: str, rate: str
) -> None:
    slug = load(live_server.app, tmp_path, "titles", language=language)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    study = "Getting help at Acme Networks"
    assert to_seq(live_server, page, slug) == f"{task} · {study}"
    assert page.title() == f"{rate} · {study}"
    context.close()


# The language each piece of text is read in: its nearest lang attribute.
LANG_OF_JS = (
    """sel => [...document.querySelectorAll(sel)].map(e => e.closest('[lang]').getAttribute('lang'))"""
)


def langs(page: Any, selector: str) -> set[str]:
    found: list[str] = page.evaluate(LANG_OF_JS, selector)
    assert found, selector
    return set(found)


def test_study_text_keeps_its_language_on_a_german_page(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    """A study without `language` is written in DEFAULT_LANGUAGE (en): a German browser gets
    uxlab's words in German (html lang=de) and the researcher's text marked lang=en."""
    slug = load(live_server.app, tmp_path, "sprache", own=tuple(OWN), free_text="Anything else?")
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{slug}")
    assert page.locator("html").get_attribute("lang") == "de"
    assert langs(page, ".consent p") == {"en"} and langs(page, ".site-header .brand") == {"en"}
    assert langs(page, "h1, .consent h2, button") == {"de"}
    page.locator("form button.primary").click()
    page.wait_for_url("**/task/1")
    assert langs(page, ".prompt") == {"en"} and langs(page, "h1, .step, button") == {"de"}
    to_seq(live_server, page, slug, agree=False)
    own = (
        "fieldset:not(#f-seq) legend > span:not(.item-number):not(.hint), .choice-option span,"
        " .free-text label > span:first-child"
    )
    assert langs(page, own) == {"en"}
    assert langs(page, "#f-seq legend, .hint, .scale-ends, h1, button, .free-text .muted") == {"de"}
    assert langs(page, "#f-q_five .scale-ends > span > span") == {"de"}  # "lowest"/"highest" are uxlab's
    for group in page.locator("fieldset").all():
        group.locator("input").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Weiter").click()
    page.wait_for_url("**/questionnaires")
    assert langs(page, "#f-q_where legend > span, label[for=free_text] > span:first-child") == {"en"}
    assert langs(page, "#f-nps legend, #f-umux_lite_1 legend, h1") == {"de"}
    context.close()


def test_no_lang_marks_when_the_page_speaks_the_study_language(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    slug = load(live_server.app, tmp_path, "englisch", own=tuple(OWN))
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    to_seq(live_server, page, slug)
    assert page.evaluate("document.querySelectorAll('body [lang]').length") == 0
    context.close()
