"""Scenario files: YAML -> validated, frozen Scenario objects (the format is in the README).

``load(path)`` and ``loads(text, path)`` return a :class:`Scenario` or raise
:class:`~uxlab.errors.ScenarioError` naming the file, the line, the field and what was
expected. Nothing else in uxlab parses scenario YAML. Imports neither Flask, nor a
database, nor Playwright.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from uxlab.errors import ScenarioError
from uxlab.scenario_checks import check_selector, inside_site, normalize_answer
from uxlab.scenario_nodes import Reader, syntax_error_field
from uxlab.scenario_probe import parse_probe
from uxlab.scenario_schema import (
    BUDGET_METRICS,
    BUILTIN_PROFILES,
    CES_VERSIONS,
    CRITERION_KINDS,
    LANGUAGES,
    QUESTIONNAIRES,
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
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")


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
    keys = r.mapping(root, "", TOP_KEYS, ("slug", "title", "consent", "site", "tasks"))
    slug = r.text(keys["slug"], "slug", "a slug of a-z, 0-9 and '-'")
    if not SLUG_RE.match(slug):
        r.fail(keys["slug"], "slug", f"{slug!r} is not a slug (expected a-z, 0-9 and '-', at most 100)")
    questionnaires = _questionnaires(r, keys.get("questionnaires"))
    product_name = ""
    if not r.is_null(keys.get("product_name")):
        product_name = r.text(keys["product_name"], "product_name", "the product's name")
    elif {"nps", "csat", "ces"} & set(questionnaires):
        node = keys.get("product_name", keys.get("questionnaires", root))
        r.fail(node, "product_name", "missing (required when questionnaires include nps, csat or ces)")
    ces_version = "2.0"
    if not r.is_null(keys.get("ces_version")):
        raw = r.value(keys["ces_version"], "ces_version")
        ces_version = f"{raw:.1f}" if isinstance(raw, float) and not isinstance(raw, bool) else str(raw)
        if ces_version not in CES_VERSIONS:
            r.fail(keys["ces_version"], "ces_version", f"got {raw!r} (expected one of: 2.0, 1.0)")
    site = _site(r, keys["site"])
    task_nodes = r.sequence(keys["tasks"], "tasks", "tasks")
    if not task_nodes:
        r.fail(keys["tasks"], "tasks", "is empty (expected at least one task)")
    tasks: list[TaskSpec] = []
    for i, node in enumerate(task_nodes):
        task = parse_task(r, node, f"tasks[{i}]", site)
        if any(t.id == task.id for t in tasks):
            r.fail(node, f"tasks[{i}].id", f"duplicate task id {task.id!r} (expected each id once)")
        tasks.append(task)
    probe = None if r.is_null(keys.get("probe")) else parse_probe(r, keys["probe"], site_path)
    return Scenario(
        slug=slug,
        title=r.text(keys["title"], "title"),
        language="en"
        if r.is_null(keys.get("language"))
        else r.choice(keys["language"], "language", LANGUAGES),
        product_name=product_name,
        consent=r.text(keys["consent"], "consent", "the consent text"),
        site=site,
        randomize_tasks=_optional_bool(r, keys, "randomize_tasks"),
        questionnaires=questionnaires,
        ces_version=ces_version,
        free_text=None if r.is_null(keys.get("free_text")) else r.text(keys["free_text"], "free_text"),
        tasks=tuple(tasks),
        probe=probe,
        variant_of=_variant_of(r, keys.get("variant_of"), slug),
    )


def _variant_of(r: Reader, node: yaml.Node | None, slug: str) -> str | None:
    if node is None or r.is_null(node):
        return None
    name = r.text(node, "variant_of", "the slug of the study this one is a variant of")
    if not SLUG_RE.match(name) or name == slug:
        why = "this study's own slug" if name == slug else "not a slug"
        r.fail(node, "variant_of", f"{name!r} is {why} (expected another study's slug)")
    return name


def _optional_bool(r: Reader, keys: dict[str, yaml.Node], key: str) -> bool:
    return False if r.is_null(keys.get(key)) else r.boolean(keys[key], key)


def _questionnaires(r: Reader, node: yaml.Node | None) -> tuple[str, ...]:
    if r.is_null(node):
        return ()
    assert node is not None
    names: list[str] = []
    for i, item in enumerate(r.sequence(node, "questionnaires", f"questionnaire names ({QUESTIONNAIRES})")):
        name = r.choice(item, f"questionnaires[{i}]", QUESTIONNAIRES)
        if name in names:
            r.fail(item, f"questionnaires[{i}]", f"{name} is listed twice (expected each once)")
        names.append(name)
    return tuple(names)


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
