"""The ``tasks:`` entries of a scenario file: prompt, start, success criterion, ideal path."""

from __future__ import annotations

import re

import yaml

from uxlab.scenario_checks import check_selector, inside_site, normalize_answer
from uxlab.scenario_nodes import Reader
from uxlab.scenario_schema import STAGES, Criterion, Site, Step, TaskSpec

TASK_KEYS = (
    "id",
    "prompt",
    "start",
    "success",
    "time_limit_s",
    "target_time_s",
    "stage",
    "touchpoint",
    "ideal_path",
)
SUCCESS_KEYS = ("url", "url_regex", "click", "answer", "self_report")
TASK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
DEFAULT_TIME_LIMIT_S = 300.0


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


def parse_task(r: Reader, node: yaml.Node, field: str, site: Site) -> TaskSpec:
    keys = r.mapping(node, field, TASK_KEYS, ("id", "prompt", "success", "stage"))
    task_id = r.text(keys["id"], f"{field}.id", "a task id")
    if not TASK_ID_RE.match(task_id):
        r.fail(keys["id"], f"{field}.id", f"{task_id!r} is not an id (expected a-z, 0-9, '-' and '_')")
    limit = DEFAULT_TIME_LIMIT_S
    if not r.is_null(keys.get("time_limit_s")):
        limit = r.number(
            keys["time_limit_s"], f"{field}.time_limit_s", minimum=5, maximum=7200, unit="seconds"
        )
    target = None
    if not r.is_null(keys.get("target_time_s")):
        target = r.number(keys["target_time_s"], f"{field}.target_time_s", minimum=1, unit="seconds")
        if target >= limit:
            r.fail(
                keys["target_time_s"],
                f"{field}.target_time_s",
                f"{target:g} s is not below time_limit_s ({limit:g} s)",
            )
    start = (
        "/" if r.is_null(keys.get("start")) else site_path(r, keys["start"], f"{field}.start", "start path")
    )
    ideal: list[Step] = []
    if not r.is_null(keys.get("ideal_path")):
        for i, step in enumerate(r.sequence(keys["ideal_path"], f"{field}.ideal_path", "steps")):
            ideal.append(_step(r, step, f"{field}.ideal_path[{i}]"))
    touchpoint = (
        "" if r.is_null(keys.get("touchpoint")) else r.text(keys["touchpoint"], f"{field}.touchpoint")
    )
    return TaskSpec(
        id=task_id,
        prompt=r.text(keys["prompt"], f"{field}.prompt", "the task text the participant reads"),
        start=start,
        success=_criterion(r, keys["success"], f"{field}.success"),
        time_limit_s=limit,
        target_time_s=target,
        stage=r.choice(keys["stage"], f"{field}.stage", STAGES),
        touchpoint=touchpoint,
        ideal_path=tuple(ideal),
    )


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
    if len(keys) != 1:
        r.fail(node, field, f"has {len(keys)} criteria (expected exactly one: {', '.join(SUCCESS_KEYS)})")
    ((kind, value),) = keys.items()
    sub = f"{field}.{kind}"
    if kind == "url":
        return Criterion(kind="url", pattern=site_path(r, value, sub, "path glob"))
    if kind == "url_regex":
        pattern = r.text(value, sub, "a regular expression on the path")
        try:
            re.compile(pattern)
        except re.error as error:
            r.fail(value, sub, f"invalid regular expression: {error} (expected a Python regular expression)")
        return Criterion(kind="url", pattern=pattern, is_regex=True)
    if kind == "click":
        return Criterion(kind="click", selector=_selector(r, value, sub))
    if kind == "self_report":
        if r.value(value, sub) is not True:
            r.fail(value, sub, "expected true (or write `success: self_report`)")
        return Criterion(kind="self_report")
    answer = r.mapping(value, sub, ("question", "accepted"), ("question", "accepted"))
    accepted: list[str] = []
    for i, item in enumerate(r.sequence(answer["accepted"], f"{sub}.accepted", "accepted answers")):
        text = r.text(item, f"{sub}.accepted[{i}]", "an accepted answer")
        if not normalize_answer(text):
            r.fail(item, f"{sub}.accepted[{i}]", "has no letters or digits (expected an answer to compare)")
        accepted.append(text)
    if not accepted:
        r.fail(answer["accepted"], f"{sub}.accepted", "is empty (expected at least one accepted answer)")
    question = r.text(answer["question"], f"{sub}.question", "the question the participant answers")
    return Criterion(kind="answer", question=question, accepted=tuple(accepted))


def _step(r: Reader, node: yaml.Node, field: str) -> Step:
    keys = r.mapping(
        node,
        field,
        ("click", "goto", "expect_text"),
        expected="a mapping with one of click, goto, expect_text",
    )
    if len(keys) != 1:
        r.fail(node, field, f"has {len(keys)} actions (expected exactly one of click, goto, expect_text)")
    ((action, value),) = keys.items()
    if action == "click":
        return Step("click", _selector(r, value, f"{field}.click"))
    if action == "goto":
        return Step("goto", site_path(r, value, f"{field}.goto"))
    return Step("expect_text", r.text(value, f"{field}.expect_text", "the text the page should show"))
