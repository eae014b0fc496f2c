"""Values a scenario file may hold: dates, YAML type tags, control characters.

Each broken value is refused in one line naming the file, its line and its field; a
plain date written in a text field is read as the text written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scenarios.refusals import (
    HELPDESK_LINES,
    assert_nothing_stored_anywhere,
    assert_refused,
    helpdesk_with,
)
from uxlab import scenarios
from uxlab.errors import ScenarioError
from uxlab.scenarios.tasks import PROMPT_MAX_CHARS

CLOSE_AT = HELPDESK_LINES + 2  # the line of close_at in "recruit:\n  close_at: ..." appended to the file
TAGS = ["!!int", "!!float", "!!bool", "!!timestamp", "!!str", "!!null", "!!binary", "!!set", "!!omap"]

BAD_VALUES = [
    ("close_at_no_such_day", "", "recruit:\n  close_at: 2027-02-30\n", CLOSE_AT, "recruit.close_at",
     "not a valid date: 2027-02-30 (day is out of range for month)"),
    ("close_at_no_such_month", "", "recruit:\n  close_at: 2027-13-01\n", CLOSE_AT, "recruit.close_at",
     "not a valid date: 2027-13-01 (month must be in 1..12)"),
    ("close_at_no_such_hour", "", "recruit:\n  close_at: 2027-01-31T25:00:00\n", CLOSE_AT,
     "recruit.close_at", "not a valid date and time: 2027-01-31T25:00:00 (hour must be in 0..23)"),
    ("timestamp_tag_on_a_word", "", "recruit:\n  close_at: !!timestamp yesterday\n", CLOSE_AT,
     "recruit.close_at", "not a valid date: yesterday"),
    ("int_tag_on_a_word", "time_limit_s: 180 ", "time_limit_s: !!int abc ", 60, "tasks[0].time_limit_s",
     "not a valid whole number: abc"),
    ("float_tag_on_a_word", "time_limit_s: 180 ", "time_limit_s: !!float abc ", 60,
     "tasks[0].time_limit_s", "not a valid number: abc"),
    ("bool_tag_on_a_word", "randomize_tasks: false", "randomize_tasks: !!bool maybe", 41, "randomize_tasks",
     "not a valid true/false value: maybe"),
    ("int_tag_on_nothing", "target_time_s: 40 ", "target_time_s: !!int ''", 61, "tasks[0].target_time_s",
     "not a valid whole number: ''"),
    ("no_such_day_where_a_number_goes", "time_limit_s: 120\n    target_time_s: 30\n    stage: purchase",
     "time_limit_s: 2026-02-30\n    target_time_s: 30\n    stage: purchase", 114, "tasks[3].time_limit_s",
     "expected a number of seconds, got text '2026-02-30'"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [c[1:] for c in BAD_VALUES],
                         ids=[c[0] for c in BAD_VALUES])  # fmt: skip
def test_a_value_its_type_cannot_hold_is_refused_in_one_line(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, fragment)


@pytest.mark.parametrize("case", ["close_at_no_such_day", "int_tag_on_a_word"])
def test_load_and_the_editor_refuse_an_impossible_value_and_store_nothing(
    app: Flask, tmp_path: Path, case: str
) -> None:
    _, old, new, line, field, _ = next(c for c in BAD_VALUES if c[0] == case)
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_nothing_stored_anywhere(app, path, line, field)


def test_a_date_in_a_text_field_is_the_text_written(tmp_path: Path) -> None:
    text = helpdesk_with("slug: helpdesk", "slug: 2026-02-30").replace("title: Getting", "title: 2027-02-28")
    text = text.replace("touchpoint: Product page", "touchpoint: 2026-02-29")
    text = text.replace('accepted: ["+1 555 0100", "555 0100"]', "accepted: [2026-02-30, 2026-03-01]")
    text += "questions:\n  - {id: q1, type: single, text: When?, options: [2026-02-29, 2026-03-01T10:00]}\n"
    study = scenarios.loads(text)
    assert (study.slug, study.title) == ("2026-02-30", "2027-02-28 help at Acme Networks")
    assert study.task("router-warranty").touchpoint == "2026-02-29"
    assert study.task("find-hotline").success.accepted == ("2026-02-30", "2026-03-01")
    assert study.questions[0].options == ("2026-02-29", "2026-03-01T10:00")
    # A date where a date is meant stays a date.
    recruit = scenarios.loads(text + "recruit: {close_at: 2027-01-31}\n").recruit
    assert recruit is not None and recruit.close_at is not None
    assert recruit.close_at.isoformat() == "2027-01-31T00:00:00+00:00"


def test_a_date_where_a_choice_or_a_key_goes_is_named_as_written(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with("stage: purchase", "stage: 2026-02-30"), encoding="utf-8")
    assert_refused(path, 116, "tasks[3].stage", "got text '2026-02-30' (expected one of: awareness")
    path.write_text(helpdesk_with("", "2026-02-30: x\n"), encoding="utf-8")
    assert_refused(path, HELPDESK_LINES + 1, "2026-02-30", "unknown key")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(TAGS),
    st.sampled_from(["", "abc", "''", "0x_", "2027-02-30", "1:99", "[1, x]", "{a: 2027-02-30}", "~"]),
    st.sampled_from(["title", "randomize_tasks", "ces_version", "free_text", "product_name"]),
)
def test_any_tag_on_any_value_loads_or_is_refused_in_one_line(tag: str, value: str, key: str) -> None:
    text = helpdesk_with("", f"{key}: {tag} {value}\n").replace(f"\n{key}:", f"\n# {key}:", 1)
    try:
        scenarios.loads(text, "tagged.yaml")
    except ScenarioError as error:
        assert all("\n" not in p.message and p.message.startswith("tagged.yaml:") for p in error.problems())


def test_a_bad_value_inside_a_list_names_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with('ces_version: "2.0"', 'ces_version:\n  - "2.0"\n  - !!int x'), "utf-8")
    assert_refused(path, 49, "ces_version", "not a valid whole number: x")


CONTROLS = [
    ("nul_in_a_title", "title: Getting help at Acme Networks", 'title: "Getting\\0help"', 13, "title",
     "U+0000"),
    ("escape_in_a_touchpoint", "touchpoint: Contact page", 'touchpoint: "Contact\\epage"', 101,
     "tasks[2].touchpoint", "U+001B"),
    ("bell_in_an_accepted_answer", '"555 0100"]', '"555\\a0100"]', 97,
     "tasks[2].success.answer.accepted[1]", "U+0007"),
    ("delete_in_an_option", "", 'questions:\n  - {id: q, type: single, text: Q?, options: [a, "c\\x7f"]}\n',
     HELPDESK_LINES + 2, "questions[0].options[1]", "U+007F"),
    ("c1_control_in_a_slug", "slug: helpdesk", 'slug: "help\\x9bdesk"', 12, "slug", "U+009B"),
    ("nul_in_a_key", "", '"ti\\0tle": x\n', HELPDESK_LINES + 1, "(document)", "U+0000"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "code"), [c[1:] for c in CONTROLS],
                         ids=[c[0] for c in CONTROLS])  # fmt: skip
def test_a_control_character_in_a_quoted_value_is_refused(
    tmp_path: Path, old: str, new: str, line: int, field: str, code: str
) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, f"contains the control character {code} (expected text without")


def test_load_and_the_editor_refuse_a_nul_and_store_nothing(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with("title: Getting help at Acme Networks", 'title: "Getting\\0help"'), "utf-8")
    assert_nothing_stored_anywhere(app, path, 13, "title")


def test_tabs_and_line_breaks_stay_allowed_in_text() -> None:
    text = helpdesk_with("title: Getting help at Acme Networks", 'title: "Getting\\thelp\\r\\nat Acme"')
    assert scenarios.loads(text).title == "Getting\thelp\r\nat Acme"


WORDS = [
    ("questionnaires_not_a_list", "questionnaires: [sus, umux_lite, nps, csat, ces]", "questionnaires: sus",
     45, "questionnaires",
     "expected a list of questionnaire names (sus, umux_lite, nps, csat, ces), got text 'sus'"),
    ("null_key", "", "~: x\n", HELPDESK_LINES + 1, "~", "keys must be text, got nothing (expected a mapping"),
    ("number_key", "  base_url: /demo", "  base_url: /demo\n  1: x", 34, "site.1",
     "keys must be text, got a number (1) (expected a mapping with base_url"),
    ("binary_title", "title: Getting help at Acme Networks", "title: !!binary aGVsbG8=", 13, "title",
     "expected text, got binary data (!!binary)"),
    ("list_ces_version", 'ces_version: "2.0"', "ces_version: [2]", 47, "ces_version",
     "got a list (expected one of: 2.0, 1.0)"),
    ("python_tag", "title: Getting help at Acme Networks",
     'title: !!python/object/apply:os.system ["echo PWNED"]', 13, "title",
     "unknown tag !!python/object/apply:os.system (expected plain YAML without tags)"),
    ("tag_that_does_not_fit", 'ces_version: "2.0"', "ces_version: !!set abc", 47, "ces_version",
     "!!set does not fit a single value (expected plain YAML without tags)"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [c[1:] for c in WORDS],
                         ids=[c[0] for c in WORDS])  # fmt: skip
def test_messages_say_in_plain_words_what_the_file_holds(
    tmp_path: Path, old: str, new: str, line: int, field: str, fragment: str
) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(old, new), encoding="utf-8")
    assert_refused(path, line, field, fragment)


def test_a_prompt_longer_than_the_task_bar_can_show_is_refused(tmp_path: Path) -> None:
    # a 14,000-character prompt passed, and in the task bar pushed Done and Give up off screen
    prompt = (
        "      Your router keeps dropping the connection and you want help from Acme Networks.\n"
        "      Find the helpdesk portal.\n"
    )
    path = tmp_path / "study.yaml"
    path.write_text(helpdesk_with(prompt, f"      {'x' * PROMPT_MAX_CHARS}\n"), encoding="utf-8")
    assert scenarios.load(path).tasks[0].prompt == "x" * PROMPT_MAX_CHARS
    path.write_text(helpdesk_with(prompt, f"      {'x' * 14_000}\n"), encoding="utf-8")
    why = (
        "is 14000 characters long (expected at most 1000: the task bar shows the prompt "
        "on every page of the site, and a longer one pushes Done and Give up off the screen)"
    )
    assert_refused(path, 55, "tasks[0].prompt", why)
