"""``site:`` and ``probe:`` report every problem they hold in one run, in line order.

Each used to stop at its first problem: ``keep_query: q`` with ``retention_days: 0.5``
reported only retention_days, a bad base_url hid the rest of the site, and ``runs: 4``
hid an unknown profile, a page outside the site and a budget's bad metric and level.
"""

from __future__ import annotations

import pytest

from uxlab import scenarios
from uxlab.errors import ScenarioError

HEAD = """\
slug: sections
title: Sections
consent: You agree.
tasks:
  - {id: one, prompt: Find it., success: self_report, stage: awareness}
"""  # 5 lines: what follows starts on line 6


def problems(text: str) -> list[tuple[int | None, str, str]]:
    """(line, field, reason) of each problem in ``text``, in the order reported."""
    with pytest.raises(ScenarioError) as caught:
        scenarios.loads(text, "sections.yaml")
    for problem in caught.value.problems():
        assert problem.message == f"sections.yaml:{problem.line}: {problem.field}: {problem.reason}"
    return [(p.line, p.field or "", p.reason) for p in caught.value.problems()]


def test_every_problem_of_the_site_is_reported_in_line_order() -> None:
    site = "site:\n  base_url: /demo\n  keep_query: q\n  retention_days: 0.5\n"
    assert problems(HEAD + site) == [
        (8, "site.keep_query", "expected a list of query parameter names, got text 'q'"),
        (9, "site.retention_days", "expected a whole number of days, got a number (0.5)"),
    ]


def test_a_bad_base_url_or_origin_hides_no_other_site_problem() -> None:
    site = """\
site:
  base_url: ftp://shop.example.com
  origins:
    - nope
    - https://ok.example.com
    - https://shop.example.com/path
  keep_query: [page, "a=b", sort, "has space"]
  retention_days: 0
"""
    assert [(line, field, reason.split(" (")[0]) for line, field, reason in problems(HEAD + site)] == [
        (7, "site.base_url", "'ftp://shop.example.com' is not usable"),
        (9, "site.origins[0]", "'nope' is not an origin"),
        (11, "site.origins[2]", "'https://shop.example.com/path' is not an origin"),
        (12, "site.keep_query[1]", "'a=b' is not a query parameter name"),
        (12, "site.keep_query[3]", "'has space' is not a query parameter name"),
        (13, "site.retention_days", "is 0, below the minimum"),
    ]


def test_a_bad_site_hides_no_problem_elsewhere() -> None:
    text = HEAD.replace("stage: awareness", "stage: later") + "site: {base_url: 'x', retention_days: 0}\n"
    assert [(line, field) for line, field, _ in problems(text)] == [
        (5, "tasks[0].stage"),
        (6, "site.base_url"),
        (6, "site.retention_days"),
    ]
