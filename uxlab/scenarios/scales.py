"""Answer scales of the SEQ and the end questionnaires, and validation of submitted answers.

Ranges (docs/METRICS.md): SEQ 1..7, SUS 10 items 1..5, UMUX-Lite 2 items 1..7, NPS 0..10,
CSAT 1..5, CES 2.0 1..7 and CES 1.0 1..5 (the version is stored with CES answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FREE_TEXT_MAX_CHARS = 5000


@dataclass(frozen=True)
class Scale:
    """A questionnaire's number of items and their answer range (inclusive)."""

    items: int
    low: int
    high: int


SCALES: dict[str, Scale] = {
    "sus": Scale(10, 1, 5),
    "umux_lite": Scale(2, 1, 7),
    "nps": Scale(1, 0, 10),
    "csat": Scale(1, 1, 5),
    "ces": Scale(1, 1, 7),  # CES 2.0; CES 1.0 is 1..5, see scale_for()
}
SEQ_SCALE = Scale(1, 1, 7)


def scale_for(name: str, ces_version: str) -> Scale:
    """Return the answer scale of a questionnaire (CES 1.0 is 1..5, CES 2.0 1..7)."""
    if name == "ces" and ces_version == "1.0":
        return Scale(1, 1, 5)
    return SCALES[name]


def field_names(name: str) -> list[str]:
    """Return the form fields of a questionnaire: ``sus_1``..``sus_10``, ``nps`` ..."""
    items = SCALES[name].items
    return [name] if items == 1 else [f"{name}_{item}" for item in range(1, items + 1)]


def parse_answer(raw: object, scale: Scale) -> int | str:
    """Return the answer as an int in the scale's range, or the reason it is not one."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return "missing"
    # ASCII digits only: \d and int() take any script's digits (٣ and ３ were stored as 3).
    if not re.fullmatch(r"-?[0-9]{1,3}", text):
        return f"not a whole number: {text[:20]!r}"
    value = int(text)
    if not scale.low <= value <= scale.high:
        return f"{value} is outside {scale.low}..{scale.high}"
    return value
