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
