"""Reading the month's workbook (issue 18 item 3): the file's bytes → its rows, each cell
read on its own, and every problem with its cell ("แถว 7 คอลัมน์ F: …"). Nothing here asks
the database: month_import.py compares the rows with it.

Bounded as the plan workbook is (projects/imports/workbook_read.py): the file's size, the
zip opened through projects/archives.py (a zip bomb is refused before it is unpacked), a
deadline, at most ``MAX_ROWS`` rows of projects and ``MAX_COLUMNS`` columns. The workbook
is read with its formulas (not their cached values), so that a formula typed in an input
cell is seen and refused; merged cells are read from the sheet's own XML (openpyxl's
read-only mode does not report them). The result is JSON, kept with the upload: the
preview and the confirmation never parse the file again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from projects import archives, money, thaidates
from projects.imports import workbook_read
from projects.imports.month_columns import (
    BY_KEY,
    DATA_SHEET,
    DONE_MARKS,
    FORMULA_ALLOWED,
    HEADER_ROW,
    MAX_STEPS,
    META_SHEET,
    MONEY,
    TEXTS,
    headers_to_keys,
)

logger = logging.getLogger(__name__)

# An agency's projects of a year: a district has a few hundred at most.
MAX_ROWS = 2_000
MAX_COLUMNS = 30 + MAX_STEPS
MAX_PROBLEMS = 500
REQUIRED = ("code", "token", "narrative")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"')


@dataclass
class MonthRead:
    """What was read: the file's agency and month (its hidden sheet), the letter of each
    column by key, the rows ({"row": n, key: value, "steps": {n: "done" | percent}}) and
    the problems ({"row", "column", "message"}: a whole-file problem has neither)."""

    agency_code: str = ""
    period: str = ""
    letters: dict[str, str] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def problem(self, message: str, *, row: int | None = None, key: str = "") -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                {"row": row, "column": self.letters.get(key, ""), "message": str(message)}
            )

    @property
    def file_problem(self) -> str:
        """Why the file as a whole cannot be used (a Thai message), or ""."""
        return next((p["message"] for p in self.problems if p["row"] is None), "")

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> MonthRead:
        return cls(**data)


def read(data: bytes, *, deadline: archives.Deadline | None = None) -> MonthRead:
    """Read the workbook; never raises for bad input (every refusal is a problem)."""
    result = MonthRead()
    limit = settings.BMA_IMPORT_MAX_XLSX_BYTES
    if len(data) > limit:
        result.problem(
            _("ไฟล์ใหญ่ %(size)s MB เกินขนาดสูงสุด %(limit)s MB ของไฟล์รายงานประจำเดือน")
            % {"size": f"{len(data) / 1024 / 1024:,.1f}", "limit": f"{limit / 1024 / 1024:,.0f}"}
        )
        return result
    if message := workbook_read.check_file(head=data[:8], size=len(data)):
        result.problem(message)
        return result
    try:
        with archives.open_archive(
            data,
            max_entries=workbook_read.MAX_ZIP_PARTS,
            max_entry_bytes=workbook_read.MAX_PART_BYTES,
            max_total_bytes=workbook_read.MAX_UNCOMPRESSED_BYTES,
            max_ratio=workbook_read.MAX_RATIO,
            deadline=deadline or archives.Deadline(workbook_read.parse_seconds()),
        ) as archive:
            _read_archive(archive, result)
    except archives.ArchiveRefused as refused:
        return _refused(str(refused))
    except Exception:  # openpyxl raises many kinds for damaged files
        logger.info("month_read: workbook could not be read", exc_info=True)
        return _refused(_("เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหาย กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"))
    return result


def _refused(message: str) -> MonthRead:
    result = MonthRead()  # nothing read before a refusal is kept
    result.problem(message)
    return result


def _read_archive(archive: archives.SafeArchive, result: MonthRead) -> None:
    try:
        book = archives.open_workbook(archive, data_only=False)
    except archives.NotAWorkbook as error:
        result.problem(str(error))
        return
    try:
        if DATA_SHEET not in book.sheetnames or META_SHEET not in book.sheetnames:
            result.problem(
                _("ไฟล์นี้ไม่ใช่ไฟล์รายงานประจำเดือนที่ดาวน์โหลดจากระบบ (ไม่พบแผ่นงาน «%(sheet)s») "
                  "กรุณาดาวน์โหลดไฟล์ของเดือนจากระบบแล้วกรอกในไฟล์นั้น")
                % {"sheet": DATA_SHEET if DATA_SHEET not in book.sheetnames else META_SHEET}
            )  # fmt: skip
            return
        _read_meta(book[META_SHEET], result)
        sheet = book[DATA_SHEET]
        _read_merged(archive, sheet, result)
        _Rows(result, archive.deadline).run(sheet)
    finally:
        book.close()
    if archive.refused:
        raise archive.refused


def _read_meta(sheet, result: MonthRead) -> None:
    for row in sheet.iter_rows(max_row=10, max_col=2, values_only=True):
        name, value = (str(v or "").strip() for v in row[:2])
        if name == "agency":
            result.agency_code = value[:20]
        elif name == "period":
            result.period = value[:10]


def _read_merged(archive: archives.SafeArchive, sheet, result: MonthRead) -> None:
    path = getattr(sheet, "_worksheet_path", "")
    if path not in archive:
        return
    for ref in _MERGE.findall(archive.read(path))[:20]:
        result.problem(
            _("พบเซลล์ที่ผสานไว้ (%(ref)s) ระบบอ่านเซลล์ที่ผสานไม่ได้ กรุณายกเลิกการผสานเซลล์แล้วอัปโหลดใหม่")
            % {"ref": ref.decode()}
        )


class _Rows:
    def __init__(self, result: MonthRead, deadline: archives.Deadline | None):
        self.result = result
        self.deadline = deadline

    def run(self, sheet) -> None:
        rows = sheet.iter_rows(min_row=HEADER_ROW, max_col=MAX_COLUMNS)
        header = next(rows, None)
        columns = headers_to_keys([cell.value for cell in header or ()])
        self.result.letters = {key: get_column_letter(i + 1) for key, i in columns.items()}
        missing = [key for key in REQUIRED if key not in columns]
        if missing:
            self.result.problem(
                _("ไม่พบคอลัมน์ %(names)s ในแถวหัวตาราง (แถว %(row)s) กรุณาใช้ไฟล์ที่ดาวน์โหลดจากระบบ "
                  "โดยไม่ลบหรือเปลี่ยนชื่อคอลัมน์")
                % {"names": ", ".join(f"«{BY_KEY[k].label}»" for k in missing), "row": HEADER_ROW}
            )  # fmt: skip
            return
        count = 0
        for number, row in enumerate(rows, start=HEADER_ROW + 1):
            if self.deadline is not None and number % 200 == 0:
                self.deadline.check()
            if all(cell.value in (None, "") for cell in row):
                continue
            count += 1
            if count > MAX_ROWS:
                self.result.rows.clear()
                self.result.problems.clear()
                self.result.problem(
                    _("ไฟล์มีข้อมูลเกิน %(limit)s แถว มากกว่าโครงการของหน่วยงานหนึ่ง จึงไม่อ่าน "
                      "กรุณาใช้ไฟล์ที่ดาวน์โหลดจากระบบ")
                    % {"limit": f"{MAX_ROWS:,}"}
                )  # fmt: skip
                return
            self.result.rows.append(self.read_row(number, row, columns))

    def read_row(self, number: int, row, columns: dict[str, int]) -> dict:
        out: dict = {"row": number, "steps": {}}
        for key, index in columns.items():
            cell = row[index] if index < len(row) else None
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", "") == "f":
                if key not in FORMULA_ALLOWED:
                    self.cell_problem(number, key, _("ห้ามใช้สูตรในช่องกรอกข้อมูล กรุณากรอกเป็นค่า"))
                continue
            try:
                self.read_cell(out, key, value)
            except ValueError as error:
                self.cell_problem(number, key, str(error))
            except ValidationError as error:
                self.cell_problem(number, key, " ".join(error.messages))
        return out

    def cell_problem(self, number: int, key: str, message: str) -> None:
        self.result.problem(message, row=number, key=key)

    def read_cell(self, out: dict, key: str, value) -> None:
        if key.startswith("step:"):
            if (step := read_step(value)) is not None:
                out["steps"][key.split(":")[1]] = step
        elif key in ("code", "token", "name", "state"):
            out[key] = _text(value)[:200]
        elif key == "reported_on":
            day = read_date(value)
            out[key] = day.isoformat() if day else None
        elif key == "percent":
            out[key] = _str(read_percent(value))
        elif key in MONEY:
            out[key] = _str(read_money(value))
        elif key in TEXTS:
            text = _text(value)
            limit = BY_KEY[key].max_length
            if len(text) > limit:
                raise ValueError(
                    _("ข้อความยาว %(length)s ตัวอักษร เกิน %(limit)s ตัวอักษร")
                    % {"length": f"{len(text):,}", "limit": f"{limit:,}"}
                )
            out[key] = text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def read_step(value) -> str | None:
    """A step cell → "done", a percent under way ("37.5"), or None (not done)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip() in DONE_MARKS:
        return "done"
    try:
        percent = read_percent(value)
    except ValueError:
        raise ValueError(
            _("«%(value)s» ไม่ใช่ค่าของขั้นตอน ใส่ ✓ เมื่อแล้วเสร็จ หรือร้อยละ 1–99 ของขั้นตอนที่กำลังดำเนินการ")
            % {"value": _text(value)[:40]}
        ) from None
    if percent is None or percent == 0:
        return None
    return "done" if percent == 100 else str(percent)


def read_percent(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("กรุณากรอกร้อยละเป็นตัวเลข 0–100"))
    try:
        text = _text(value).removesuffix("%").strip()
        percent = Decimal(thaidates.arabic_digits(text)) if text else None
    except InvalidOperation:
        raise ValueError(_("กรุณากรอกร้อยละเป็นตัวเลข 0–100")) from None
    if percent is None:
        return None
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise ValueError(_("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100"))
    return percent.quantize(Decimal("0.01"))


def read_money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(_("จำนวนเงินต้องไม่ติดลบ"))
        return money.check_amount(Decimal(str(value)).quantize(Decimal("0.01")))
    return money.parse_baht(str(value))


def read_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        # A date Excel stored with a Buddhist year typed as if it were Christian.
        return value.replace(year=value.year - 543) if value.year > 2400 else value
    return thaidates.parse_date(_text(value))
