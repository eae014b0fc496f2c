"""The field a line of a scenario file belongs to, for text YAML cannot read (so there are no nodes).

Guessed from the keys and list dashes above the line and their indentation, with list
indexes (``tasks[2].stage``), as the messages of a readable file name fields. The text of
a block scalar (``consent: |``) is not read for keys. A tab is no indentation in YAML; a
line indented with one is read as its author likely meant it: under the key above when
that key opens a block, else beside the line above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEY_RE = re.compile(r"([A-Za-z_][\w-]*)\s*:(?=\s|$)")
BLOCK_SCALAR_RE = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
COMMENT_RE = re.compile(r"\s+#.*$")


@dataclass
class _Level:
    indent: int
    key: str | None  # None: a list item
    index: int = 0  # a list item's index under its parent
    items: int = 0  # list items seen under this level so far


def key_on_line(line: str) -> tuple[str, int] | None:
    """The key a line starts (after any list dashes) and the column of its colon, or None."""
    body = line.lstrip(" \t")
    while body.startswith("-") and body[1:2] in ("", " ", "\t"):
        body = body[1:].lstrip(" \t")
    match = KEY_RE.match(body)
    if match is None:
        return None
    colon = len(line) - len(body) + match.end() - 1
    return match.group(1), colon


def field_at(text: str, line: int) -> str:
    """The field path (``tasks[2].stage``) the 1-based ``line`` of ``text`` is in; "(document)" if none."""
    stack = [_Level(-1, None)]  # the document
    block: int | None = None  # the indent of a key whose block text is being read
    above = (0, False)  # the line above: its indent, and whether it opens a block
    for raw in text.split("\n")[:line]:
        body = raw.lstrip(" \t")
        if not body or body.startswith("#"):
            continue
        lead = raw[: len(raw) - len(body)]
        indent = len(lead)
        if "\t" in lead:
            indent = above[0] + (2 if above[1] else 0)
        if block is not None and indent > block:
            continue
        block, column = None, indent
        while body.startswith("-") and body[1:2] in ("", " ", "\t"):
            _item(stack, column)
            rest = body[1:].lstrip(" \t")
            column += len(body) - len(rest)
            body = rest
        match = KEY_RE.match(body)
        if match:
            _key(stack, column, match.group(1))
            if BLOCK_SCALAR_RE.match(body[match.end() :].strip()):
                block = column
        above = (indent, COMMENT_RE.sub("", body).rstrip().endswith(":"))
    return _path(stack[1:]) or "(document)"


def _item(stack: list[_Level], column: int) -> None:
    """A dash at ``column``: the next item of the list whose key (or item) is above it."""
    while len(stack) > 1 and (
        stack[-1].indent > column or (stack[-1].indent == column and stack[-1].key is None)
    ):
        stack.pop()
    parent = stack[-1]
    stack.append(_Level(column, None, index=parent.items))
    parent.items += 1


def _key(stack: list[_Level], column: int, key: str) -> None:
    while len(stack) > 1 and stack[-1].indent >= column:
        stack.pop()
    stack.append(_Level(column, key))


def _path(levels: list[_Level]) -> str:
    path = ""
    for level in levels:
        if level.key is None:
            path += f"[{level.index}]"
        else:
            path += f".{level.key}" if path else level.key
    return path
