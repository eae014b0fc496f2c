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
    return r.each(
        lambda: _fields(r, node, r.mapping(node, field, allowed, ("id", "type", "text")), field, screener)
    )


def _fields(
    r: Reader, node: yaml.Node, keys: dict[str, yaml.Node], field: str, screener: bool
) -> QuestionSpec:
    """Each field on its own; one that depends on an unreadable one (options on the type) is
    read without that check rather than refused for it."""
    question_id = r.attempt(lambda: _id(r, keys["id"], f"{field}.id"), "")
    types = SCREENER_TYPES if screener else QUESTION_TYPES
    kind = r.attempt(lambda: r.choice(keys["type"], f"{field}.type", types), None)
    text = r.attempt(lambda: r.text(keys["text"], f"{field}.text", "the question the participant reads"), "")
    # None: not known (no readable type, or options unreadable); the rules are then not checked on them
    options: tuple[str, ...] | None = None if kind is None else ()
    if kind in SCREENER_TYPES or (kind is None and "options" in keys):
        sub = f"{field}.options"
        options = r.attempt(lambda: _texts(r, keys.get("options"), node, sub, "options", minimum=2), None)
    elif "options" in keys:
        r.note(keys["options"], f"{field}.options", f"is for single and multiple choice (this is {kind})")
    scale = r.attempt(lambda: _scale(r, keys.get("scale"), f"{field}.scale", kind), (*DEFAULT_RATING, "", ""))
    no_rule: tuple[str, ...] = ()
    rules = {
        rule: r.attempt(partial(_rule, r, keys.get(rule), f"{field}.{rule}", options), no_rule)
        for rule in ("accept", "reject")
    }
    if screener and r.is_null(keys.get("accept")) and r.is_null(keys.get("reject")):
        r.note(node, field, "has neither accept nor reject (expected a rule that screens participants)")
    required = kind != "text"
    if not r.is_null(keys.get("required")):
        required = r.attempt(lambda: r.boolean(keys["required"], f"{field}.required"), required)
    return QuestionSpec(
        id=question_id,
        type=kind or "",
        text=text,
        options=options or (),
        low=scale[0],
        high=scale[1],
        low_label=scale[2],
        high_label=scale[3],
        required=required,
        accept=rules["accept"],
        reject=rules["reject"],
    )


def _id(r: Reader, node: yaml.Node, field: str) -> str:
    question_id = r.text(node, field, "a question id")
    if not QUESTION_ID_RE.match(question_id):
        r.fail(node, field, f"{question_id!r} is not an id (expected a-z, 0-9, '-' and '_')")
    return question_id


def _texts(
    r: Reader,
    node: yaml.Node | None,
    parent: yaml.Node,
    field: str,
    what: str,
    minimum: int = 1,
    among: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """A list of texts, each read on its own; ``among``: the texts each must be one of."""
    if node is None or r.is_null(node):
        r.fail(node or parent, field, f"missing (expected a list of {what})")

    def one(item: yaml.Node, sub: str) -> str:
        value = r.text(item, sub, what[:-1])
        if among is not None and value not in among:
            r.fail(item, sub, f"{value!r} is not one of the question's options")
        return value

    values = r.items(node, field, what, one)
    if len(values) < minimum:
        r.fail(node, field, f"has {len(values)} {what} (expected at least {minimum})")
    if len(set(values)) != len(values):
        r.fail(node, field, f"lists an option twice (expected each of the {what} once)")
    return tuple(values)


def _rule(r: Reader, node: yaml.Node | None, field: str, options: tuple[str, ...] | None) -> tuple[str, ...]:
    if node is None or r.is_null(node):
        return ()
    return _texts(r, node, node, field, "options", among=options)


def _scale(r: Reader, node: yaml.Node | None, field: str, kind: str | None) -> tuple[int, int, str, str]:
    if node is None or r.is_null(node):
        return DEFAULT_RATING[0], DEFAULT_RATING[1], "", ""
    if kind is not None and kind != "rating":
        r.fail(node, field, f"is for rating questions (this is {kind})")
    return r.each(lambda: _scale_fields(r, r.mapping(node, field, SCALE_KEYS, ("min", "max")), field))


def _scale_fields(r: Reader, keys: dict[str, yaml.Node], field: str) -> tuple[int, int, str, str]:
    def whole(key: str, low: int, high: int, default: int) -> int:
        sub = f"{field}.{key}"
        return r.attempt(
            lambda: int(r.number(keys[key], sub, minimum=low, maximum=high, integer=True)), default
        )

    def label(key: str) -> str:
        return (
            ""
            if r.is_null(keys.get(key))
            else r.attempt(lambda: r.text(keys[key], f"{field}.{key}", "a label"), "")
        )

    low, high = whole("min", 0, 1, DEFAULT_RATING[0]), whole("max", 3, 11, DEFAULT_RATING[1])
    return low, high, label("min_label"), label("max_label")
