"""The CX summary's packed integers have room for every value the writing code accepts.

``scan`` and ``answers`` pack attempt codes, times and questionnaire answers into the bit
fields their layouts declare. These tests fail as soon as someone widens a scale, adds a
questionnaire or an outcome, or raises the time limit without widening the fields (the
summary would then refuse to read the study).
"""

from __future__ import annotations

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import Boolean, Integer, String, cast, literal, select, union_all
from sqlmodel import Session

from uxlab import db as uxdb
from uxlab.errors import UxlabError
from uxlab.participants import judging
from uxlab.reports import answers, scan
from uxlab.reports.packing import Field, Layout
from uxlab.scenarios import scales


def test_every_questionnaire_answer_fits_its_bit_fields() -> None:
    layout = answers.ANSWER
    assert len(answers.NAMES) <= layout.field("questionnaire").slots  # coded by index in NAMES
    every_scale = [*scales.SCALES.values(), scales.scale_for("ces", "1.0")]
    for scale in every_scale:
        assert 1 <= scale.items < layout.field("item").slots  # items are numbered 1..N
        assert 0 <= scale.low <= scale.high < layout.field("value").slots


def test_every_attempt_code_fits_its_bit_fields() -> None:
    assert set(scan.OUTCOME_CODES) == set(judging.OUTCOMES)
    assert dict(scan.ATTEMPT.field("outcome").codes) == scan.OUTCOME_CODES
    seq = scales.SEQ_SCALE
    assert 1 <= seq.low <= seq.high < scan.ATTEMPT.field("seq").slots  # 0 means "not answered"
    longest_ms = 7200 * 1000  # the scenario reader's maximum time_limit_s; times stop at the limit
    assert longest_ms < scan.SUCCESS_TIME.field("time_ms").slots


def test_a_layout_unpacks_what_it_packs() -> None:
    layout = Layout("row", (Field("id"), Field("kind", 2, codes=(("a", 0), ("b", 3))), Field("n", 5)))
    ids, kinds, ns = np.array([1, 2**40, 7]), np.array([0, 3, 3]), np.array([31, 0, 17])
    packed = (ids * 4 + kinds) * 32 + ns
    fields = layout.unpack(layout.read(",".join(map(str, packed.tolist())), 3))
    for name, values in (("id", ids), ("kind", kinds), ("n", ns)):
        assert fields[name].tolist() == values.tolist()


def test_a_layout_refuses_fields_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="bits left over"):
        Layout("row", (Field("id", 3), Field("n", 5)))
    with pytest.raises(ValueError, match="does not fit"):
        Layout("row", (Field("id"), Field("kind", 1, codes=(("a", 2),))))
    with pytest.raises(ValueError, match="at least 24 bits"):
        Layout("row", (Field("id"), Field("n", 40)))


def test_the_database_packs_what_numpy_unpacks(any_app: Flask) -> None:
    kind = Field("kind", 2, codes=(("a", 0), ("b", 3)))
    layout = Layout("row", (Field("id"), kind, Field("n", 20, checked=True)))
    rows = [(2_000_000_000, "b", 1_048_575), (7, "a", 0), (3, "b", 5)]  # INTEGER ids, BIGINT rows
    table = union_all(
        *(select(cast(literal(i), Integer).label("id"), cast(literal(k), String).label("kind"),
                 cast(literal(n), Integer).label("n")) for i, k, n in rows)
    ).subquery()  # fmt: skip
    with any_app.app_context(), Session(uxdb.get_engine()) as db:
        text, count = db.connection().execute(select(*layout.aggregate(db, table.c))).one()
        fields = layout.unpack(np.sort(layout.read(text, count)))
        assert list(zip(*(fields[f].tolist() for f in ("id", "kind", "n")), strict=True)) == [
            (3, 3, 5),
            (7, 0, 0),
            (2_000_000_000, 3, 1_048_575),
        ]
        out_of_range = union_all(table.select(), select(literal(1), literal("c"), literal(0))).subquery()
        text, count = db.connection().execute(select(*layout.aggregate(db, out_of_range.c))).one()
        with pytest.raises(UxlabError, match="1 stored row"):
            layout.read(text, count)


TYPES = (Integer, String, Boolean, Integer)


def test_python_packs_rows_as_the_database_does(any_app: Flask) -> None:
    """``Layout.code`` (PostgreSQL's grouped attempts are packed in Python) equals ``Layout.sql``."""
    flag = Field("flag", 2, codes=((None, 0), (False, 1), (True, 2)))
    layout = Layout(
        "row", (Field("id"), Field("kind", 2, codes=(("a", 0), ("b", 3))), flag, Field("n", 3, checked=True))
    )
    rows = [
        (5, "b", True, 7),
        (9, "a", None, 0),
        (2_000_000_000, "a", False, 3),
        (4, "c", True, 1),
        (4, "a", None, 8),
    ]
    with any_app.app_context(), Session(uxdb.get_engine()) as db:
        postgres = db.get_bind().dialect.name == "postgresql"
        for row in rows:
            values = dict(zip(("id", "kind", "flag", "n"), row, strict=True))
            typed = {
                k: cast(literal(v, kind), kind) for (k, v), kind in zip(values.items(), TYPES, strict=True)
            }
            stored = select(layout.sql(typed, postgres=postgres))
            assert layout.code(values) == db.connection().execute(stored).scalar(), row
    # the last two rows have no code (unknown kind, n out of range): NULL in SQL, None here
    assert layout.code(dict(zip(("id", "kind", "flag", "n"), rows[3], strict=True))) is None
    ids, kinds, flags, ns = (np.array(v) for v in ([5, 9], [3, 0], [2, 0], [7, 0]))
    assert layout.pack({"id": ids, "kind": kinds, "flag": flags, "n": ns}).tolist() == [
        layout.code(dict(zip(("id", "kind", "flag", "n"), row, strict=True))) for row in rows[:2]
    ]
