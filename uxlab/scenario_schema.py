"""The typed objects a scenario file becomes, and the matching rules the server applies.

These frozen dataclasses are what ``uxlab.scenarios.load`` returns; code after loading
trusts them. They import neither Flask, nor a database, nor Playwright.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from uxlab.scenario_checks import glob_to_regex, normalize_answer, strip_slash

LANGUAGES = ("en", "de", "ru")
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
QUESTIONNAIRES = ("sus", "umux_lite", "nps", "csat", "ces")
CES_VERSIONS = ("2.0", "1.0")
CRITERION_KINDS = ("url", "click", "answer", "self_report")
STEP_ACTIONS = ("click", "goto", "expect_text")
BUDGET_METRICS = (
    "ttfb_ms",
    "fcp_ms",
    "lcp_ms",
    "cls",
    "tbt_ms",
    "dcl_ms",
    "load_ms",
    "requests",
    "transfer_bytes",
    "score",
)
BUDGET_LEVELS = ("warn", "error")
AGGREGATES = ("median", "optimistic", "pessimistic")


@dataclass(frozen=True)
class Site:
    """The site under test: ``base_url`` is an absolute http(s) URL or a path on this server."""

    base_url: str
    origins: tuple[str, ...] = ()

    @property
    def is_local(self) -> bool:
        """True when the site is served by this uxlab server (``base_url`` is a path)."""
        return self.base_url.startswith("/")

    @property
    def origin(self) -> str | None:
        """The base URL's ``scheme://host[:port]``, or None for a site on this server."""
        if self.is_local:
            return None
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    @property
    def base_path(self) -> str:
        """The base URL's path without its trailing slash ('' for the root)."""
        path = self.base_url if self.is_local else urlsplit(self.base_url).path
        return path.rstrip("/")

    def allowed_origins(self, server_origin: str) -> tuple[str, ...]:
        """Origins that may post events: the site's own (the server's for a local site) and ``origins``."""
        own = self.origin or server_origin.rstrip("/").lower()
        return (own, *(o for o in self.origins if o != own))

    def url_for(self, path: str, server_url: str = "") -> str:
        """Return the URL of ``path`` (relative to the base), absolute when the site or server_url is."""
        rel = path if path.startswith("/") else "/" + path
        if self.is_local:
            return server_url.rstrip("/") + self.base_path + rel
        return self.base_url.rstrip("/") + rel

    def relative_path(self, url_or_path: str, server_origin: str | None = None) -> str | None:
        """Return the path (and ``?query``) relative to the base, or None outside the site.

        The fragment is dropped. For a site on this server, an absolute URL is checked
        against ``server_origin`` when given (any origin otherwise).
        """
        parts = urlsplit(url_or_path)
        if parts.scheme or parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}".lower()
            expected = self.origin or (server_origin.rstrip("/").lower() if server_origin else None)
            if expected is not None and origin != expected:
                return None
        path = parts.path or "/"
        base = self.base_path
        if base and path != base and not path.startswith(base + "/"):
            return None
        rest = path[len(base) :] or "/"
        return rest + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Criterion:
    """A task's success criterion: kind url (glob or regex), click, answer or self_report."""

    kind: str
    pattern: str = ""
    is_regex: bool = False
    selector: str = ""
    question: str = ""
    accepted: tuple[str, ...] = ()

    def matches_path(self, path: str) -> bool:
        """True when ``path`` (relative to the site base) meets a url criterion.

        The query string counts only when the pattern mentions one ('?' in a glob, '\\?'
        in a regex); trailing slashes never matter; the fragment is ignored.
        """
        if self.kind != "url":
            return False
        path = path.split("#", 1)[0]
        wants_query = "\\?" in self.pattern if self.is_regex else "?" in self.pattern
        if not wants_query:
            path = path.split("?", 1)[0]
        if self.is_regex:
            return re.search(self.pattern, path) is not None
        pattern = strip_slash(self.pattern)
        return re.match(glob_to_regex(pattern), strip_slash(path)) is not None

    def matches_click(self, selectors: Iterable[str]) -> bool:
        """True when the tracker reported that the clicked element matches the selector."""
        return self.kind == "click" and self.selector in set(selectors)

    def matches_answer(self, text: str) -> bool:
        """True when ``text`` equals an accepted answer, ignoring case, spaces and punctuation."""
        if self.kind != "answer":
            return False
        given = normalize_answer(text)
        return bool(given) and given in {normalize_answer(a) for a in self.accepted}

    def to_dict(self) -> Any:
        if self.kind == "url":
            return {"url_regex" if self.is_regex else "url": self.pattern}
        if self.kind == "click":
            return {"click": self.selector}
        if self.kind == "answer":
            return {"answer": {"question": self.question, "accepted": list(self.accepted)}}
        return "self_report"


@dataclass(frozen=True)
class Step:
    """One step of an ideal path: click a selector, go to a path, or expect a text on the page."""

    action: str
    target: str


@dataclass(frozen=True)
class TaskSpec:
    """One task as the scenario file defines it."""

    id: str
    prompt: str
    start: str
    success: Criterion
    time_limit_s: float
    target_time_s: float | None
    stage: str
    touchpoint: str
    ideal_path: tuple[Step, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "start": self.start,
            "success": self.success.to_dict(),
            "time_limit_s": self.time_limit_s,
            "target_time_s": self.target_time_s,
            "stage": self.stage,
            "touchpoint": self.touchpoint,
            "ideal_path": [{s.action: s.target} for s in self.ideal_path],
        }


@dataclass(frozen=True)
class Profile:
    """A device profile for probes; 0 for rtt/bandwidth means no network throttling."""

    width: int
    height: int
    cpu_slowdown: float = 1.0
    rtt_ms: float = 0.0
    down_kbps: float = 0.0
    up_kbps: float = 0.0
    mobile: bool = False
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "cpu_slowdown": self.cpu_slowdown,
            "rtt_ms": self.rtt_ms,
            "down_kbps": self.down_kbps,
            "up_kbps": self.up_kbps,
            "mobile": self.mobile,
        }


BUILTIN_PROFILES: dict[str, Profile] = {
    "desktop": Profile(1350, 940, name="desktop"),
    "mobile": Profile(412, 823, 4.0, 150.0, 1600.0, 750.0, True, name="mobile"),
}


@dataclass(frozen=True)
class Budget:
    """A limit on one page-speed metric: ``max`` and/or ``min``, at level warn or error."""

    metric: str
    max: float | None = None
    min: float | None = None
    level: str = "error"
    aggregate: str = "median"

    def passes(self, value: float) -> bool:
        """True when ``value`` (already aggregated over the runs) is within the limits."""
        return (self.max is None or value <= self.max) and (self.min is None or value >= self.min)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric}
        if self.max is not None:
            out["max"] = self.max
        if self.min is not None:
            out["min"] = self.min
        return {**out, "level": self.level, "aggregate": self.aggregate}


@dataclass(frozen=True)
class ProbePage:
    """A page to probe (path relative to the site base) with its own budgets."""

    path: str
    budgets: tuple[Budget, ...] = ()


@dataclass(frozen=True)
class ProbeSpec:
    """The ``probe:`` section: runs per page and profile, pages, budgets, custom profiles."""

    runs: int
    profiles: tuple[str, ...]
    pages: tuple[ProbePage, ...]
    budgets: tuple[Budget, ...] = ()
    profile_defs: tuple[Profile, ...] = ()

    def profile(self, name: str) -> Profile:
        """Return the profile of this name (the scenario's own first, then the built-ins)."""
        for profile in self.profile_defs:
            if profile.name == name:
                return profile
        return BUILTIN_PROFILES[name]

    def resolved_profiles(self) -> tuple[Profile, ...]:
        return tuple(self.profile(name) for name in self.profiles)

    def budgets_for(self, page: ProbePage) -> tuple[Budget, ...]:
        """The global budgets plus the page's; a page budget replaces a global one on its metric."""
        own = {b.metric for b in page.budgets}
        return tuple(b for b in self.budgets if b.metric not in own) + page.budgets

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "profiles": list(self.profiles),
            "profile_defs": {p.name: p.to_dict() for p in self.profile_defs},
            "pages": [{"path": p.path, "budgets": [b.to_dict() for b in p.budgets]} for p in self.pages],
            "budgets": [b.to_dict() for b in self.budgets],
        }


@dataclass(frozen=True)
class Scenario:
    """A whole study as written in a scenario file, validated."""

    slug: str
    title: str
    language: str  # "" = the participant's browser language
    product_name: str
    consent: str
    site: Site
    randomize_tasks: bool
    questionnaires: tuple[str, ...]
    ces_version: str
    free_text: str | None
    tasks: tuple[TaskSpec, ...]
    probe: ProbeSpec | None = None
    variant_of: str | None = None  # the test this study is a variant of (a study's slug)

    def task(self, task_id: str) -> TaskSpec:
        """Return the task with this id (KeyError if there is none)."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def to_dict(self) -> dict[str, Any]:
        """Return the normalized scenario as JSON-able data (what a study version stores)."""
        out: dict[str, Any] = {
            "slug": self.slug,
            "title": self.title,
            "language": self.language,
            "product_name": self.product_name,
            "consent": self.consent,
            "site": {"base_url": self.site.base_url, "origins": list(self.site.origins)},
            "randomize_tasks": self.randomize_tasks,
            "questionnaires": list(self.questionnaires),
            "ces_version": self.ces_version,
            "free_text": self.free_text,
            "tasks": [task.to_dict() for task in self.tasks],
        }
        if self.probe is not None:
            out["probe"] = self.probe.to_dict()
        if self.variant_of is not None:
            out["variant_of"] = self.variant_of
        # Optional fields left out are not written (from_dict reads them back as left out).
        result: dict[str, Any] = _without_empty(out)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "<stored scenario>") -> Scenario:
        """Validate ``data`` (as ``to_dict`` makes it, or made it before) back into a Scenario."""
        from uxlab.scenarios import from_data

        return from_data(_without_empty(data), path)

    def content_hash(self) -> str:
        """SHA-256 of the normalized scenario: comments and layout of the file do not count."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _without_empty(value: Any) -> Any:
    """Drop keys whose value is empty or None: optional fields left out (older stored versions wrote them)."""
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ("", None)}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value
