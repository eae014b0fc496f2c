"""uxlab's one CSV writer (and the JSON export's), used by ``uxlab export`` and the web downloads.

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
carriage return, and not a plain number) get a leading apostrophe: participants type
answers and free text, and a researcher opens the file in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import urlencode

BATCH_ROWS = 500
_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"^[+-]?[\d\s().]*$")  # "+1 555 0100", "-3.5": data, not formulas
Row = dict[str, Any]


def csv_cell(value: Any) -> Any:
    """One CSV cell: lists joined by " > ", mappings as query strings, None empty, formulas defused."""
    if isinstance(value, dict):
        value = urlencode(value)
    if isinstance(value, list):
        value = " > ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _NUMBER.match(value):
        return "'" + value
    return value


class _Lines(list[str]):
    """Where the CSV writer puts its rows: one ``write`` per row, ending in the dialect's CR LF.

    The writer quotes a cell that holds a character of its line terminator, so with CR LF
    a lone CR in an answer is quoted too (with "\n" it would be written bare and split
    the row when read back); each line then ends in "\n", uxlab's CSV line end.
    """

    def write(self, line: str) -> None:
        self.append(line[:-2] + "\n")


def csv_chunks(columns: tuple[str, ...], rows: Iterable[Row], chunk_rows: int = BATCH_ROWS) -> Iterator[str]:
    """CSV text (header first, cells by ``csv_cell``) in chunks of ``chunk_rows`` rows."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(row.get(name)) for name in columns])
        if count % chunk_rows == 0:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def write_csv(out: TextIO, columns: tuple[str, ...], rows: Iterable[Row]) -> int:
    """Write a header and the rows as CSV (``csv_chunks``) to ``out``; return the row count."""
    count = 0

    def counted() -> Iterator[Row]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in csv_chunks(columns, counted()):
        out.write(chunk)
    return count


def write_json(out: TextIO, slug: str, tables: dict[str, Iterable[Row]]) -> int:
    """Write ``{"study": slug, "<table>": [rows...], ...}`` one row at a time; return the row count."""
    out.write("{" + json.dumps("study") + ": " + json.dumps(slug))
    count = 0
    for name, rows in tables.items():
        out.write(",\n" + json.dumps(name) + ": [")
        for index, row in enumerate(rows):
            out.write(("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]")
    out.write("}\n")
    return count
