"""Filling the month's workbook as a person would (issue 18): shared by the tests, the
browser test and the benchmark."""

import io

from openpyxl import load_workbook

from projects.imports.month_columns import DATA_SHEET, HEADER_ROW, headers_to_keys


def fill(data: bytes, rows: dict[str, dict]) -> bytes:
    """The workbook ``data`` with, for each project code, the values by key ("narrative",
    "step:2", "committed", …) written in its row; None clears a cell."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    columns = headers_to_keys(header)
    for number in range(HEADER_ROW + 1, sheet.max_row + 1):
        code = sheet.cell(row=number, column=columns["code"] + 1).value
        for key, value in rows.get(code, {}).items():
            sheet.cell(row=number, column=columns[key] + 1).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(data: bytes, code: str, key: str):
    book = load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    columns = headers_to_keys([c.value for c in sheet[HEADER_ROW]])
    for number in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row=number, column=columns["code"] + 1).value == code:
            return sheet.cell(row=number, column=columns[key] + 1)
    raise KeyError(code)
