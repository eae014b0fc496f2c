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
from typing import Any
from urllib.parse import urlsplit

import yaml

from uxlab import scenario_fields as fields
from uxlab.errors import ScenarioError
from uxlab.scenario_checks import check_selector, inside_site, normalize_answer
from uxlab.scenario_nodes import Reader, syntax_error_field
from uxlab.scenario_probe import parse_probe
from uxlab.scenario_schema import (
    BUDGET_METRICS,
    BUILTIN_PROFILES,
    CRITERION_KINDS,
    LANGUAGES,
    STAGES,
    Budget,
    Criterion,
    ProbePage,
    ProbeSpec,
    Profile,
    Scenario,
    Site,
    Step,
    TaskSpec,
)
from uxlab.scenario_tasks import parse_task, site_path

__all__ = [
    "BUDGET_METRICS",
    "BUILTIN_PROFILES",
    "CRITERION_KINDS",
    "STAGES",
    "Budget",
    "Criterion",
    "ProbePage",
    "ProbeSpec",
    "Profile",
    "Scenario",
    "Site",
    "Step",
    "TaskSpec",
    "check_files",
    "check_selector",
    "from_data",
    "load",
    "loads",
    "normalize_answer",
    "scenario_paths",
]

TOP_KEYS = (
    "slug",
    "title",
    "language",
    "product_name",
    "consent",
    "site",
    "randomize_tasks",
    "questionnaires",
    "ces_version",
    "free_text",
    "tasks",
    "probe",
    "variant_of",
)
# libyaml's loader keeps line numbers too and is some 20 times faster (stored versions are
# validated again whenever they are read back).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError(f"cannot read the file ({reason})", path=name, field="(file)") from error
    return loads(text, name)


def loads(text: str, path: str = "<string>") -> Scenario:
    """Validate scenario YAML; ``path`` names the source in error messages."""
    reader = Reader(path)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and (error.context or "").startswith("while scanning"):
            mark = error.context_mark  # an unclosed quote: name where it opened, not the end of file
        line = mark.line + 1 if mark else None
        field = syntax_error_field(text, line or 0)
        problem = f"{error.problem or 'invalid YAML'}{f' ({error.context})' if error.context else ''}"
        raise ScenarioError(f"YAML syntax error: {problem}", path=path, line=line, field=field) from error
    except yaml.YAMLError as error:
        raise ScenarioError(f"YAML error: {error}", path=path, line=1, field="(document)") from error
    if root is None:
        why = "the file is empty (expected a mapping with slug, title, ...)"
        raise ScenarioError(why, path=path, line=1, field="(document)")
    try:
        return _scenario(reader, root)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise ScenarioError(f"YAML error: {error.problem}", path=path, line=line, field="(value)") from error


def from_data(data: Any, path: str = "<data>") -> Scenario:
    """Validate plain data (e.g. a stored ``Scenario.to_dict()``) into a Scenario."""
    return loads(yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True), path)


def scenario_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to the ``*.yaml`` / ``*.yml`` files in them (sorted); keep files as given."""
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
    return out


def check_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Scenario]], list[ScenarioError]]:
    """Validate each file (folders expanded); a slug used by two files refuses the second."""
    good: list[tuple[Path, Scenario]] = []
    errors: list[ScenarioError] = []
    for path in scenario_paths(paths):
        try:
            scenario = load(path)
        except ScenarioError as error:
            errors.append(error)
            continue
        first = next((p for p, s in good if s.slug == scenario.slug), None)
        if first is not None:
            line = _slug_line(path)
            why = f"{scenario.slug!r} is also the slug of {first} (expected one file per study)"
            errors.append(ScenarioError(why, path=str(path), line=line, field="slug"))
            continue
        good.append((path, scenario))
    return good, errors


def _slug_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((i + 1 for i, line in enumerate(lines) if re.match(r"^slug\s*:", line)), 1)


def _scenario(r: Reader, root: yaml.Node) -> Scenario:
    """Check every part of the file, so that one run reports every problem (``Reader.attempt``)."""
    keys = r.mapping(root, "", TOP_KEYS, ("slug", "title", "consent", "site", "tasks"))
    slug = r.attempt(lambda: fields.slug(r, keys["slug"]), "")
    no_names: tuple[str, ...] = ()
    questionnaires = r.attempt(lambda: fields.questionnaires(r, keys.get("questionnaires")), no_names)
    product_name = r.attempt(lambda: fields.product_name(r, keys, root, questionnaires), "")
    ces_version = r.attempt(lambda: fields.ces_version(r, keys.get("ces_version")), "2.0")
    site = r.attempt(lambda: _site(r, keys["site"]), None)
    tasks = _tasks(r, keys["tasks"], site)
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
    )


def _tasks(r: Reader, node: yaml.Node, site: Site | None) -> tuple[TaskSpec, ...]:
    """Each task on its own (a broken one does not hide the next); without a site, none."""
    no_nodes: list[yaml.Node] = []
    task_nodes = r.attempt(lambda: r.sequence(node, "tasks", "tasks"), no_nodes)
    if not task_nodes and isinstance(node, yaml.SequenceNode):
        r.note(node, "tasks", "is empty (expected at least one task)")
    if site is None:
        return ()
    tasks: list[TaskSpec] = []
    for i, item in enumerate(task_nodes):
        task = r.attempt(partial(parse_task, r, item, f"tasks[{i}]", site), None)
        if task is None:
            continue
        if any(t.id == task.id for t in tasks):
            why = f"duplicate task id {task.id!r} (expected each id once)"
            r.note(item, f"tasks[{i}].id", why)
        tasks.append(task)
    return tuple(tasks)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _site(r: Reader, node: yaml.Node) -> Site:
    keys = r.mapping(node, "site", ("base_url", "origins"), ("base_url",))
    expected = "an absolute http(s) URL or a path beginning with '/'"
    base_url = r.text(keys["base_url"], "site.base_url", expected).strip()
    if base_url.startswith("/"):
        if inside_site(base_url) is None or "?" in base_url or "#" in base_url:
            r.fail(
                keys["base_url"], "site.base_url", f"{base_url!r} is not a plain path (expected {expected})"
            )
    elif _origin(base_url) is None or "?" in base_url or "#" in base_url:
        r.fail(keys["base_url"], "site.base_url", f"{base_url!r} is not usable (expected {expected})")
    origins: list[str] = []
    if not r.is_null(keys.get("origins")):
        for i, item in enumerate(r.sequence(keys["origins"], "site.origins", "origins")):
            text = r.text(item, f"site.origins[{i}]", "an origin like https://shop.example.com")
            origin = _origin(text)
            if origin is None or origin != text.rstrip("/").lower():
                r.fail(
                    item, f"site.origins[{i}]", f"{text!r} is not an origin (expected scheme://host[:port])"
                )
            origins.append(origin)
    return Site(base_url=base_url, origins=tuple(origins))
