"""The page history charts, read back from their SVG: one axis of builds, each point at its own build."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from flask import Flask

from tests.probe.report_data import complete_report
from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.db import get_session

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
ACCOUNT = {"email": "history@example.org", "password": "a long enough password 123"}
SVG = "{http://www.w3.org/2000/svg}"
LABEL_Y = "228"  # the x labels' baseline: 18 px under the plot area (uxlab.charts.lines.Y1 + 18)


def report(
    commit: str, fcp_by_profile: dict[str, float], budgets: dict[str, float] | None = None
) -> dict[str, Any]:
    """A build of the page / in the given profiles, with an FCP budget per profile if given."""
    pages = []
    for profile, fcp in fcp_by_profile.items():
        run = {"metrics": {"fcp_ms": fcp, "lcp_ms": fcp + 100}, "score": 0.9}
        limit = (budgets or {}).get(profile)
        budget = [{"metric": "fcp_ms", "max": limit, "value": fcp, "passed": fcp <= limit}] if limit else []
        pages.append({"path": "/", "profile": profile, "runs": [run], "budgets": budget})
    build = {"commit": commit, "branch": "main", "time": "2026-11-25T12:00:00Z"}
    return complete_report({"study": "helpdesk", "pages": pages, "build": build})


def upload_all(app: Flask, reports: list[dict[str, Any]]) -> Any:
    """Store the reports through the upload path; return a signed-in test client."""
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        secret = probe_uploads.create_token(db, "helpdesk", "CI")
        token = probe_uploads.authenticate(db, f"Bearer {secret}")
        for one in reports:
            probe_uploads.store_upload(db, token, one)
        auth.create_user(db, ACCOUNT["email"], ACCOUNT["password"])
    client = app.test_client()
    assert client.post("/login", data=ACCOUNT).status_code == 302
    return client


def chart(page: str, title: str) -> ET.Element:
    """The SVG chart whose title starts with ``title``."""
    for found in re.findall(r"<svg .*?</svg>", page, re.S):
        root = ET.fromstring(found)
        if (root.findtext(f"{SVG}title") or "").startswith(title):
            return root
    raise AssertionError(f"no chart {title!r}")


def marker_x(element: ET.Element) -> float:
    """The x centre of a point marker (circle, square or triangle)."""
    if element.tag == f"{SVG}circle":
        return float(element.get("cx", ""))
    if element.tag == f"{SVG}rect":
        return float(element.get("x", "")) + 4
    return float(element.get("points", "").split(",")[0])


def points_by_shape(root: ET.Element) -> dict[str, list[float]]:
    """x of the plotted points per marker shape (legend markers, below the axis, left out)."""
    out: dict[str, list[float]] = {}
    for element in root:
        if element.get("class") == "point":
            y = float(
                element.get("cy")
                or element.get("y")
                or element.get("points", "0,0").split(" ")[0].split(",")[1]
            )
            if y < 220:
                out.setdefault(element.tag.removeprefix(SVG), []).append(marker_x(element))
    return out


def test_each_profile_point_sits_at_its_own_build(any_app: Flask) -> None:
    # Profiles differ per build: desktop only twice, then mobile and lighthouse-mobile only.
    client = upload_all(
        any_app,
        [
            report("aaaaaaa1", {"desktop": 100.0}),
            report("bbbbbbb2", {"desktop": 110.0}),
            report("ccccccc3", {"lighthouse-mobile": 700.0, "mobile": 300.0}),
        ],
    )
    page = client.get("/studies/helpdesk/probes/page?path=/").get_data(as_text=True)
    root = chart(page, "First contentful paint")
    labels = {e.text: float(e.get("x", "")) for e in root.iter(f"{SVG}text") if e.get("y") == LABEL_Y}
    assert list(labels) == ["aaaaaaa", "bbbbbbb", "ccccccc"]  # one axis: every build, in build order
    # Profiles in name order draw circles (desktop), squares (lighthouse-mobile), triangles (mobile).
    shapes = points_by_shape(root)
    assert shapes["circle"] == [labels["aaaaaaa"], labels["bbbbbbb"]]
    assert shapes["rect"] == [labels["ccccccc"]]
    assert shapes["polygon"] == [labels["ccccccc"]]
    described = root.findtext(f"{SVG}desc") or ""
    assert "lighthouse-mobile: ccccccc 700" in described and "desktop: aaaaaaa 100, bbbbbbb 110" in described


def budget_of(root: ET.Element) -> str:
    """The budget the chart draws, as its description names it ('' for none)."""
    found = re.search(r"budget: ([0-9.]+)", root.findtext(f"{SVG}desc") or "")
    return found.group(1) if found else ""


def test_each_profile_draws_the_budget_its_latest_build_was_judged_by(any_app: Flask) -> None:
    main = report("aaaaaaa1", {"desktop": 100.0, "mobile": 300.0}, {"desktop": 1800.0, "mobile": 3000.0})
    feature = report("bbbbbbb2", {"desktop": 120.0}, {"desktop": 5.0})
    feature["build"]["branch"] = "feature-x"
    client = upload_all(any_app, [main, feature])

    page = client.get("/studies/helpdesk/probes/page?path=/").get_data(as_text=True)
    # The feature build judged only desktop: mobile keeps main's budget; desktop's latest is 5.
    assert budget_of(chart(page, "First contentful paint (ms), mobile")) == "3000"
    assert budget_of(chart(page, "First contentful paint (ms), desktop")) == "5"

    on_main = client.get("/studies/helpdesk/probes/page?path=/&branch=main").get_data(as_text=True)
    assert budget_of(chart(on_main, "First contentful paint (ms), desktop")) == "1800"
    assert budget_of(chart(on_main, "First contentful paint (ms), mobile")) == "3000"
    assert "bbbbbbb" not in on_main  # the feature build is not on main's chart
    assert budget_of(chart(on_main, "Largest contentful paint")) == ""  # no LCP budget anywhere
