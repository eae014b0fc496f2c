"""The inline tracker snippet (uxlab/participants/snippet.py): README, escaping, size, plain ES5."""

from __future__ import annotations

import re
from pathlib import Path

from uxlab.participants import snippet

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_URL = "https://uxlab.example.com/static/tracker.js"


def tracker_section() -> str:
    text = README.read_text(encoding="utf-8")
    start, end = text.find("<!-- section: tracker -->"), text.find("<!-- /section: tracker -->")
    assert 0 <= start < end, "README has no tracker section"
    return text[start:end]


def test_readme_shows_the_snippet_render_writes() -> None:
    blocks = re.findall(r"```html\n(.*?)\n```", tracker_section(), re.S)
    assert str(snippet.render(EXAMPLE_URL)) in blocks


def test_readme_example_with_servers_is_what_render_writes() -> None:
    ending = '})(window,document,"/js/tracker.js","https://uxlab.example.com");</script>'
    assert f"`...{ending}`" in tracker_section()
    assert str(snippet.render("/js/tracker.js", "https://uxlab.example.com")).endswith(ending)
    assert snippet.render("/t.js", ["https://a", "https://b"]).endswith(
        '"/t.js","https://a https://b");</script>'
    )


def test_arguments_cannot_end_the_script_element() -> None:
    html = str(snippet.render('https://x.test/"</script><img src=x onerror=alert(1)>'))
    assert html.count("<") == 2 and html.endswith("</script>")  # only the snippet's own tags
    assert '\\"\\u003c/script\\u003e' in html


def test_loader_is_small_plain_es5() -> None:
    html = str(snippet.render(EXAMPLE_URL))
    assert len(html.encode()) <= 1024  # the README's "under 1 KB"; it is copied into every page
    code = html[len("<script>") : -len("</script>")]
    for newer in ("=>", "`", "let ", "const ", "class ", "..."):
        assert newer not in code, newer
