"""The recruit: section and custom questions: values, stored form, errors naming line and field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from uxlab import scenarios
from uxlab.errors import ScenarioError
from uxlab.scenarios import Scenario

BASE = """slug: panel
title: Panel study
consent: Hello.
site: {base_url: /demo}
tasks:
  - id: one
    prompt: Find the page.
    success: self_report
    stage: awareness
"""  # 9 lines: what follows starts on line 10

FULL = """recruit:
  completion_url: https://app.prolific.com/submissions/complete?cc={code}&p={pid}
  completion_code: C0DE42
  capture: [pid, src]
  quota: {total: 50, per_device: {phone: 20, desktop: 40}}
  close_at: 2027-01-31T18:00:00+01:00
  screener:
    - {id: router, type: single, text: A router?, options: ["yes", "no"], reject: ["no"]}
    - {id: isp, type: multiple, text: ISPs?, options: [acme, other], accept: [acme]}
questions:
  - {id: stars, type: rating, text: How many?, scale: {min: 0, max: 10, min_label: none, max_label: all}}
  - {id: note, type: text, text: Anything else?}
"""


def test_recruit_and_questions_are_read_and_survive_the_stored_form() -> None:
    scenario = scenarios.loads(BASE + FULL)
    recruit = scenario.recruit
    assert recruit is not None
    assert recruit.capture == ("pid", "src") and recruit.completion_code == "C0DE42"
    assert (recruit.quota_total, recruit.quota_of("phone"), recruit.quota_of("tablet")) == (50, 20, None)
    assert recruit.close_at == datetime(2027, 1, 31, 17, tzinfo=UTC)
    assert recruit.is_closed(datetime(2027, 1, 31, 17, tzinfo=UTC))
    assert not recruit.is_closed(datetime(2027, 1, 31, 16, 59, tzinfo=UTC))
    router, isp = recruit.screener
    assert router.screens_out(["no"]) and not router.screens_out(["yes"])
    assert isp.screens_out(["other"]) and not isp.screens_out(["other", "acme"])
    stars, note = scenario.questions
    assert (stars.low, stars.high, stars.low_label, stars.required, note.required) == (
        0,
        10,
        "none",
        True,
        False,
    )
    url = recruit.completion_target("abc", "C0DE42", {"pid": "a b&c"})
    assert url == "https://app.prolific.com/submissions/complete?cc=C0DE42&p=a%20b%26c"
    assert Scenario.from_dict(scenario.to_dict()) == scenario


def test_a_study_without_them_keeps_its_content_hash() -> None:
    # the stored form leaves empty recruit/questions out, so studies stored before keep their hash
    assert "recruit" not in scenarios.loads(BASE).to_dict()
    assert "questions" not in scenarios.loads(BASE).to_dict()["tasks"][0]


@pytest.mark.parametrize(
    ("extra", "line", "field", "fragment"),
    [
        ("recruit:\n  completion_url: /done\n", 11, "recruit.completion_url", "not an absolute http(s) URL"),
        (
            "recruit:\n  completion_url: https://x.example/{pid}\n",
            11,
            "recruit.completion_url",
            "unknown placeholder {pid}",
        ),
        ("recruit:\n  capture: [pid, pid]\n", 11, "recruit.capture[1]", "listed twice"),
        ("recruit:\n  capture: [slug]\n", 11, "recruit.capture[0]", "a name uxlab uses itself"),
        ("recruit:\n  quota: {total: 0}\n", 11, "recruit.quota.total", "below the minimum"),
        (
            "recruit:\n  quota: {per_device: {watch: 3}}\n",
            11,
            "recruit.quota.per_device.watch",
            "unknown key",
        ),
        ("recruit:\n  close_at: soon\n", 11, "recruit.close_at", "expected a date"),
        (
            "recruit:\n  screener:\n    - {id: a, type: single, text: A?, options: [x, y]}\n",
            12,
            "recruit.screener[0]",
            "neither accept nor reject",
        ),
        (
            "recruit:\n  screener:\n    - {id: a, type: single, text: A?, options: [x, y], reject: [z]}\n",
            12,
            "recruit.screener[0].reject[0]",
            "'z' is not one of the question's options",
        ),
        (
            "questions:\n  - {id: a, type: ratings, text: A?}\n",
            11,
            "questions[0].type",
            "did you mean 'rating'",
        ),
        (
            "questions:\n  - {id: a, type: single, text: A?, options: [x]}\n",
            11,
            "questions[0].options",
            "at least 2",
        ),
        (
            "questions:\n  - {id: a, type: text, text: A?, scale: {min: 1, max: 5}}\n",
            11,
            "questions[0].scale",
            "for rating",
        ),
        (
            "questions:\n  - {id: a, type: text, text: A?}\n  - {id: a, type: text, text: B?}\n",
            12,
            "questions[1].id",
            "duplicate question id 'a'",
        ),
    ],
)
def test_errors_name_line_and_field(extra: str, line: int, field: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenarios.loads(BASE + extra, "panel.yaml")
    error = caught.value
    assert (error.line, error.field) == (line, field), error.message
    assert fragment in error.message


def test_a_task_question_error_names_its_task() -> None:
    text = BASE + "    questions:\n      - {id: a, type: rating, text: A?, scale: {min: 1, max: 99}}\n"
    with pytest.raises(ScenarioError) as caught:
        scenarios.loads(text, "panel.yaml")
    assert (caught.value.line, caught.value.field) == (11, "tasks[0].questions[0].scale.max")
