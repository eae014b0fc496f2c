"""Small rules the scenario format applies: answer folding, path globs, site paths, CSS selectors."""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import cssselect
import re2

# Pseudo-classes browsers understand in element.matches(); others (jQuery's :contains,
# Playwright's :has-text) would never match in the participant's browser.
_PSEUDO_CLASS_NAMES = """
active any-link autofill checked default defined dir disabled empty enabled first-child
first-of-type focus focus-visible focus-within fullscreen has hover in-range indeterminate
invalid is lang last-child last-of-type link modal not nth-child nth-last-child
nth-last-of-type nth-of-type only-child only-of-type open optional out-of-range
placeholder-shown popover-open read-only read-write required root scope target
user-invalid user-valid valid visited where
"""
PSEUDO_CLASSES = frozenset(_PSEUDO_CLASS_NAMES.split())


def normalize_answer(text: str) -> str:
    """Fold case and drop spaces and punctuation (including '+'): "+1 555-0100" -> "15550100"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def glob_to_regex(pattern: str) -> str:
    """Translate a path glob: ``**`` spans segments, ``*`` stays within one, the rest is literal."""
    out = []
    for i, part in enumerate(pattern.split("**")):
        if i:
            out.append(".*")
        out.append("[^/]*".join(re.escape(piece) for piece in part.split("*")))
    return "^" + "".join(out) + "$"


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is the checker's message, not a line on stderr
    return options


@functools.lru_cache(maxsize=1024)
def path_matcher(regex: str) -> Any:
    """Compile a path regex (a ``url_regex``, or a glob's translation) for matching paths.

    Participants' browsers send the paths, so a pattern that backtracks would let anyone hold
    a worker for minutes with one long URL (``/**a**a**a**b`` took 23 s on 300 characters
    with ``re``). RE2 matches in time linear in the path, whatever the pattern. A
    ``url_regex`` RE2 refuses (lookarounds, backreferences) is refused when a scenario is
    checked; one stored before that check falls back to ``re``.
    """
    try:
        return re2.compile(regex, _re2_options())
    except re2.error:
        return re.compile(regex)


def path_regex_problem(regex: str) -> str | None:
    """Why ``regex`` cannot be a ``url_regex`` (not a regex, or a construct RE2 lacks), or None."""
    try:
        re.compile(regex)
    except re.error as error:
        return f"invalid regular expression: {error}"
    try:
        re2.compile(regex, _re2_options())
    except re2.error as error:
        why = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        return (
            f"not supported by RE2 ({why}); uxlab matches paths with RE2, in time linear in the URL, "
            "so lookarounds and backreferences are not available"
        )
    return None


def strip_slash(path: str) -> str:
    return path.rstrip("/") or "/" if path.startswith("/") else path


def inside_site(path: str) -> str | None:
    """Return ``path`` normalized if it is a path inside the site ('/...', no escaping '..'), else None."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    raw = parts.path
    if ".." in raw.split("/"):
        depth = 0
        for segment in raw.split("/"):
            depth += -1 if segment == ".." else (1 if segment not in ("", ".") else 0)
            if depth < 0:
                return None
        raw = posixpath.normpath(raw) + ("/" if raw.endswith("/") and raw != "/" else "")
    return raw + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def check_selector(selector: str) -> str | None:
    """Return why ``selector`` is not a CSS selector a browser's element.matches() accepts, or None."""
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError as error:
        return str(error).replace("<", "").replace(">", "")
    if any(sel.pseudo_element for sel in parsed):
        return "pseudo-elements (::name) cannot be clicked"
    stripped = re.sub(r"\"[^\"]*\"|'[^']*'|\[[^\]]*\]", "", selector)
    for name in re.findall(r"(?<!:):([A-Za-z-]+)", stripped):
        if name.lower() not in PSEUDO_CLASSES:
            return f"unknown pseudo-class ':{name}'"
    return None
