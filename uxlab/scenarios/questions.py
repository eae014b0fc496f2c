"""Custom questions (``questions:`` after a task and in the final block) and screener questions.

A question is single choice, multiple choice, rating or short text. A screener question
(single or multiple choice) adds ``accept`` and ``reject`` rules over its options: a
chosen option in ``reject`` screens the participant out, and when ``accept`` is given
at least one chosen option must be in it. Question texts are shown as written (like
task prompts); the words around them are translated with the rest of the pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import yaml

from uxlab.scenarios.reader import Reader
from uxlab.scenarios.stored import Fields

QUESTION_TYPES = ("single", "multiple", "rating", "text")
SCREENER_TYPES = ("single", "multiple")
QUESTION_KEYS = ("id", "type", "text", "options", "scale", "required")
SCREENER_KEYS = ("id", "type", "text", "options", "accept", "reject")
SCALE_KEYS = ("min", "max", "min_label", "max_label")
QUESTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
DEFAULT_RATING = (1, 5)
SHORT_TEXT_MAX_CHARS = 500


@dataclass(frozen=True)
class QuestionSpec:
    """One custom question; ``accept``/``reject`` only for screener questions."""

    id: str
    type: str
    text: str
    options: tuple[str, ...] = ()
    low: int = DEFAULT_RATING[0]
    high: int = DEFAULT_RATING[1]
    low_label: str = ""
    high_label: str = ""
    required: bool = True
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()

    def screens_out(self, chosen: Sequence[str]) -> bool:
        """True when these chosen options reject the participant (see the module docstring)."""
        if set(chosen) & set(self.reject):
            return True
        return bool(self.accept) and not set(chosen) & set(self.accept)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type, "text": self.text}
        if self.options:
            out["options"] = list(self.options)
        if self.type == "rating":
            scale = {"min": self.low, "max": self.high, "min_label": self.low_label}
            out["scale"] = {**scale, "max_label": self.high_label}
        for key in ("accept", "reject"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.required != (self.type != "text"):  # only where it is not the type's default
            out["required"] = self.required
        return out

    @classmethod
    def from_dict(cls, m: Fields) -> QuestionSpec:
        scale = m.mapping("scale", SCALE_KEYS)
        kind = m.choice("type", QUESTION_TYPES)
        return cls(
            id=m.text("id"),
            type=kind,
            text=m.text("text"),
            options=m.texts("options"),
            low=scale.whole("min", DEFAULT_RATING[0]),
            high=scale.whole("max", DEFAULT_RATING[1]),
            low_label=scale.optional_text("min_label") or "",
            high_label=scale.optional_text("max_label") or "",
            required=m.boolean("required", kind != "text"),
            accept=m.texts("accept"),
            reject=m.texts("reject"),
        )


def questions_from_dict(m: Fields, key: str, screener: bool = False) -> tuple[QuestionSpec, ...]:
    """Read a stored list of questions under ``key`` of ``m``."""
    allowed = SCREENER_KEYS if screener else QUESTION_KEYS
    return tuple(
        QuestionSpec.from_dict(m.within(f, q, allowed, ("id", "type", "text"))) for f, q in m.items(key)
    )


def parse_questions(
    r: Reader, node: yaml.Node, field: str, screener: bool = False
) -> tuple[QuestionSpec, ...]:
    """Read a list of questions; each on its own, ids once each."""
    found: list[QuestionSpec] = []
    before = len(r.problems)
    for i, item in enumerate(r.sequence(node, field, "questions")):
        question = r.attempt(partial(_question, r, item, f"{field}[{i}]", screener), None)
        if question is None:
            continue
        if any(q.id == question.id for q in found):
            r.note(item, f"{field}[{i}].id", f"duplicate question id {question.id!r} (expected each id once)")
        found.append(question)
    if not found and len(r.problems) == before:
        r.fail(node, field, "is empty (expected at least one question, or leave the field out)")
    return tuple(found)


def _question(r: Reader, node: yaml.Node, field: str, screener: bool) -> QuestionSpec:
    allowed = SCREENER_KEYS if screener else QUESTION_KEYS
    keys = r.mapping(node, field, allowed, ("id", "type", "text"))
    question_id = r.text(keys["id"], f"{field}.id", "a question id")
    if not QUESTION_ID_RE.match(question_id):
        r.fail(keys["id"], f"{field}.id", f"{question_id!r} is not an id (expected a-z, 0-9, '-' and '_')")
    kind = r.choice(keys["type"], f"{field}.type", SCREENER_TYPES if screener else QUESTION_TYPES)
    text = r.text(keys["text"], f"{field}.text", "the question the participant reads")
    options: tuple[str, ...] = ()
    if kind in SCREENER_TYPES:
        options = _texts(r, keys.get("options"), node, f"{field}.options", "options", minimum=2)
    elif "options" in keys:
        r.fail(keys["options"], f"{field}.options", f"is for single and multiple choice (this is {kind})")
    low, high, low_label, high_label = _scale(r, keys.get("scale"), f"{field}.scale", kind)
    rules = {rule: _rule(r, keys.get(rule), f"{field}.{rule}", options) for rule in ("accept", "reject")}
    if screener and not rules["accept"] and not rules["reject"]:
        r.fail(node, field, "has neither accept nor reject (expected a rule that screens participants)")
    required = kind != "text"
    if not r.is_null(keys.get("required")):
        required = r.boolean(keys["required"], f"{field}.required")
    return QuestionSpec(
        id=question_id,
        type=kind,
        text=text,
        options=options,
        low=low,
        high=high,
        low_label=low_label,
        high_label=high_label,
        required=required,
        accept=rules["accept"],
        reject=rules["reject"],
    )


def _texts(
    r: Reader, node: yaml.Node | None, parent: yaml.Node, field: str, what: str, minimum: int = 1
) -> tuple[str, ...]:
    if node is None or r.is_null(node):
        r.fail(node or parent, field, f"missing (expected a list of {what})")
    values = [
        r.text(item, f"{field}[{i}]", what[:-1]) for i, item in enumerate(r.sequence(node, field, what))
    ]
    if len(values) < minimum:
        r.fail(node, field, f"has {len(values)} {what} (expected at least {minimum})")
    if len(set(values)) != len(values):
        r.fail(node, field, f"lists an option twice (expected each of the {what} once)")
    return tuple(values)


def _rule(r: Reader, node: yaml.Node | None, field: str, options: tuple[str, ...]) -> tuple[str, ...]:
    if node is None or r.is_null(node):
        return ()
    values = _texts(r, node, node, field, "options")
    for i, value in enumerate(values):
        if value not in options:
            r.fail(node.value[i], f"{field}[{i}]", f"{value!r} is not one of the question's options")
    return values


def _scale(r: Reader, node: yaml.Node | None, field: str, kind: str) -> tuple[int, int, str, str]:
    if node is None or r.is_null(node):
        return DEFAULT_RATING[0], DEFAULT_RATING[1], "", ""
    if kind != "rating":
        r.fail(node, field, f"is for rating questions (this is {kind})")
    keys = r.mapping(node, field, SCALE_KEYS, ("min", "max"))
    low = int(r.number(keys["min"], f"{field}.min", minimum=0, maximum=1, integer=True))
    high = int(r.number(keys["max"], f"{field}.max", minimum=3, maximum=11, integer=True))
    labels = [
        r.text(keys[k], f"{field}.{k}", "a label") if not r.is_null(keys.get(k)) else ""
        for k in ("min_label", "max_label")
    ]
    return low, high, labels[0], labels[1]
