"""Every bad item of a list, every bad field of a question and every duplicate task id is reported.

A list used to stop at its first bad item (``accepted: [ok, 1.0, yes, null]`` reported
only ``[1]``), a question at its first bad field, and a task with a problem did not claim
its id, so the next task with that id was not refused as a duplicate.
"""

from __future__ import annotations

import pytest

from uxlab import scenarios
from uxlab.errors import ScenarioError

HEAD = """\
slug: lists
title: Lists
consent: You agree.
site: {base_url: /demo}
"""  # 4 lines: what follows starts on line 5


def problems(text: str) -> list[tuple[int | None, str, str]]:
    """(line, field, reason) of each problem in ``text``, in the order reported."""
    with pytest.raises(ScenarioError) as caught:
        scenarios.loads(text, "lists.yaml")
    for problem in caught.value.problems():
        assert problem.message == f"lists.yaml:{problem.line}: {problem.field}: {problem.reason}"
    return [(p.line, p.field or "", p.reason) for p in caught.value.problems()]


ACCEPTED = """\
tasks:
  - id: hotline
    prompt: Find the hotline.
    stage: consideration
    success:
      answer:
        question: Which number?
        accepted:
          - ok
          - 1.0
          - yes
          -
          - "!!"
"""


def test_each_bad_accepted_answer_is_reported_at_its_own_line() -> None:
    sub = "tasks[0].success.answer.accepted"
    assert problems(HEAD + ACCEPTED) == [
        (14, f"{sub}[1]", "expected an accepted answer, got a number (1.0) (put it in quotes)"),
        (15, f"{sub}[2]", "expected an accepted answer, got true/false (true) (put it in quotes)"),
        (16, f"{sub}[3]", "expected an accepted answer, got nothing"),
        (17, f"{sub}[4]", "has no letters or digits (expected an answer to compare)"),
    ]


def test_a_bad_accepted_answer_does_not_hide_a_bad_question() -> None:
    text = HEAD + ACCEPTED.replace("question: Which number?", "question: 7")
    assert [(line, field) for line, field, _ in problems(text)][:2] == [
        (11, "tasks[0].success.answer.question"),
        (14, "tasks[0].success.answer.accepted[1]"),
    ]


TASK = """\
tasks:
  - {id: one, prompt: Find it., success: self_report, stage: awareness}
"""


def test_each_bad_questionnaire_and_captured_parameter_is_reported() -> None:
    text = HEAD + "questionnaires: [sus, nope, sus, umux]\n" + TASK
    text += "recruit:\n  capture: [pid, bad name, pid, slug]\n"
    assert [(line, field, reason.split(" (")[0]) for line, field, reason in problems(text)] == [
        (5, "questionnaires[1]", "got text 'nope'"),
        (5, "questionnaires[2]", "sus is listed twice"),
        (5, "questionnaires[3]", "got text 'umux'"),
        (9, "recruit.capture[1]", "'bad name' is not a parameter name"),
        (9, "recruit.capture[2]", "'pid' is listed twice"),
        (9, "recruit.capture[3]", "'slug' is a name uxlab uses itself"),
    ]


SCREENER = """\
recruit:
  screener:
    - id: Bad Id
      type: single
      text: Do you have a router?
      options: [Yes, "No", 3]
      accept: ["No", Maybe, Perhaps]
    - id: isp
      type: dropdown
      text: [not, text]
      options: [Acme, Other]
      reject: [Acme]
"""


def test_every_bad_field_and_option_of_a_question_is_reported() -> None:
    found = [(line, field) for line, field, _ in problems(HEAD + TASK + SCREENER)]
    assert found == [
        (9, "recruit.screener[0].id"),
        (12, "recruit.screener[0].options[0]"),  # Yes is true: options are text
        (12, "recruit.screener[0].options[2]"),
        (15, "recruit.screener[1].type"),
        (16, "recruit.screener[1].text"),
    ]  # accept is not checked against options that could not be read
    fixed = HEAD + TASK + SCREENER.replace('[Yes, "No", 3]', '["Yes", "No", "3"]')
    found = [(line, field) for line, field, _ in problems(fixed)]
    assert found[1:3] == [(13, "recruit.screener[0].accept[1]"), (13, "recruit.screener[0].accept[2]")]


def test_an_unreadable_type_is_no_reason_to_refuse_the_rest_of_the_question() -> None:
    # with no type known, the options of a choice question and its rules are read as written
    text = HEAD + TASK + SCREENER.split("    - id: isp")[0].replace("type: single", "type: pick-one")
    text = text.replace('[Yes, "No", 3]', '["Yes", "No"]').replace(", Maybe, Perhaps", "")
    text = text.replace("id: Bad Id", "id: router")
    assert [(line, field) for line, field, _ in problems(text)] == [(10, "recruit.screener[0].type")]


def test_a_duplicate_task_id_is_found_when_the_first_task_has_another_problem() -> None:
    tasks = """\
tasks:
  - {id: one, prompt: Find it., success: self_report, stage: awareness}
  - id: two
    prompt: Find the other one.
    sucess: self_report
    stage: awareness
  - id: two
    prompt: And again.
    success: self_report
    stage: awareness
  - {id: 3, prompt: A number is no id., success: self_report, stage: awareness}
  - {id: "3", prompt: Quoted it is., success: self_report, stage: awareness}
"""
    assert [(line, field, reason.split(" (")[0]) for line, field, reason in problems(HEAD + tasks)] == [
        (9, "tasks[1].sucess", "unknown key"),  # the typo ...
        (11, "tasks[2].id", "duplicate task id 'two'"),  # ... no longer hides the duplicate
        (15, "tasks[3].id", "expected a task id, got a number"),
    ]  # a number is no id, so "3" is no duplicate of it
