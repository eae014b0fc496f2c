"""The typed objects a scenario file becomes, the matching rules the server applies, the stored form.

These frozen dataclasses are what ``uxlab.scenarios.load`` returns; code after loading
trusts them. ``Scenario.to_dict`` writes the form a study version stores and
``Scenario.from_dict`` reads it back (checked by ``uxlab.scenarios.stored``). The site
lives in ``site``, the probe section's objects in ``probing``. They import neither Flask,
nor a database, nor Playwright.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from uxlab.scenarios.probing import PROBE_KEYS, ProbeSpec
from uxlab.scenarios.questions import QuestionSpec, questions_from_dict
from uxlab.scenarios.recruit import RECRUIT_KEYS, RecruitSpec
from uxlab.scenarios.rules import glob_to_regex, normalize_answer, path_matcher, strip_slash
from uxlab.scenarios.site import SITE_KEYS, Site
from uxlab.scenarios.stored import Fields, without_empty

LANGUAGES = ("en", "de", "ru")
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
QUESTIONNAIRES = ("sus", "umux_lite", "nps", "csat", "ces")
CES_VERSIONS = ("2.0", "1.0")
CRITERION_KINDS = ("url", "click", "answer", "self_report")
STEP_ACTIONS = ("click", "goto", "expect_text")
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
    "recruit",
    "questions",
)
REQUIRED_TOP_KEYS = ("slug", "title", "consent", "site", "tasks")
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
    "questions",
)
REQUIRED_TASK_KEYS = ("id", "prompt", "success", "stage")
SUCCESS_KEYS = ("url", "url_regex", "click", "answer", "self_report")
DEFAULT_TIME_LIMIT_S = 300.0


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
            return path_matcher(self.pattern).search(path) is not None
        pattern = strip_slash(self.pattern)
        return path_matcher(glob_to_regex(pattern)).match(strip_slash(path)) is not None

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

    @classmethod
    def from_dict(cls, field: str, data: Any, m: Fields) -> Criterion:
        """Read the stored form: ``"self_report"`` or a mapping with one of SUCCESS_KEYS."""
        if data == "self_report":
            return cls(kind="self_report")
        one = m.within(field, data, SUCCESS_KEYS)
        if len(one.data) != 1:
            one.fail("", f"has {len(one.data)} criteria (expected exactly one: {', '.join(SUCCESS_KEYS)})")
        if one.has("url") or one.has("url_regex"):
            regex = one.has("url_regex")
            return cls(kind="url", pattern=one.text("url_regex" if regex else "url"), is_regex=regex)
        if one.has("click"):
            return cls(kind="click", selector=one.text("click"))
        if one.has("self_report"):
            if one.boolean("self_report", True) is not True:
                one.fail("self_report", "expected true (or `success: self_report`)")
            return cls(kind="self_report")
        answer = one.mapping("answer", ("question", "accepted"), ("question", "accepted"))
        return cls(kind="answer", question=answer.text("question"), accepted=answer.texts("accepted"))


@dataclass(frozen=True)
class Step:
    """One step of an ideal path: click a selector, go to a path, or expect a text on the page."""

    action: str
    target: str

    @classmethod
    def from_dict(cls, field: str, data: Any, m: Fields) -> Step:
        """Read the stored form: a mapping of one action (STEP_ACTIONS) to its target."""
        one = m.within(field, data, STEP_ACTIONS)
        if len(one.data) != 1:
            one.fail("", f"has {len(one.data)} actions (expected exactly one of {', '.join(STEP_ACTIONS)})")
        ((action, _),) = one.data.items()
        return cls(action, one.text(action))


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
    questions: tuple[QuestionSpec, ...] = ()  # asked with the task's SEQ

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
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
        if self.questions:  # left out when none, so older versions keep their content hash
            out["questions"] = [q.to_dict() for q in self.questions]
        return out

    @classmethod
    def from_dict(cls, m: Fields) -> TaskSpec:
        return cls(
            id=m.text("id"),
            prompt=m.text("prompt"),
            start=m.text("start", "/"),
            success=Criterion.from_dict(m.name("success"), m.raw("success"), m),
            time_limit_s=m.number("time_limit_s", DEFAULT_TIME_LIMIT_S),
            target_time_s=m.optional_number("target_time_s"),
            stage=m.choice("stage", STAGES),
            touchpoint=m.optional_text("touchpoint") or "",
            ideal_path=tuple(Step.from_dict(f, step, m) for f, step in m.items("ideal_path")),
            questions=questions_from_dict(m, "questions"),
        )


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
    recruit: RecruitSpec | None = None
    questions: tuple[QuestionSpec, ...] = ()  # the final block, with the questionnaires

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
            "site": self.site.to_dict(),
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
        if self.recruit is not None:
            out["recruit"] = self.recruit.to_dict()
        if self.questions:
            out["questions"] = [q.to_dict() for q in self.questions]
        # Optional fields left out are not written (from_dict reads them back as left out).
        result: dict[str, Any] = without_empty(out)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "<stored scenario>") -> Scenario:
        """Read ``data`` as ``to_dict`` writes it (or wrote it before); ScenarioError if it does not fit."""
        m = Fields(without_empty(data), "", path, TOP_KEYS, REQUIRED_TOP_KEYS)
        tasks = tuple(
            TaskSpec.from_dict(m.within(f, t, TASK_KEYS, REQUIRED_TASK_KEYS)) for f, t in m.items("tasks")
        )
        if not tasks:
            m.fail("tasks", "is empty (expected at least one task)")
        return cls(
            slug=m.text("slug"),
            title=m.text("title"),
            language=m.choice("language", LANGUAGES) if m.has("language") else "",
            product_name=m.optional_text("product_name") or "",
            consent=m.text("consent"),
            site=Site.from_dict(m.mapping("site", SITE_KEYS, ("base_url",))),
            randomize_tasks=m.boolean("randomize_tasks", False),
            questionnaires=m.texts("questionnaires", QUESTIONNAIRES),
            ces_version=m.choice("ces_version", CES_VERSIONS, "2.0"),
            free_text=m.optional_text("free_text"),
            tasks=tasks,
            probe=ProbeSpec.from_dict(m.mapping("probe", PROBE_KEYS)) if m.has("probe") else None,
            variant_of=m.optional_text("variant_of"),
            recruit=RecruitSpec.from_dict(m.mapping("recruit", RECRUIT_KEYS)) if m.has("recruit") else None,
            questions=questions_from_dict(m, "questions"),
        )

    def content_hash(self) -> str:
        """SHA-256 of the normalized scenario: comments and layout of the file do not count."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
