"""Dependencies point inward: the pure layers import neither Flask nor Playwright."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = ["uxlab.errors", "uxlab.config", "uxlab.scenarios", "uxlab.metrics"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_framework(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "frameworks = {'flask', 'playwright', 'sqlalchemy', 'sqlmodel'}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in frameworks); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if "ModuleNotFoundError" in result.stderr and module.split(".")[-1] in result.stderr:
        pytest.fail(f"{module} is missing")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"


def test_only_probe_imports_playwright() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "uxlab"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "playwright" in path.read_text(encoding="utf-8")
        and "import" in path.read_text(encoding="utf-8")
        and any(
            line.lstrip().startswith(("import playwright", "from playwright"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
        and path.relative_to(root).parts[0] != "probe"
    ]
    assert offenders == []
