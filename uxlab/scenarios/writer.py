"""Scenario -> YAML text that ``loads`` reads back to the same scenario (same content hash).

Pure, like the rest of ``uxlab.scenarios``. Used to download a stored study version as a
scenario file: a version keeps the normalized scenario (``Scenario.to_dict``), not the
text it was written as, so comments and layout of the original are not kept.
"""

from __future__ import annotations

import yaml

from uxlab.scenarios.schema import Scenario

HEADER = (
    "# Scenario file written by uxlab from the stored study (comments of the original are not kept).\n"
    "# Check it: uxlab scenarios check FILE; store it: uxlab scenarios load FILE\n"
)


class _Dumper(yaml.SafeDumper):
    """Block style, with multi-line texts (consent, prompts) as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter quotes instead where a block cannot hold the text exactly (trailing spaces).
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dumps(scenario: Scenario) -> str:
    """Return ``scenario`` as scenario-file YAML (fields in the README's order)."""
    body = yaml.dump(scenario.to_dict(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body
