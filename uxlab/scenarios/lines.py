"""Where a field is written in a scenario file, for problems found after it was read (``check --live``).

A :class:`~uxlab.scenarios.Scenario` keeps no positions; a problem found with one (a start
page that does not answer) is placed by reading the file's nodes again.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# the loader the scenario loader uses (uxlab.scenarios.loader): the same lines
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STEP_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of(path: str | Path, field: str) -> int | None:
    """The 1-based line of ``field`` (``tasks[1].start``) in the file at ``path``.

    A field left out (a task without ``start``) is placed at the nearest part written (the
    task); None when the file cannot be read.
    """
    try:
        node: yaml.Node | None = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    line = None
    for key, index in _STEP_RE.findall(field):
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, key, int(index) if index else None)
    return node.start_mark.line + 1 if node is not None else line


def _child(node: yaml.Node, key: str, index: int | None) -> yaml.Node | None:
    if index is not None:
        return node.value[index] if isinstance(node, yaml.SequenceNode) and index < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return None
