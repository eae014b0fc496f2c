"""Files YAML cannot read: each is refused in one line at the line where the problem is."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.scenarios.refusals import (
    assert_load_stores_nothing,
    assert_nothing_stored_anywhere,
    assert_refused,
    helpdesk_with,
)

UNPRINTABLE = [
    ("vertical_tab_in_a_title", "title: Getting help", "title: Getting\x0bhelp", 13, "title",
     "character U+000B at column 15"),
    ("nul_in_a_folded_prompt", "      Find the helpdesk portal.", "      Find the\x00helpdesk portal.", 57,
     "tasks.prompt", "character U+0000 at column 15"),
    ("escape_in_a_touchpoint", "touchpoint: Contact page", "touchpoint: Contact\x1b[0m page", 101,
     "tasks.touchpoint", "character U+001B at column 24"),
    ("columns_count_characters", "title: Getting help", "title: Café ünd\x07help", 13, "title",
     "character U+0007 at column 16"),
    ("in_a_comment", "# Check it:", "# Check\x08it:", 3, "(document)", "character U+0008 at column 8"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [c[1:] for c in UNPRINTABLE],
                         ids=[c[0] for c in UNPRINTABLE])  # fmt: skip
def test_a_raw_control_character_is_refused_at_its_line_and_column(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, fragment)


def test_load_and_the_editor_refuse_a_control_character_and_store_nothing(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with("title: Getting help", "title: Getting\x0bhelp"), encoding="utf-8")
    assert_nothing_stored_anywhere(app, path, 13, "title")


TABS = [
    ("before_a_task_key", "    target_time_s: 30\n    stage: consideration",
     "\ttarget_time_s: 30\n    stage: consideration", 99, "tasks.target_time_s", "a tab at column 1"),
    ("before_a_site_key", "  base_url: /demo", "\tbase_url: /demo", 33, "site.base_url", "a tab at column 1"),
    ("after_a_dash", "  - id: open-ticket", "  -\tid: open-ticket", 70, "tasks.id", "a tab at column 4"),
    ("in_block_text", "  Thank you for helping", "\tThank you for helping", 22, "consent",
     "a tab at column 1"),
    ("before_a_list_item", '      - click: "a#helpdesk-link"\n      - click: "#open-ticket"',
     '\t  - click: "a#helpdesk-link"\n      - click: "#open-ticket"', 83, "tasks.ideal_path.click",
     "a tab at column 1"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [c[1:] for c in TABS],
                         ids=[c[0] for c in TABS])  # fmt: skip
def test_a_tab_that_indents_is_refused_at_its_own_line(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, f"YAML syntax error: {fragment} (YAML indents with spaces only")


def test_a_byte_that_is_not_utf8_is_refused_at_its_line_and_column(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    title = "title: Getting help at Acme Networks"
    path.write_bytes(helpdesk_with(title, title + " café").encode("latin-1"))
    why = f"not UTF-8 text (byte 0xe9 at column {len(title) + 5}; save the file as UTF-8)"
    assert_refused(path, 13, "title", why)
    assert_load_stores_nothing(app, path, 13, "title")
    # Columns count characters: "é" before the bad byte is one column, not two bytes.
    path.write_bytes(
        helpdesk_with(title, "title: Café ").encode("utf-8").replace(b"Caf\xc3\xa9 ", b"Caf\xc3\xa9 \xff")
    )
    assert_refused(path, 13, "title", "not UTF-8 text (byte 0xff at column 13;")


def test_a_utf16_file_is_refused_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_bytes(helpdesk_with("", "").encode("utf-16"))
    assert_refused(path, 1, "(file)", "UTF-16 text (expected UTF-8: save the file as UTF-8)")


UNCLOSED = [
    ("flow_mapping", "    success: {url: /support/helpdesk}", "    success: {url: /support/helpdesk", 59,
     "tasks.success", "the '{' at column 14 is not closed (no '}' before line 60)"),
    ("flow_sequence", "  profiles: [desktop, mobile]", "  profiles: [desktop, mobile", 126,
     "probe.profiles", "the '[' at column 13 is not closed (no ']' before line 127)"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [c[1:] for c in UNCLOSED],
                         ids=[c[0] for c in UNCLOSED])  # fmt: skip
def test_an_unclosed_bracket_is_refused_at_the_line_where_it_opened(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    # YAML notices only at the next line, whose key would otherwise be named
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, f"YAML syntax error: {fragment}")
