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
from uxlab import scenarios
from uxlab.scenarios.syntax_field import field_at

UNPRINTABLE = [
    ("vertical_tab_in_a_title", "title: Getting help", "title: Getting\x0bhelp", 13, "title",
     "character U+000B at column 15"),
    ("nul_in_a_folded_prompt", "      Find the helpdesk portal.", "      Find the\x00helpdesk portal.", 57,
     "tasks[0].prompt", "character U+0000 at column 15"),
    ("escape_in_a_touchpoint", "touchpoint: Contact page", "touchpoint: Contact\x1b[0m page", 101,
     "tasks[2].touchpoint", "character U+001B at column 24"),
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
     "\ttarget_time_s: 30\n    stage: consideration", 99, "tasks[2].target_time_s", "a tab at column 1"),
    ("before_a_site_key", "  base_url: /demo", "\tbase_url: /demo", 33, "site.base_url", "a tab at column 1"),
    ("after_a_dash", "  - id: open-ticket", "  -\tid: open-ticket", 70, "tasks[1].id", "a tab at column 4"),
    ("in_block_text", "  Thank you for helping", "\tThank you for helping", 22, "consent",
     "a tab at column 1"),
    ("before_a_list_item", '      - click: "a#helpdesk-link"\n      - click: "#open-ticket"',
     '\t  - click: "a#helpdesk-link"\n      - click: "#open-ticket"', 83, "tasks[1].ideal_path[2].click",
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
     "tasks[0].success", "the '{' at column 14 is not closed (no '}' before line 60)"),
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


def test_a_key_indented_under_the_one_above_is_named_with_a_plain_hint(tmp_path: Path) -> None:
    # YAML reads "touchpoint: ..." as more of stage's value; the field is the value being read
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with("    touchpoint: Contact page", "      touchpoint: Contact page"))
    hint = (
        "YAML syntax error: 'touchpoint:' is indented deeper than the key above, so YAML reads it "
        "as part of that key's value (align 'touchpoint:' with the key above; or, if the line "
        "continues that value, put the whole value in quotes)"
    )
    assert_refused(path, 101, "tasks[2].stage", hint)


WARRANTY = """\
    prompt: >-
      You are thinking of buying the Router X200. Find out how long its warranty is,
      then press "Done"."""


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ('Find: the "Contact" page', """'Find: the "Contact" page'"""),
        ("Find: the helpdesk's page  # a comment", """"Find: the helpdesk's page\""""),
        ("""Say: "it's here\"""", """'Say: "it''s here"'"""),
    ],
)
def test_a_colon_in_a_value_is_named_with_the_value_quoted(tmp_path: Path, value: str, quoted: str) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(WARRANTY, f"    prompt: {value}"), encoding="utf-8")
    line = path.read_text().splitlines().index(f"    prompt: {value}") + 1
    column = len("    prompt: ") + value.index(":") + 1
    hint = f"the value has ': ' at column {column}, which YAML reads as another key"
    hint += f" (put the whole value in quotes: prompt: {quoted})"
    assert_refused(path, line, "tasks[3].prompt", f"YAML syntax error: {hint}")
    path.write_text(helpdesk_with(WARRANTY, f"    prompt: {quoted}"), encoding="utf-8")
    assert scenarios.load(path).tasks[3].prompt == value.split("  #")[0]  # the hint's quoting reads back


FIELDS = [
    ("a list under a key at its own indent", "tasks:\n- id: a\n- id: b\n  stage: x\n", 4, "tasks[1].stage"),
    ("block text is not read for keys", "consent: |\n  Note: this\n  - is text\ntitle: x\n", 3, "consent"),
    ("a list inside a list item", "tasks:\n  - id: a\n    ideal_path:\n      - click: a\n      - goto: /\n",
     5, "tasks[0].ideal_path[1].goto"),
    ("a key after a list", "tasks:\n  - id: a\nprobe:\n  runs: 3\n", 4, "probe.runs"),
    ("comments and blank lines", "# c: d\n\nsite:\n  # e: f\n  base_url: /x\n", 5, "site.base_url"),
    ("no key above", "# only: a comment\n", 1, "(document)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "field"), [c[1:] for c in FIELDS], ids=[c[0] for c in FIELDS])
def test_the_field_of_a_line_yaml_cannot_read_names_list_indexes(text: str, line: int, field: str) -> None:
    assert field_at(text, line) == field
