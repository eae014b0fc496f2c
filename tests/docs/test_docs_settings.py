"""The README's settings table is the one generated from uxlab.config.SETTINGS."""

from __future__ import annotations

from pathlib import Path

from uxlab.config import settings_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    assert settings_markdown() in text, "README settings table is stale: regenerate from uxlab.config"
