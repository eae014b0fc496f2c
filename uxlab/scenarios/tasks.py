"""The ``tasks:`` entries of a scenario file: prompt, start, success criterion, ideal path."""

from __future__ import annotations

import re
from functools import partial

import yaml

from uxlab.scenarios.questions import QuestionSpec, parse_questions
from uxlab.scenarios.reader import Noted, Reader
from uxlab.scenarios.rules import check_selector, inside_site, normalize_answer, path_regex_problem
from uxlab.scenarios.schema import (
    DEFAULT_TIME_LIMIT_S,
    REQUIRED_TASK_KEYS,
    STAGES,
    STEP_ACTIONS,
    SUCCESS_KEYS,
    TASK_KEYS,
    Criterion,
    Step,
    TaskSpec,
)

TASK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
ANSWER_KEYS = ("question", "accepted")
# The task bar shows the whole prompt over every page of the site. 1000 characters fill some
# 20 lines of it on a phone, about all the 60vh it may take: a longer prompt scrolls Done and
# Give up out of sight.
PROMPT_MAX_CHARS = 1000
STR_TAG = "tag:yaml.org,2002:str"


def site_path(r: Reader, node: yaml.Node, field: str, what: str = "path") -> str:
    """A path relative to site.base_url: begins with '/', stays inside the site."""
    text = r.text(node, field, f"a {what} beginning with '/', relative to site.base_url")
    path = inside_site(text.strip())
    if path is None:
        r.fail(
            node,
            field,
            f"{text!r} is outside the site (expected a {what} beginning with '/' relative to site.base_url)",
        )
    return path


def parse_task(r: Reader, node: yaml.Node, field: str) -> TaskSpec:
    """Read one task; each of its fields on its own, so that one problem hides no other."""
    return r.each(lambda: _task(r, r.mapping(node, field, TASK_KEYS, REQUIRED_TASK_KEYS), field))


def written_task_id(node: yaml.Node) -> yaml.ScalarNode | None:
    """The node of a task's ``id`` when it is a usable id, whether or not the rest of the task is valid."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "id":
            usable = (
                isinstance(value, yaml.ScalarNode) and value.tag == STR_TAG and TASK_ID_RE.match(value.value)
            )
            return value if usable else None
    return None


def _task(r: Reader, keys: dict[str, yaml.Node], field: str) -> TaskSpec:
    task_id = r.attempt(lambda: _task_id(r, keys["id"], f"{field}.id"), "")
    limit = DEFAULT_TIME_LIMIT_S
    if not r.is_null(keys.get("time_limit_s")):
        limit = r.attempt(
            lambda: r.number(
                keys["time_limit_s"], f"{field}.time_limit_s", minimum=5, maximum=7200, unit="seconds"
            ),
            limit,
        )
    target = None
    if not r.is_null(keys.get("target_time_s")):
        target = r.attempt(lambda: _target(r, keys["target_time_s"], f"{field}.target_time_s", limit), None)
    start = "/"
    if not r.is_null(keys.get("start")):
        start = r.attempt(lambda: site_path(r, keys["start"], f"{field}.start", "start path"), "/")
    ideal: list[Step] = []
    if not r.is_null(keys.get("ideal_path")):
        no_steps: list[yaml.Node] = []
        steps = r.attempt(lambda: r.sequence(keys["ideal_path"], f"{field}.ideal_path", "steps"), no_steps)
        for i, step in enumerate(steps):
            ideal.append(r.attempt(partial(_step, r, step, f"{field}.ideal_path[{i}]"), Step("goto", "/")))
    touchpoint = ""
    if not r.is_null(keys.get("touchpoint")):
        touchpoint = r.attempt(lambda: r.text(keys["touchpoint"], f"{field}.touchpoint"), "")
    prompt = r.attempt(lambda: _prompt(r, keys["prompt"], f"{field}.prompt"), "")
    success = r.attempt(lambda: _criterion(r, keys["success"], f"{field}.success"), Criterion("self_report"))
    questions: tuple[QuestionSpec, ...] = ()
    if not r.is_null(keys.get("questions")):
        questions = r.attempt(lambda: parse_questions(r, keys["questions"], f"{field}.questions"), ())
    return TaskSpec(
        id=task_id,
        prompt=prompt,
        start=start,
        success=success,
        time_limit_s=limit,
        target_time_s=target,
        stage=r.attempt(lambda: r.choice(keys["stage"], f"{field}.stage", STAGES), ""),
        touchpoint=touchpoint,
        ideal_path=tuple(ideal),
        questions=questions,
    )


def _prompt(r: Reader, node: yaml.Node, field: str) -> str:
    prompt = r.text(node, field, "the task text the participant reads")
    if len(prompt) > PROMPT_MAX_CHARS:
        why = (
            f"is {len(prompt)} characters long (expected at most {PROMPT_MAX_CHARS}: the task bar shows "
            "the prompt on every page of the site, and a longer one pushes Done and Give up off the screen)"
        )
        r.fail(node, field, why)
    return prompt


def _task_id(r: Reader, node: yaml.Node, field: str) -> str:
    task_id = r.text(node, field, "a task id")
    if not TASK_ID_RE.match(task_id):
        r.fail(node, field, f"{task_id!r} is not an id (expected a-z, 0-9, '-' and '_')")
    return task_id


def _target(r: Reader, node: yaml.Node, field: str, limit: float) -> float:
    target = r.number(node, field, minimum=1, unit="seconds")
    if target >= limit:
        r.fail(node, field, f"{target:g} s is not below time_limit_s ({limit:g} s)")
    return target


def _selector(r: Reader, node: yaml.Node, field: str) -> str:
    selector = r.text(node, field, "a CSS selector").strip()
    problem = check_selector(selector)
    if problem:
        r.fail(node, field, f"invalid CSS selector {selector!r}: {problem} (expected a CSS selector)")
    return selector


def _criterion(r: Reader, node: yaml.Node, field: str) -> Criterion:
    expected = "self_report or a mapping with one of url, url_regex, click, answer"
    if isinstance(node, yaml.ScalarNode) and r.value(node, field) == "self_report":
        return Criterion(kind="self_report")
    keys = r.mapping(node, field, SUCCESS_KEYS, expected=expected)
    if not keys and node.value:
        raise Noted()  # its one key was refused, and noted
    if len(keys) != 1:
        r.fail(node, field, f"has {len(keys)} criteria (expected exactly one: {', '.join(SUCCESS_KEYS)})")
    ((kind, value),) = keys.items()
    sub = f"{field}.{kind}"
    if kind == "url":
        return Criterion(kind="url", pattern=site_path(r, value, sub, "path glob"))
    if kind == "url_regex":
        pattern = r.text(value, sub, "a regular expression on the path")
        problem = path_regex_problem(pattern)
        if problem:
            r.fail(value, sub, f"{problem} (expected a regular expression in RE2 syntax)")
        return Criterion(kind="url", pattern=pattern, is_regex=True)
    if kind == "click":
        return Criterion(kind="click", selector=_selector(r, value, sub))
    if kind == "self_report":
        if r.value(value, sub) is not True:
            r.fail(value, sub, "expected true (or write `success: self_report`)")
        return Criterion(kind="self_report")
    return r.each(lambda: _answer(r, r.mapping(value, sub, ANSWER_KEYS, ANSWER_KEYS), sub))


def _answer(r: Reader, keys: dict[str, yaml.Node], field: str) -> Criterion:
    """``{question, accepted}``: both read, so a bad accepted answer does not hide a bad question."""
    no_answers: tuple[str, ...] = ()
    accepted = r.attempt(lambda: _accepted(r, keys["accepted"], f"{field}.accepted"), no_answers)
    question = r.attempt(
        lambda: r.text(keys["question"], f"{field}.question", "the question the participant answers"), ""
    )
    return Criterion(kind="answer", question=question, accepted=accepted)


def _accepted(r: Reader, node: yaml.Node, field: str) -> tuple[str, ...]:
    def one(item: yaml.Node, sub: str) -> str:
        text = r.text(item, sub, "an accepted answer")
        if not normalize_answer(text):
            r.fail(item, sub, "has no letters or digits (expected an answer to compare)")
        return text

    accepted = r.items(node, field, "accepted answers", one)
    if not accepted:
        r.fail(node, field, "is empty (expected at least one accepted answer)")
    return tuple(accepted)


def _step(r: Reader, node: yaml.Node, field: str) -> Step:
    keys = r.mapping(node, field, STEP_ACTIONS, expected="a mapping with one of click, goto, expect_text")
    if not keys and node.value:
        raise Noted()  # its one key was refused, and noted
    if len(keys) != 1:
        r.fail(node, field, f"has {len(keys)} actions (expected exactly one of click, goto, expect_text)")
    ((action, value),) = keys.items()
    if action == "click":
        return Step("click", _selector(r, value, f"{field}.click"))
    if action == "goto":
        return Step("goto", site_path(r, value, f"{field}.goto"))
    return Step("expect_text", r.text(value, f"{field}.expect_text", "the text the page should show"))
