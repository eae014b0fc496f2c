"""Rows packed into one integer each, joined into one text by an SQL aggregate, decoded with numpy.

Handing rows to Python costs about a microsecond per row (a tuple and its objects), so the
CX summary reads its big tables as packed integers instead: a ``Layout`` declares the bit
fields of a row once, and both the SQL expression that packs a row and the numpy code that
unpacks it are generated from that declaration::

    ATTEMPT = Layout("attempt", (Field("task_id"), Field("outcome", 2, codes=OUTCOMES), ...))
    text, rows = db.execute(select(*ATTEMPT.aggregate(db, {"task_id": ..., ...}))).one()
    fields = ATTEMPT.unpack(ATTEMPT.read(text, rows))  # {"task_id": array, "outcome": array, ...}

The first field is the most significant and takes the bits the others leave of 63 (a row
id); every other field has a width. A field holds either a number in ``0 <= n < 2**bits``
or, with ``codes``, one of a few stored values, each written as its code. A stored value
without a code, or a number out of range in a ``checked`` field, makes the packed row
NULL, which the aggregate skips; ``read`` compares the count with the number of rows and
raises instead of mixing up values (unless the layout skips such rows on purpose).
Unchecked fields cost nothing per row; their writers must keep them in range, which
``tests/reports/test_packing.py`` checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Text, and_, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from uxlab.errors import UxlabError

ROW_BITS = 63  # a signed 64-bit integer: SQLite's INTEGER, PostgreSQL's BIGINT, numpy's int64


def inline(value: float | str) -> ColumnElement[Any]:
    """A constant written into the SQL text: SQLite copies a bound parameter each time a per-row
    expression reads it (a third of the time of these scans); only the module's own constants."""
    if isinstance(value, str):
        if "'" in value:
            raise ValueError(f"not an inline constant: {value!r}")
        return literal_column(f"'{value}'")
    return literal_column(repr(value))


def int_list(db: Session, column: Any, where: ColumnElement[bool] | None = None) -> ColumnElement[Any]:
    """An aggregate joining an integer column's values into one comma-separated text (NULLs skipped),
    of the rows ``where`` holds (all rows without it)."""
    if db.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(cast(column, Text), inline(","))
    else:
        joined = func.group_concat(column, inline(","))
    return joined if where is None else joined.filter(where)


def parse_ints(text: str | None) -> np.ndarray:
    """The integers of an ``int_list`` aggregate (NULL over no rows -> empty)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


@dataclass(frozen=True)
class Field:
    """One bit field: its name, its width (0 for the first field: the bits left), its coded values.

    ``codes`` pairs each stored value (a string, a boolean or None) with its code; a
    ``checked`` number out of range packs the row as NULL.
    """

    name: str
    bits: int = 0
    codes: tuple[tuple[str | bool | None, int], ...] = ()
    checked: bool = False

    @property
    def slots(self) -> int:
        """How many codes the field holds."""
        return 1 << self.bits

    @property
    def may_be_null(self) -> bool:
        return bool(self.codes) or self.checked

    def sql(self, value: Any) -> ColumnElement[Any]:
        """The field's code of a stored value, or NULL when it has none (or does not fit)."""
        if self.codes and all(isinstance(stored, str) for stored, _ in self.codes):
            return case({inline(str(stored)): inline(code) for stored, code in self.codes}, value=value)
        if self.codes:
            return case(*((_matches(value, stored), inline(code)) for stored, code in self.codes))
        if self.checked:
            return case((and_(value >= inline(0), value < inline(self.slots)), value))
        return value

    def code(self, value: Any) -> int | None:
        """What ``sql`` makes of one stored value, in Python (None: the row packs as NULL)."""
        if self.codes:  # None and booleans by identity, as SQL's IS (0 == False in Python)
            for stored, code in self.codes:
                if stored is value or (isinstance(stored, str) and stored == value):
                    return code
            return None
        if self.checked and not 0 <= value < self.slots:
            return None
        return int(value)


def _matches(column: Any, stored: str | bool | None) -> ColumnElement[bool]:
    if stored is None or isinstance(stored, bool):
        return column.is_(stored)
    return column == inline(stored)


@dataclass(frozen=True)
class Layout:
    """The bit fields of one packed row, most significant first (see the module docstring)."""

    name: str
    fields: tuple[Field, ...]
    skips_null: bool = False  # rows packed as NULL are left out on purpose, not an error

    def __post_init__(self) -> None:
        top, *rest = self.fields
        if top.bits or top.may_be_null or any(f.bits < 1 for f in rest):
            raise ValueError(f"{self.name}: only the first field takes the bits left over")
        if any(code not in range(f.slots) for f in rest for _, code in f.codes):
            raise ValueError(f"{self.name}: a code does not fit its field")
        if sum(f.bits for f in rest) > ROW_BITS - 24:
            raise ValueError(f"{self.name}: leave the first field at least 24 bits")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def sql(self, values: Mapping[str, Any], *, postgres: bool = False) -> ColumnElement[Any]:
        """The packed row: ``((first * 2**bits1 + second) * 2**bits2 + third) ...``.

        PostgreSQL computes in the type of the operands: the first field is widened to BIGINT
        (an INTEGER column would overflow); SQLite's integers are 64 bits already.
        """
        top, *rest = self.fields
        packed = cast(values[top.name], BigInteger) if postgres else values[top.name]
        for f in rest:
            packed = packed * inline(f.slots) + f.sql(values[f.name])
        return packed

    def aggregate(
        self, db: Session, values: Mapping[str, Any], where: ColumnElement[bool] | None = None
    ) -> tuple[Any, Any]:
        """Two select columns: every row packed, joined into one text; the number of rows.

        With ``where``, only of the rows it holds (an aggregate FILTER): several layouts can
        then share one scan.
        """
        packed = self.sql(values, postgres=db.get_bind().dialect.name == "postgresql")
        count = func.count()
        return int_list(db, packed, where), count if where is None else count.filter(where)

    def read(self, text: str | None, rows: int) -> np.ndarray:
        """The packed rows of an ``aggregate``; raise if any row was NULL (a value without a code)."""
        codes = parse_ints(text)
        if codes.size != rows and not self.skips_null:
            raise self.unfit(rows - codes.size)
        return codes

    def unfit(self, rows: int) -> UxlabError:
        """The error for ``rows`` stored rows that packed as NULL."""
        fields = ", ".join(f.name for f in self.fields if f.may_be_null)
        return UxlabError(
            f"{rows} stored {self.name} row(s) hold a value that has no code in the "
            f"summary's packed layout ({fields}): written by another program or uxlab version?"
        )

    def code(self, values: Mapping[str, Any]) -> int | None:
        """One row packed in Python as ``sql`` packs it in SQL (None where SQL gives NULL)."""
        top, *rest = self.fields
        packed = int(values[top.name])
        for f in rest:
            code = f.code(values[f.name])
            if code is None:
                return None
            packed = (packed << f.bits) | code
        return packed

    def pack(self, values: Mapping[str, np.ndarray]) -> np.ndarray:
        """Numbers packed as ``sql`` packs them in SQL (each in its field's range)."""
        top, *rest = self.fields
        packed = np.asarray(values[top.name], dtype=np.int64)
        for f in rest:
            packed = (packed << f.bits) | np.asarray(values[f.name], dtype=np.int64)
        return packed

    def unpack(self, codes: np.ndarray) -> dict[str, np.ndarray]:
        """Each field's values of packed rows, by field name."""
        out, shift = {}, 0
        for f in reversed(self.fields[1:]):
            out[f.name] = (codes >> shift) & (f.slots - 1)
            shift += f.bits
        out[self.fields[0].name] = codes >> shift
        return out
