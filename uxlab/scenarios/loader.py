"""Scenario files: YAML -> validated, frozen Scenario objects (the format is in the README).

``load(path)`` and ``loads(text, path)`` return a :class:`Scenario` or raise
:class:`~uxlab.errors.ScenarioError` naming the file, the line, the field and what was
expected. Nothing else in uxlab parses scenario YAML. Imports neither Flask, nor a
database, nor Playwright.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import yaml

import uxlab.scenarios.fields as fields
from uxlab.errors import ScenarioError
from uxlab.scenarios.probe import parse_probe
from uxlab.scenarios.questions import QuestionSpec, parse_questions
from uxlab.scenarios.reader import Noted, Reader
from uxlab.scenarios.recruit import RecruitSpec, parse_recruit
from uxlab.scenarios.schema import (
    LANGUAGES,
    REQUIRED_TOP_KEYS,
    TOP_KEYS,
    Scenario,
    TaskSpec,
)
from uxlab.scenarios.site_section import parse_site
from uxlab.scenarios.syntax import decode, syntax_error
from uxlab.scenarios.tasks import parse_task, site_path, written_task_id

# libyaml's loader keeps line numbers too and is some 20 times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ScenarioError(f"cannot read the file ({reason})", path=name, field="(file)") from error
    return loads(decode(data, name), name)


def loads(text: str, path: str = "<string>") -> Scenario:
    """Validate scenario YAML; ``path`` names the source in error messages."""
    reader = Reader(path)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise syntax_error(error, text, path) from error
    if root is None:
        why = "the file is empty (expected a mapping with slug, title, ...)"
        raise ScenarioError(why, path=path, line=1, field="(document)")
    try:
        return _scenario(reader, root)
    except Noted:  # a part that could not be read: its problem is among those noted
        reader.raise_problems()
        raise
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise ScenarioError(f"YAML error: {error.problem}", path=path, line=line, field="(value)") from error


def scenario_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to the ``*.yaml`` / ``*.yml`` files in them (sorted); keep files as given.

    A file named twice (``a.yaml ./a.yaml``, a folder and a file in it) is kept once, as first
    named: checked twice, it would be refused as a second file with its own slug.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise ScenarioError(
                    "no scenario files here (expected *.yaml files)", path=str(path), field="(folder)"
                )
            out.extend(found)
        else:
            out.append(path)
    once: dict[Path, Path] = {}
    for path in out:
        once.setdefault(path.resolve(), path)
    return list(once.values())


def check_files(paths: Iterable[str | Path]) -> list[tuple[Path, Scenario | ScenarioError]]:
    """Validate each file (folders expanded): its Scenario or its refusal, in the order named.

    A slug used by two files refuses the second.
    """
    results: list[tuple[Path, Scenario | ScenarioError]] = []
    slugs: dict[str, Path] = {}
    for path in scenario_paths(paths):
        try:
            scenario = load(path)
        except ScenarioError as error:
            results.append((path, error))
            continue
        first = slugs.setdefault(scenario.slug, path)
        if first != path:
            line = _slug_line(path)
            why = f"{scenario.slug!r} is also the slug of {first} (expected one file per study)"
            results.append((path, ScenarioError(why, path=str(path), line=line, field="slug")))
            continue
        results.append((path, scenario))
    return results


def path_warnings(scenario: Scenario) -> list[str]:
    """Paths that repeat the site's base path: written from the server's root, they join to a page outside.

    Every ``start``, ``url`` glob, ``ideal_path`` goto and probe page is relative to
    ``site.base_url``; with base ``/shop``, ``start: /shop/cart`` opens ``/shop/shop/cart``.
    """
    site, found = scenario.site, []
    base = site.base_path
    paths = [(f"tasks[{i}].start", t.start) for i, t in enumerate(scenario.tasks)]
    for i, task in enumerate(scenario.tasks):
        if task.success.kind == "url" and not task.success.is_regex:
            paths.append((f"tasks[{i}].success.url", task.success.pattern))
        paths.extend(
            (f"tasks[{i}].ideal_path[{j}].goto", step.target)
            for j, step in enumerate(task.ideal_path)
            if step.action == "goto"
        )
    paths.extend(
        (f"probe.pages[{i}]", page.path)
        for i, page in enumerate(scenario.probe.pages if scenario.probe else ())
    )
    for field, path in paths:
        bare = path.split("?", 1)[0]
        if base and (bare == base or bare.startswith(base + "/")):
            joined = site.url_for(path)
            found.append(
                f"{field}: {path!r} repeats site.base_url's path {base!r} (relative to it: {joined!r})"
            )
    return found


def _slug_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((i + 1 for i, line in enumerate(lines) if re.match(r"^slug\s*:", line)), 1)


def _scenario(r: Reader, root: yaml.Node) -> Scenario:
    """Check every part of the file, so that one run reports every problem (``Reader.attempt``)."""
    keys = r.mapping(root, "", TOP_KEYS, REQUIRED_TOP_KEYS)
    slug = r.attempt(lambda: fields.slug(r, keys["slug"]), "")
    no_names: tuple[str, ...] = ()
    questionnaires = r.attempt(lambda: fields.questionnaires(r, keys.get("questionnaires")), no_names)
    product_name = r.attempt(lambda: fields.product_name(r, keys, root, questionnaires), "")
    ces_version = r.attempt(lambda: fields.ces_version(r, keys.get("ces_version")), "2.0")
    site = r.attempt(lambda: parse_site(r, keys["site"]), None)
    no_tasks: tuple[TaskSpec, ...] = ()
    tasks = r.attempt(lambda: _tasks(r, keys["tasks"]), no_tasks)
    probe = None
    if not r.is_null(keys.get("probe")):
        probe = r.attempt(lambda: parse_probe(r, keys["probe"], site_path), None)
    title = r.attempt(lambda: r.text(keys["title"], "title"), "")
    language = ""  # not set: each participant's browser language (participation.choose_language)
    if not r.is_null(keys.get("language")):
        language = r.attempt(lambda: r.choice(keys["language"], "language", LANGUAGES), "")
    consent = r.attempt(lambda: r.text(keys["consent"], "consent", "the consent text"), "")
    randomize_tasks = r.attempt(lambda: fields.optional_bool(r, keys, "randomize_tasks"), False)
    free_text = None
    if not r.is_null(keys.get("free_text")):
        free_text = r.attempt(lambda: r.text(keys["free_text"], "free_text"), None)
    variant_of = r.attempt(lambda: fields.variant_of(r, keys.get("variant_of"), slug), None)
    nothing: tuple[RecruitSpec | None, tuple[QuestionSpec, ...]] = (None, ())
    recruit, questions = r.attempt(lambda: _recruiting(r, keys), nothing)
    r.raise_problems()
    assert site is not None
    return Scenario(
        slug=slug,
        title=title,
        language=language,
        product_name=product_name,
        consent=consent,
        site=site,
        randomize_tasks=randomize_tasks,
        questionnaires=questionnaires,
        ces_version=ces_version,
        free_text=free_text,
        tasks=tasks,
        probe=probe,
        variant_of=variant_of,
        recruit=recruit,
        questions=questions,
    )


def _recruiting(r: Reader, keys: dict[str, yaml.Node]) -> tuple[RecruitSpec | None, tuple[QuestionSpec, ...]]:
    """The ``recruit:`` section and the final block's ``questions:`` (both optional)."""
    recruit = (
        None if r.is_null(keys.get("recruit")) else r.attempt(lambda: parse_recruit(r, keys["recruit"]), None)
    )
    questions: tuple[QuestionSpec, ...] = ()
    if not r.is_null(keys.get("questions")):
        questions = r.attempt(lambda: parse_questions(r, keys["questions"], "questions"), ())
    return recruit, questions


def _tasks(r: Reader, node: yaml.Node) -> tuple[TaskSpec, ...]:
    """Each task on its own: a broken one does not hide the next, nor do other fields' problems."""
    no_nodes: list[yaml.Node] = []
    task_nodes = r.attempt(lambda: r.sequence(node, "tasks", "tasks"), no_nodes)
    if not task_nodes and isinstance(node, yaml.SequenceNode):
        r.note(node, "tasks", "is empty (expected at least one task)")
    tasks: list[TaskSpec] = []
    ids: set[str] = set()  # a set, not a scan of the tasks so far: 20,000 tasks took 14 s
    for i, item in enumerate(task_nodes):
        task = r.attempt(partial(parse_task, r, item, f"tasks[{i}]"), None)
        # the id as written, so that a task with another problem still claims its id
        id_node = written_task_id(item)
        if id_node is not None:
            if id_node.value in ids:
                why = f"duplicate task id {id_node.value!r} (expected each id once)"
                r.note(id_node, f"tasks[{i}].id", why)
            ids.add(id_node.value)
        if task is not None:
            tasks.append(task)
    return tuple(tasks)
