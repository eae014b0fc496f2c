"""How report pages write p-values and paths."""

from __future__ import annotations

import pytest

from uxlab.reports import format as fmt


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.0004, "< 0.001"),
        (1e-12, "< 0.001"),
        (0.001, "0.001"),
        (0.0496, "0.050"),
        (0.5, "0.500"),
        (None, "–"),
    ],
)
def test_p_values_never_show_as_zero(p: float | None, shown: str) -> None:
    assert fmt.p_value(p) == shown


def test_paths_wrap_after_separators_and_are_escaped() -> None:
    assert str(fmt.path_breaks("/a/b?q=<x>&y=1")) == "/<wbr>a/<wbr>b?<wbr>q=<wbr>&lt;x&gt;&amp;<wbr>y=<wbr>1"


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [
        # halves away from zero, as a spreadsheet shows them (Python's format gives 12%, 62%)
        (1 / 8, "share", "13%"),
        (5 / 8, "share", "63%"),
        (0.145, "share", "15%"),  # 14.499999999999998 in binary: read at 12 digits, 14.5
        (12.25, "seconds", "12.3 s"),
        (72.5, "percent", "73%"),
        (-12.5, "nps", "-13"),
        (0.025, "share_difference", "+3 points"),
        (-0.025, "share_difference", "-3 points"),
        (-0.4, "nps", "+0"),  # no "-0"
        (1.125, "ratio", "1.13×"),
        (5.25, "rating_1_7", "5.3"),
        (0.3, "share", "30%"),
    ],
)
def test_figures_round_halves_away_from_zero(number: float, unit: str, shown: str) -> None:
    assert fmt.value(number, unit) == shown
