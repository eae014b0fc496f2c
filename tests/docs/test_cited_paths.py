"""Every repository path the code, the tests, the benchmarks and the README cite exists.

A citation is a word that looks like a path into the repository: it starts with one of the
repository's top-level folders (``docs/METRICS.md``, ``uxlab/metrics/``, ``scenarios/*.yaml``)
or leaves it (``../shared/...``), or it names a Markdown document (``README.md``); a
document is cited by its path from the repository's root or from the citing file's folder
(``bench/`` cites ``RESULTS.md``), so a bare ``METRICS.md`` in ``uxlab/`` is refused.
Not citations: runtime names such as ``researcher/login.html`` (relative to ``templates/``)
or Lighthouse's ``core/scoring.js``, which start elsewhere; paths on a line that names
another site or repository (``://``, ``github.com/``); commands in the README's code blocks
(their output files); paths the repository ignores (``.gitignore``: made by a command).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_FOLDERS = frozenset(
    p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "build"
)
SCANNED = (
    "README.md",
    "docs/METRICS.md",
    "docs/ARCHITECTURE.md",
    "uxlab/**/*.py",
    "tests/**/*.py",
    "bench/**/*.py",
    "scripts/*",
    "Makefile",
    "pyproject.toml",
)
SKIPPED = ("uxlab/migrations/versions/", "tests/docs/test_cited_paths.py")
WORD = re.compile(r"[\w./*-]+")
ELSEWHERE = ("://", "github.com/")
IGNORED = tuple(
    line.strip().rstrip("/")
    for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    if "/" in line.strip().rstrip("/")
)


def citations(text: str) -> set[str]:
    """Return the words of ``text`` that cite a repository path (see the module docstring)."""
    found: set[str] = set()
    in_code = False
    for line in text.splitlines():
        in_code ^= line.lstrip().startswith("```")
        if in_code or any(mark in line for mark in ELSEWHERE):
            continue
        for match in WORD.finditer(line):
            word = match.group().rstrip(".")
            first = word.split("/", 1)[0]
            if word.startswith("../") or ("/" in word and first in TOP_FOLDERS) or word.endswith(".md"):
                found.add(word)
    return found


def exists(cited: str, folder: Path = ROOT) -> bool:
    """Whether ``cited`` names something in the repository, from its root or from ``folder``."""
    if cited.startswith(("../", "/")):
        return False  # outside the repository: a reader of the repository cannot follow it
    if cited.rstrip("/").startswith(IGNORED):
        return True
    for base in (ROOT, folder):
        if any(base.glob(cited.rstrip("/"))) if "*" in cited else (base / cited).exists():
            return True
    return False


def _files() -> list[Path]:
    files = {path for pattern in SCANNED for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(p for p in files if not p.relative_to(ROOT).as_posix().startswith(SKIPPED))


FILES = _files()


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_cited_paths_exist(path: Path) -> None:
    cited = citations(path.read_text(encoding="utf-8"))
    assert sorted(c for c in cited if not exists(c, path.parent)) == []


def test_the_rule_finds_missing_and_outside_paths() -> None:
    text = "See docs/METRICS.md, METRICS.md, ../shared/DESIGN.md and uxlab/metrics/; not core/scoring.js."
    assert citations(text) == {"docs/METRICS.md", "METRICS.md", "../shared/DESIGN.md", "uxlab/metrics/"}
    missing = [c for c in sorted(citations(text)) if not exists(c, ROOT / "uxlab")]
    assert missing == ["../shared/DESIGN.md", "METRICS.md"]
    assert exists("RESULTS.md", ROOT / "bench") and not exists("RESULTS.md", ROOT / "uxlab")
