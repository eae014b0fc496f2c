"""Task paths run at the profile's screen size, unthrottled: the README and the code say so."""

from __future__ import annotations

import re
from pathlib import Path

from uxlab.probe.paths import run_task_path

ROOT = Path(__file__).resolve().parents[2]


def test_task_paths_are_documented_as_unthrottled_layout_checks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bullet = re.search(r"- \*\*Task paths\*\*.*?(?=\n- )", readme, re.S)
    assert bullet is not None
    text = " ".join(bullet.group(0).split())
    assert "screen size" in text and "unthrottled" in text and "not speed figures" in text
    doc = " ".join((run_task_path.__doc__ or "").split())
    assert "without its network or CPU throttling" in doc and "not speed figures" in doc
