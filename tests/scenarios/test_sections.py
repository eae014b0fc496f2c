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


PROBE = """\
site: {base_url: /demo}
probe:
  runs: 4
  profiles: [desktop, phone, tablet, desktop]
  profile_defs:
    tablet: {width: 100, height: 1280, mobile: maybe}
  pages:
    - products
    - /support
    - {path: /support, budgets: [{metric: lcp_ms}]}
  budgets:
    - {metric: lcp, max: 2500, level: fatal}
    - {metric: score, min: 1.5, aggregate: mean}
"""


def test_every_problem_of_the_probe_is_reported() -> None:
    found = [(line, field, reason.split(" (")[0]) for line, field, reason in problems(HEAD + PROBE)]
    assert found == [
        (8, "probe.runs", "is 4"),
        (9, "probe.profiles[1]", "got text 'phone'"),
        (9, "probe.profiles[3]", "desktop is listed twice"),
        (11, "probe.profile_defs.tablet.width", "is 100, below the minimum"),
        (11, "probe.profile_defs.tablet.mobile", "expected true or false, got text 'maybe'"),
        (13, "probe.pages[0]", "'products' is outside the site"),
        (15, "probe.pages[2].budgets[0].max", "missing"),
        (17, "probe.budgets[0].metric", "got text 'lcp'"),
        (17, "probe.budgets[0].level", "got text 'fatal'"),
        (18, "probe.budgets[1].min", "is 1.5, above the maximum"),
        (18, "probe.budgets[1].aggregate", "got text 'mean'"),
    ]  # tablet, though its definition is refused, is a defined profile: profiles[2] is fine


def test_the_audit_example_reports_all_five_problems() -> None:
    probe = """\
site: {base_url: /demo}
probe:
  runs: 4
  profiles: [desktop, phone]
  pages: [products]
  budgets: [{metric: lcp, max: 2500, level: fatal}]
"""
    assert [(line, field) for line, field, _ in problems(HEAD + probe)] == [
        (8, "probe.runs"),
        (9, "probe.profiles[1]"),
        (10, "probe.pages[0]"),
        (11, "probe.budgets[0].metric"),
        (11, "probe.budgets[0].level"),
    ]
