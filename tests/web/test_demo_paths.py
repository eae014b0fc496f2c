"""The demo's recorded paths are walks on the demo site, fitting their task.

Audit finding: every demo task got the same two paths, one through ``/support/customer-portal``
(a 404 on the demo site; the link goes to ``/support/portal``): find-hotline had 0% direct
success, its answer counted without ``/contact`` ever opened, every failure "ended on
/support", and the attempts table listed a page that does not exist.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from pathlib import Path

from flask import Flask
from sqlmodel import select

from uxlab.db import get_session
from uxlab.demo import data as demo_data
from uxlab.demo.paths import ROUTES
from uxlab.models import Attempt, Task

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
LINK = re.compile(r'href="/demo(/[^"#?]*)?"')


def _links(app: Flask, page: str) -> set[str]:
    """The demo pages ``page`` links to (paths below /demo); AssertionError when it is no page."""
    response = app.test_client().get("/demo" + page)
    assert response.status_code == 200, page
    return {(found or "/").rstrip("/") or "/" for found in LINK.findall(response.get_data(as_text=True))}


def test_every_route_is_a_walk_along_the_links_of_the_demo_site(app: Flask) -> None:
    for task, kinds in ROUTES.items():
        for kind, routes in kinds.items():
            for route in routes:
                for here, there in itertools.pairwise(route):
                    assert there in _links(app, here), (task, kind, route, here, there)
                _links(app, route[-1])  # the last page exists too


def test_demo_attempts_reach_their_tasks_pages_and_end_elsewhere_on_real_pages(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        assert demo_data.add_demo_data(db, SCENARIOS / "helpdesk.yaml", people=60) is not None
        rows = db.exec(select(Attempt, Task.key).join(Task, Task.id == Attempt.task_id)).all()
        tried = [(key, a.outcome, a.direct, list(a.path)) for a, key in rows if not a.abandoned]
    pages = {page for *_, path in tried for page in path}
    for page in pages:
        _links(app, page)  # no 404 in any recorded path
    wins: dict[str, list[list[str]]] = defaultdict(list)
    ends: dict[str, set[str]] = defaultdict(set)
    direct: dict[str, int] = defaultdict(int)
    for key, outcome, was_direct, path in tried:
        if outcome == "success":
            wins[key].append(path)
            direct[key] += bool(was_direct)
        else:
            ends[key].add(path[-1])
    assert all(path[-1] == "/support/helpdesk" for path in wins["find-helpdesk"])
    assert all(path[-1] == "/support/helpdesk" for path in wins["open-ticket"])  # clicked there
    assert all("/contact" in path for path in wins["find-hotline"])  # the number is read there
    assert all(path[-1] == "/products/router-x200" for path in wins["router-warranty"])  # "Done" there
    assert set(direct) == set(ROUTES) and all(direct[key] < len(wins[key]) for key in ROUTES)
    assert all(len(ends[key]) >= 3 for key in ROUTES), dict(ends)  # not all "/support"
    assert "/support/helpdesk" not in ends["find-helpdesk"]
