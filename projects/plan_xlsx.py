"""The annual-plan spreadsheet (แผนปฏิบัติราชการประจำปี, issue 8): template, reader, import
and export.

One workbook, three sheets:

- ``โครงการ``: one row per project (code, name, agency code, fiscal year, responsible,
  phone, rationale, budget and organisation codes, objectives one per line, targets,
  strategy lines one per line);
- ``ขั้นตอน``: one row per plan step (project code, order, title, weight, start, end;
  dates are real Excel dates shown in BE, or text dd/mm/BE or ISO);
- ``คำอธิบาย``: how to fill it in.

Columns are found by their header (row 1), so they may be moved. ``export_workbook``
writes the same template filled from the database, and importing that file changes
nothing (the round trip is tested).

Safe by design, like the page importer (projects/bma_import.py):

- ``plan_import(dry_run=True)`` only reads and returns what would be created, updated,
  deleted or left alone, per project, and every problem by sheet, row and column in Thai.
- Any problem and nothing is written; otherwise everything is written in one
  transaction. Importing the same file twice changes nothing the second time.
- The file is for one agency and one fiscal year chosen by the person importing: rows
  of another agency or year, and codes that belong to a project of another agency or
  year, are problems.
- What a project row owns: the project's fields, its objectives and strategy lines (the
  cell replaces the stored list) and, when the steps sheet has rows for it, its plan
  steps (matched by order; steps beyond the sheet's are deleted). A project without
  step rows keeps its plan. Projects of the agency and year that the file does not
  list are left alone.
- Weights of a plan that the import writes must sum to 100; a stored plan that the
  file leaves as it is is only noted when its weights do not.
- Optimistic locking: a project whose steps change gets its ``plan_version`` bumped, so
  a plan editor opened before the import cannot overwrite it. History (simple_history)
  records every created, updated and deleted project and step with the importing user.

Reading is bounded: files over ``settings.BMA_IMPORT_MAX_XLSX_BYTES`` are refused, the zip
directory is checked before anything is decompressed (total size and number of parts),
openpyxl runs in read-only mode on cached values, at most ``MAX_COLUMNS`` columns and
``MAX_ROWS`` rows per sheet are read, and XML is parsed through defusedxml.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects import permissions, thaidates
from projects.bma_import import ACTIONS, ImportChange
from projects.models import (
    Agency,
    FiscalYear,
    PlanStep,
    Project,
    ProjectObjective,
    StrategyLink,
)
from projects.signals import rows_written

logger = logging.getLogger(__name__)

PROJECT_SHEET = "โครงการ"
STEP_SHEET = "ขั้นตอน"
GUIDE_SHEET = "คำอธิบาย"
CHANGE_REASON = "นำเข้าจากไฟล์แผนปฏิบัติราชการประจำปี (Excel)"

# Bounds of what is read (see the module docstring).
MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_PARTS = 2_000
MAX_PROBLEMS = 500
# Rows of the template that carry data validation and number formats.
TEMPLATE_ROWS = 5_000
# Excel shows these dates with BE years (calendar 07 = Thai Buddhist, Western digits).
BE_DATE_FORMAT = "[$-107041E]dd/mm/yyyy"
TEXT_FORMAT = "@"
WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_file_bytes() -> int:
    return settings.BMA_IMPORT_MAX_XLSX_BYTES


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    help: str
    max_length: int | None = None


PROJECT_COLUMNS = (
    Column("code", "รหัสโครงการ", True, 18, "รหัสหน่วยงาน 8 หลัก ขีด และเลขลำดับ เช่น 01000000-2462", 30),
    Column("name", "ชื่อโครงการ", True, 48, "ชื่อเต็มของโครงการ", 500),
    Column("agency_code", "รหัสหน่วยงาน", True, 13, "8 หลัก ต้องตรงกับหน่วยงานที่เลือกตอนนำเข้า", 8),
    Column("fiscal_year", "ปีงบประมาณ (พ.ศ.)", True, 12, "ปี พ.ศ. 4 หลัก ต้องตรงกับปีที่เลือกตอนนำเข้า"),
    Column("responsible", "ผู้รับผิดชอบ", False, 24, "ชื่อผู้รับผิดชอบโครงการ", 255),
    Column("responsible_phone", "โทรศัพท์", False, 12, "หมายเลขโทรศัพท์หรือเลขภายใน", 50),
    Column("rationale", "หลักการและเหตุผล", False, 60, "ข้อความ (ขึ้นบรรทัดใหม่ในช่องได้)"),
    Column("budget_code", "รหัสงบประมาณ", False, 14, "เช่น 01000800", 30),
    Column("organisation_code", "รหัสหน่วยงานเจ้าของงบ", False, 14, "เช่น 01000800", 30),
    Column(
        "objectives",
        "วัตถุประสงค์",
        False,
        48,
        "ข้อละหนึ่งบรรทัดในช่องเดียวกัน (Alt+Enter) จะมีเลขข้อ 1. 2. นำหน้าหรือไม่ก็ได้",
    ),
    Column("targets", "เป้าหมายของโครงการ", False, 36, "ข้อความ ใส่ - ถ้าไม่มี"),
    Column(
        "strategy",
        "สนับสนุนยุทธศาสตร์",
        False,
        48,
        "รายการละหนึ่งบรรทัด เช่น ด้านที่ 5 … / มิติที่ 5.5 / เป้าหมายที่ 5.5.1 หรือ ภารกิจงานประจำของหน่วยงาน",
    ),
)
STEP_COLUMNS = (
    Column("project_code", "รหัสโครงการ", True, 18, "รหัสโครงการที่มีในแผ่นงาน «โครงการ»", 30),
    Column("order", "ขั้นตอนที่", True, 10, "เลขลำดับ 1, 2, 3 … ไม่ซ้ำกันในโครงการเดียวกัน"),
    Column("title", "ขั้นตอน", True, 60, "ชื่อขั้นตอนการดำเนินงาน"),
    Column(
        "weight",
        "น้ำหนัก (ร้อยละ)",
        True,
        12,
        "ตัวเลข 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง น้ำหนักทุกขั้นตอนของโครงการรวมกันต้องได้ 100",
    ),
    Column(
        "starts_on", "วันเริ่มต้น", False, 14, "วันที่ใน Excel หรือข้อความ วว/ดด/ปปปป (พ.ศ.) เช่น 01/10/2563"
    ),
    Column("ends_on", "วันสิ้นสุด", False, 14, "เช่นเดียวกับวันเริ่มต้น และต้องไม่ก่อนวันเริ่มต้น"),
)
SHEET_COLUMNS = {PROJECT_SHEET: PROJECT_COLUMNS, STEP_SHEET: STEP_COLUMNS}


# --- problems and rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong with the workbook: the sheet, the 1-based row (None for the whole
    sheet or file), the column letter and header, and what is wrong, in Thai."""

    sheet: str
    row: int | None
    column: str
    field: str
    message: str

    def __str__(self) -> str:
        where = [f"แผ่นงาน «{self.sheet}»"] if self.sheet else ["ทั้งไฟล์"]
        if self.row:
            where.append(f"แถว {self.row}")
        if self.column:
            where.append(f"คอลัมน์ {self.column}")
        label = f" ({self.field})" if self.field else ""
        return f"{' '.join(where)}{label}: {self.message}"


@dataclass(frozen=True)
class ProjectRow:
    row: int
    code: str
    name: str
    agency_code: str
    fiscal_year: int | None
    responsible: str
    responsible_phone: str
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategy: tuple[str, ...]


@dataclass(frozen=True)
class StepRow:
    row: int
    project_code: str
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None


@dataclass
class ReadResult:
    projects: list[ProjectRow] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    # Column letter of each field, per sheet, as the file has them (for problems found later).
    letters: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def letter(self, sheet: str, key: str) -> str:
        return self.letters.get(sheet, {}).get(key, "")


class _Invalid(ValueError):
    """A cell that cannot be read: the message, in Thai."""


# --- reading the file -----------------------------------------------------------------------


def check_file(data: bytes | None = None, *, head: bytes = b"", size: int | None = None) -> str:
    """Why these bytes cannot be an XLSX workbook (a Thai message), or "" when they may be.

    Cheap: the size and the first bytes only. ``read`` checks the rest."""
    if data is not None:
        head, size = data[:8], len(data)
    limit = max_file_bytes()
    if size is not None and size > limit:
        return (
            f"ไฟล์ใหญ่ {size / 1024 / 1024:,.1f} MB เกินขนาดสูงสุด {limit / 1024 / 1024:,.0f} MB "
            "ของไฟล์แผนปฏิบัติราชการ แบ่งไฟล์ตามหน่วยงานหรือลบแผ่นงานอื่นที่ไม่เกี่ยวข้องออกก่อน"
        )
    if size == 0:
        return "ไฟล์ว่างเปล่า"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่านไว้ ระบบอ่านได้เฉพาะ .xlsx "
            "กรุณาเปิดใน Excel แล้วบันทึกเป็น «Excel Workbook (.xlsx)» โดยไม่ตั้งรหัสผ่าน"
        )
    if not head.startswith(b"PK\x03\x04"):
        return (
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) เช่น เป็น CSV ข้อความ หรือ PDF "
            "กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ แล้วบันทึกเป็น .xlsx"
        )
    return ""


def read(data: bytes, *, agency_code: str, fiscal_year_be: int) -> ReadResult:
    """Read the workbook; never raises for bad input. Rows of another agency or year are
    problems. Checks that need the database are made by ``plan_import``."""
    result = ReadResult()

    def whole_file(message: str) -> ReadResult:
        result.problems.append(SheetProblem("", None, "", "ไฟล์", message))
        return result

    if message := check_file(data):
        return whole_file(message)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return whole_file("ไฟล์ .xlsx นี้เสียหรือไม่ครบ (เปิดเป็นไฟล์ zip ไม่ได้) กรุณาบันทึกจาก Excel ใหม่")
    if len(parts) > MAX_ZIP_PARTS:
        return whole_file(f"ไฟล์มีส่วนประกอบ {len(parts):,} ส่วน มากผิดปกติสำหรับไฟล์ Excel จึงไม่อ่าน")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        return whole_file(
            f"ไฟล์นี้เมื่อคลายการบีบอัดจะใหญ่ {unpacked / 1024 / 1024:,.0f} MB "
            f"เกิน {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB จึงไม่อ่าน "
            "(ไฟล์แผนของหน่วยงานหนึ่งไม่ควรใหญ่ขนาดนี้)"
        )
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        return whole_file("ไฟล์ zip นี้ไม่ใช่ไฟล์ Excel (.xlsx) (ไม่พบ xl/workbook.xml)")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for damaged files
        logger.info("plan_xlsx: workbook could not be opened", exc_info=True)
        return whole_file(
            "เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหายหรือไม่ได้บันทึกจาก Excel "
            "กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"
        )
    try:
        _Reader(result, agency_code=agency_code, fiscal_year_be=fiscal_year_be).run(workbook)
    except Exception:  # a malformed sheet part: a problem, not a 500
        logger.info("plan_xlsx: workbook could not be read", exc_info=True)
        result.problems.append(
            SheetProblem(
                "",
                None,
                "",
                "ไฟล์",
                "อ่านข้อมูลในไฟล์ไม่สำเร็จ ไฟล์อาจเสียหาย กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
            )
        )
    finally:
        workbook.close()
    del result.problems[MAX_PROBLEMS:]
    return result


def _normal_header(value) -> str:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return text.rstrip("*").strip()


class _Reader:
    def __init__(self, result: ReadResult, *, agency_code: str, fiscal_year_be: int):
        self.result = result
        self.agency_code = agency_code
        self.fiscal_year_be = fiscal_year_be
        self.codes_in_sheet: set[str] = set()

    def problem(self, sheet, row, key, message) -> None:
        column = next(c for c in SHEET_COLUMNS[sheet] if c.key == key) if key else None
        self.result.problems.append(
            SheetProblem(
                sheet,
                row,
                self.result.letter(sheet, key) if key else "",
                column.header if column else "",
                message,
            )
        )

    def run(self, workbook) -> None:
        missing = [name for name in (PROJECT_SHEET, STEP_SHEET) if name not in workbook.sheetnames]
        if missing:
            names = ", ".join(f"«{name}»" for name in workbook.sheetnames[:10])
            for name in missing:
                self.result.problems.append(
                    SheetProblem(
                        name,
                        None,
                        "",
                        "",
                        f"ไม่พบแผ่นงาน «{name}» (ไฟล์นี้มีแผ่นงาน {names}) กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ",
                    )
                )
            return
        project_rows = self.rows(workbook[PROJECT_SHEET], PROJECT_SHEET)
        step_rows = self.rows(workbook[STEP_SHEET], STEP_SHEET)
        if project_rows is not None:
            self.read_projects(project_rows)
        if step_rows is not None:
            self.read_steps(step_rows)

    def rows(self, sheet, name: str) -> list[tuple[int, dict]] | None:
        """The sheet's non-empty rows below the header as (row number, {key: value})."""
        columns = SHEET_COLUMNS[name]
        iterator = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = next(iterator, None)
        if header is None:
            self.result.problems.append(
                SheetProblem(name, 1, "", "", "แผ่นงานว่างเปล่า ไม่พบแถวหัวตาราง (แถวที่ 1)")
            )
            return None
        position = {}
        for index, value in enumerate(header):
            text = _normal_header(value)
            for column in columns:
                if text == column.header and column.key not in position:
                    position[column.key] = index
        self.result.letters[name] = {key: get_column_letter(i + 1) for key, i in position.items()}
        absent = [c for c in columns if c.required and c.key not in position]
        if absent:
            for column in absent:
                self.result.problems.append(
                    SheetProblem(
                        name,
                        1,
                        "",
                        column.header,
                        f"ไม่พบคอลัมน์ «{column.header}» ในแถวหัวตาราง (แถวที่ 1) "
                        "อย่าแก้ไขหรือลบหัวตารางของแม่แบบ",
                    )
                )
            return None
        rows = []
        for number, values in enumerate(iterator, start=2):
            if number > MAX_ROWS + 1:
                if any(v not in (None, "") for v in values):
                    self.result.problems.append(
                        SheetProblem(
                            name,
                            number,
                            "",
                            "",
                            f"แผ่นงานมีข้อมูลเกิน {MAX_ROWS:,} แถว ระบบอ่านได้ไม่เกินนี้ต่อครั้ง "
                            "กรุณาแบ่งเป็นหลายไฟล์",
                        )
                    )
                break
            cells = {key: values[i] if i < len(values) else None for key, i in position.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                continue
            rows.append((number, cells))
        return rows

    def cell(self, sheet, row, cells, column: Column, reader):
        """Read one cell with ``reader``; a problem (and None) when it cannot be read."""
        value = cells.get(column.key)
        try:
            parsed = reader(value)
        except _Invalid as exc:
            self.problem(sheet, row, column.key, str(exc))
            return None
        if column.required and parsed in (None, "", ()):
            self.problem(sheet, row, column.key, f"ต้องกรอก{column.header}")
            return None
        if column.max_length and isinstance(parsed, str) and len(parsed) > column.max_length:
            self.problem(
                sheet,
                row,
                column.key,
                f"ยาว {len(parsed):,} ตัวอักษร เกินที่กำหนด {column.max_length:,} ตัวอักษร",
            )
            return None
        return parsed

    def read_projects(self, rows) -> None:
        sheet = PROJECT_SHEET
        first_row: dict[str, int] = {}
        for number, cells in rows:
            before = len(self.result.problems)
            values = {
                column.key: self.cell(
                    sheet, number, cells, column, _PROJECT_READERS.get(column.key, read_text)
                )
                for column in PROJECT_COLUMNS
            }
            code, agency_code, year = values["code"], values["agency_code"], values["fiscal_year"]
            if agency_code and agency_code != self.agency_code:
                self.problem(
                    sheet,
                    number,
                    "agency_code",
                    f"รหัสหน่วยงาน {agency_code} ไม่ตรงกับหน่วยงานที่เลือกนำเข้า ({self.agency_code}) "
                    "ไฟล์หนึ่งนำเข้าได้เฉพาะโครงการของหน่วยงานเดียว",
                )
            if year and year != self.fiscal_year_be:
                self.problem(
                    sheet,
                    number,
                    "fiscal_year",
                    f"ปีงบประมาณ {year} ไม่ตรงกับปีที่เลือกนำเข้า ({self.fiscal_year_be})",
                )
            if code and not re.fullmatch(rf"{re.escape(self.agency_code)}-\d{{1,8}}", code):
                self.problem(
                    sheet,
                    number,
                    "code",
                    f"รหัสโครงการ «{code}» ต้องเป็นรหัสหน่วยงาน {self.agency_code} ตามด้วยขีดและตัวเลข "
                    f"เช่น {self.agency_code}-2462",
                )
            if code and code in first_row:
                self.problem(
                    sheet,
                    number,
                    "code",
                    f"รหัสโครงการ {code} ซ้ำกับแถว {first_row[code]} โครงการหนึ่งมีได้แถวเดียว",
                )
            if code:
                first_row.setdefault(code, number)
                self.codes_in_sheet.add(code)
            if len(self.result.problems) == before:
                self.result.projects.append(ProjectRow(row=number, **values))

    def read_steps(self, rows) -> None:
        sheet = STEP_SHEET
        seen: dict[tuple[str, int], int] = {}
        for number, cells in rows:
            before = len(self.result.problems)
            values = {
                column.key: self.cell(
                    sheet, number, cells, column, _STEP_READERS.get(column.key, read_text)
                )
                for column in STEP_COLUMNS
            }
            code, order = values["project_code"], values["order"]
            starts_on, ends_on = values["starts_on"], values["ends_on"]
            if starts_on and ends_on and ends_on < starts_on:
                self.problem(
                    sheet,
                    number,
                    "ends_on",
                    f"วันสิ้นสุด {thaidates.format_be(ends_on)} อยู่ก่อนวันเริ่มต้น "
                    f"{thaidates.format_be(starts_on)}",
                )
            # A code whose project row has a problem is in the sheet: that row's problem
            # already stops the import, no second message here.
            if code and code not in self.codes_in_sheet:
                self.problem(
                    sheet,
                    number,
                    "project_code",
                    f"ไม่พบรหัสโครงการ {code} ในแผ่นงาน «{PROJECT_SHEET}» "
                    "ขั้นตอนต้องเป็นของโครงการที่อยู่ในไฟล์เดียวกัน",
                )
            if code and order is not None:
                if (code, order) in seen:
                    self.problem(
                        sheet,
                        number,
                        "order",
                        f"ขั้นตอนที่ {order} ของโครงการ {code} ซ้ำกับแถว {seen[code, order]}",
                    )
                else:
                    seen[code, order] = number
            if len(self.result.problems) == before:
                self.result.steps.append(StepRow(row=number, **values))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def read_text(value) -> str:
    """A text cell: kept as written (no Unicode normalisation), ends trimmed."""
    return _as_text(value).strip()


def read_code(value) -> str:
    """A code: no spaces inside; a number (Excel dropped the leading zeros) is written back
    with eight digits, as BMA's agency and budget codes have."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer() and 0 <= value < 10**8:
        return f"{int(value):08d}"
    text = thaidates.arabic_digits(read_text(value))
    if re.search(r"\s", text):
        raise _Invalid(f"รหัส «{text}» มีช่องว่างอยู่ภายใน")
    return text


def read_agency_code(value) -> str:
    code = read_code(value)
    if code and not re.fullmatch(r"\d{8}", code):
        raise _Invalid(f"รหัสหน่วยงาน «{code}» ต้องเป็นตัวเลข 8 หลัก เช่น 01000000")
    return code


def read_year(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = thaidates.arabic_digits(_as_text(value).strip())
    if not re.fullmatch(r"\d{4}", text):
        raise _Invalid(f"ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2564 ได้ «{text}»")
    year = int(text)
    if not 2500 <= year <= 2700:
        raise _Invalid(f"ปีงบประมาณ {year} ไม่ใช่ปี พ.ศ. (เช่น 2564 ไม่ใช่ 2021)")
    return year


def read_order(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = thaidates.arabic_digits(_as_text(value).strip())
    if not re.fullmatch(r"\d{1,3}", text) or int(text) < 1:
        raise _Invalid(f"ขั้นตอนที่ต้องเป็นเลขจำนวนเต็ม 1 ถึง 999 ได้ «{text}»")
    return int(text)


def read_weight(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | dt.date | dt.datetime):
        raise _Invalid(f"น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «{_as_text(value)}»")
    if isinstance(value, float):
        # 33.33 typed in Excel is the float 33.33000000000000184…: its shortest repr.
        text = repr(value)
    else:
        text = thaidates.arabic_digits(str(value)).strip().removesuffix("%").strip()
        text = text.replace(",", "")
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise _Invalid(f"น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «{_as_text(value).strip()}»") from None
    if not weight.is_finite() or not Decimal(0) <= weight <= Decimal(100):
        raise _Invalid(f"น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100 ได้ {text}")
    if weight != weight.quantize(Decimal("0.01")):
        raise _Invalid(f"น้ำหนักมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง ได้ {text}")
    return weight.quantize(Decimal("0.01"))


def read_date(value) -> dt.date | None:
    """A real Excel date, or text dd/mm/BE (Thai or Arabic digits) or ISO."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date whose cell lost its date format: Excel's serial day number (only for
        # 1990–2100; a small number is a mistake, not 5 January 1900).
        if _SERIAL_1990 <= value <= _SERIAL_2100:
            return from_excel(value).date()
        raise _Invalid(
            f"«{_as_text(value)}» ไม่ใช่วันที่ ใช้วันที่ของ Excel หรือพิมพ์ วว/ดด/ปปปป (พ.ศ.) เช่น 01/10/2563"
        )
    try:
        return thaidates.parse_date(str(value))
    except ValueError as exc:
        raise _Invalid(str(exc)) from None


_SERIAL_1990 = 32874  # Excel's day number of 1 January 1990
_SERIAL_2100 = 73415  # … and of 31 December 2100
_NUMBERED_LINE = re.compile(r"^(\d{1,3})\s*[.)]?\s+(.*)$")


def read_lines(value) -> tuple[str, ...]:
    """A list in one cell: one item per line; "-" or nothing is none. Numbers 1., 2., …
    before the lines are dropped when every line has its own number in order."""
    lines = [line.strip() for line in read_text(value).split("\n")]
    lines = [line for line in lines if line]
    if lines in ([], ["-"]):
        return ()
    numbered = [_NUMBERED_LINE.match(line) for line in lines]
    if all(m and int(m.group(1)) == i for i, m in enumerate(numbered, start=1)):
        return tuple(m.group(2).strip() for m in numbered)
    return tuple(lines)


def read_objectives(value) -> tuple[str, ...]:
    """Objectives: like ``read_lines``; one line "1 เพื่อ… 2 เพื่อ…" as the old system's
    page writes them is split the way the page importer splits it."""
    from projects.bma_page import split_objectives

    lines = [line.strip() for line in read_text(value).split("\n") if line.strip()]
    if len(lines) == 1 and re.match(r"^1\s", lines[0]):
        return tuple(split_objectives(lines[0]))
    return read_lines(value)


_PROJECT_READERS = {
    "code": read_code,
    "agency_code": read_agency_code,
    "fiscal_year": read_year,
    "budget_code": read_code,
    "organisation_code": read_code,
    "objectives": read_objectives,
    "strategy": read_lines,
}
_STEP_READERS = {
    "project_code": read_code,
    "order": read_order,
    "weight": read_weight,
    "starts_on": read_date,
    "ends_on": read_date,
}


# --- the comparison with the database and the import --------------------------------------

OUTCOME_LABELS = {**ACTIONS, "kept": "คงไว้ (ไม่มีในไฟล์)"}


@dataclass
class ProjectOutcome:
    """What the import does to one project: ``action`` is created, updated, unchanged or
    kept (a project of the agency and year that the file does not list)."""

    code: str
    name: str
    row: int | None
    action: str
    changes: list[ImportChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(change.action for change in self.changes)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def action_label(self) -> str:
        return OUTCOME_LABELS[self.action]


@dataclass
class PlanImport:
    """What importing a workbook does (or would do, in a dry run), and its problems."""

    agency_code: str
    fiscal_year_be: int
    dry_run: bool
    problems: list[SheetProblem] = field(default_factory=list)
    notes: list[SheetProblem] = field(default_factory=list)
    projects: list[ProjectOutcome] = field(default_factory=list)
    applied: bool = False
    # The confirmed preview no longer matches the database: nothing was written.
    stale: bool = False
    state: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale

    @property
    def changes(self) -> list[ImportChange]:
        return [change for outcome in self.projects for change in outcome.changes]

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(change.action for change in self.changes)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def project_counts(self) -> dict[str, int]:
        counter = Counter(outcome.action for outcome in self.projects)
        return {action: counter.get(action, 0) for action in ACTIONS}

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(counts["created"] or counts["updated"] or counts["deleted"])

    @property
    def digest(self) -> str:
        """Fingerprint of what the import would do and of the stored rows it read: a
        confirmation carrying another digest was made from an out-of-date preview."""
        text = repr((self.state, [(c.model, c.key, c.action, c.fields) for c in self.changes]))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Abort(Exception):
    pass


def plan_import(
    *,
    data: bytes,
    agency: Agency,
    fiscal_year: FiscalYear,
    dry_run: bool,
    user,
    expected_digest: str | None = None,
) -> PlanImport:
    """Import an annual-plan workbook for ``agency`` and ``fiscal_year``, or only plan the
    import when ``dry_run``. With ``expected_digest`` (the preview's ``digest``), nothing
    is written when the database has changed since the preview: ``stale`` is set and the
    returned plan is the new preview."""
    if not permissions.can_import_plan(user, agency):
        raise PermissionDenied
    plan = PlanImport(agency_code=agency.code, fiscal_year_be=fiscal_year.year_be, dry_run=dry_run)
    result = read(data, agency_code=agency.code, fiscal_year_be=fiscal_year.year_be)
    plan.problems.extend(result.problems)
    if not result.ok:
        return plan
    try:
        with transaction.atomic():
            importer = _PlanImporter(
                plan, result, agency=agency, fiscal_year=fiscal_year, user=user, lock=not dry_run
            )
            importer.compare()
            if plan.problems:
                raise _Abort
            if expected_digest is not None and expected_digest != plan.digest:
                plan.stale = True
                raise _Abort
            if not dry_run:
                importer.write()
    except _Abort:
        pass
    except DatabaseError as exc:
        plan.problems.append(
            SheetProblem(
                "",
                None,
                "",
                "ฐานข้อมูล",
                f"บันทึกลงฐานข้อมูลไม่สำเร็จ จึงไม่ได้บันทึกข้อมูลใดจากไฟล์นี้ ({exc.__class__.__name__})",
            )
        )
    plan.applied = not dry_run and plan.ok
    return plan


_PROJECT_FIELDS = (
    "name",
    "responsible",
    "responsible_phone",
    "rationale",
    "budget_code",
    "organisation_code",
    "targets",
)
_STEP_FIELDS = ("title", "weight", "starts_on", "ends_on")


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


class _PlanImporter:
    """Compares the rows read with the database (``compare``), then writes (``write``)."""

    def __init__(self, plan: PlanImport, result: ReadResult, *, agency, fiscal_year, user, lock):
        self.plan = plan
        self.result = result
        self.agency = agency
        self.fiscal_year = fiscal_year
        self.user = user
        self.lock = lock
        self.create: dict[type, list] = defaultdict(list)
        self.update: dict[type, list] = defaultdict(list)
        self.delete: dict[type, list] = defaultdict(list)
        self.bump: list[int] = []

    def compare(self) -> None:
        rows = self.result.projects
        codes = [row.code for row in rows]
        stored = Project.objects.filter(code__in=codes)
        if self.lock:
            stored = stored.select_for_update()
        existing = {project.code: project for project in stored}
        mine_qs = Project.objects.filter(agency=self.agency, fiscal_year=self.fiscal_year)
        mine = dict(mine_qs.values_list("code", "name"))
        self.check_foreign(rows, existing)
        ids = [p.pk for p in existing.values() if p.code in mine]
        objectives = self.children(ProjectObjective, ids)
        strategy = self.children(StrategyLink, ids)
        steps = self.children(PlanStep, ids)
        state = sorted(
            (p.code, p.pk, p.plan_version, p.updated_at.isoformat())
            for p in existing.values()
            if p.code in mine
        )
        steps_by_code: dict[str, list[StepRow]] = defaultdict(list)
        for step in self.result.steps:
            steps_by_code[step.project_code].append(step)

        for row in rows:
            project = existing.get(row.code)
            if project is not None and row.code not in mine:
                continue  # another agency's or year's: a problem already
            outcome = ProjectOutcome(row.code, row.name, row.row, "unchanged")
            self.plan.projects.append(outcome)
            values = {name: getattr(row, name) for name in _PROJECT_FIELDS}
            if project is None:
                project = Project(
                    code=row.code, agency=self.agency, fiscal_year=self.fiscal_year, **values
                )
                self.create[Project].append(project)
                self.record(outcome, Project, row.code, "created")
                outcome.action = "created"
            else:
                changed = [n for n in _PROJECT_FIELDS if getattr(project, n) != values[n]]
                if changed:
                    for name in changed:
                        setattr(project, name, values[name])
                    self.update[Project].append(project)
                    self.record(
                        outcome, Project, row.code, "updated", [_label(Project, n) for n in changed]
                    )
                else:
                    self.record(outcome, Project, row.code, "unchanged")
            self.sync_texts(
                outcome, ProjectObjective, project, objectives, row.objectives, "วัตถุประสงค์"
            )
            self.sync_texts(outcome, StrategyLink, project, strategy, row.strategy, "ยุทธศาสตร์")
            self.sync_steps(outcome, project, steps, steps_by_code.get(row.code))
            if outcome.action == "unchanged" and any(
                c.action in ("created", "updated", "deleted") for c in outcome.changes
            ):
                outcome.action = "updated"

        listed = set(codes)
        for code, name in sorted(mine.items()):
            if code not in listed:
                self.plan.projects.append(
                    ProjectOutcome(
                        code, name, None, "kept", [ImportChange(_name(Project), code, "kept")]
                    )
                )
        self.plan.state = hashlib.sha256(repr(state).encode()).hexdigest()

    def check_foreign(self, rows, existing) -> None:
        foreign = [
            p
            for p in existing.values()
            if p.agency_id != self.agency.pk or p.fiscal_year_id != self.fiscal_year.pk
        ]
        if not foreign:
            return
        owners = {
            code: (agency_code, agency_name, year)
            for code, agency_code, agency_name, year in Project.objects.filter(
                pk__in=[p.pk for p in foreign]
            ).values_list("code", "agency__code", "agency__name", "fiscal_year__year_be")
        }
        for row in rows:
            if row.code in owners:
                agency_code, agency_name, year = owners[row.code]
                self.plan.problems.append(
                    SheetProblem(
                        PROJECT_SHEET,
                        row.row,
                        self.result.letter(PROJECT_SHEET, "code"),
                        "รหัสโครงการ",
                        f"รหัสโครงการ {row.code} เป็นโครงการของ{agency_name} ({agency_code}) "
                        f"ปีงบประมาณ {year} อยู่แล้ว ไฟล์ของหน่วยงาน {self.agency.code} "
                        f"ปีงบประมาณ {self.fiscal_year.year_be} แก้ไขโครงการนี้ไม่ได้",
                    )
                )

    def children(self, model, ids) -> dict[int, dict[int, object]]:
        found: dict[int, dict[int, object]] = defaultdict(dict)
        if ids:
            for child in model.objects.filter(project_id__in=ids):
                found[child.project_id][child.order] = child
        return found

    def record(self, outcome, model, key, action, fields=()) -> None:
        outcome.changes.append(ImportChange(_name(model), key, action, tuple(fields)))

    def sync_texts(self, outcome, model, project, stored_all, texts, noun) -> None:
        stored = dict(stored_all.get(project.pk, {})) if project.pk else {}
        for order, text in enumerate(texts, start=1):
            key = f"{project.code} {noun} {order}"
            row = stored.pop(order, None)
            if row is None:
                self.create[model].append(model(project=project, order=order, text=text))
                self.record(outcome, model, key, "created")
            elif row.text != text:
                row.text = text
                self.update[model].append(row)
                self.record(outcome, model, key, "updated", [_label(model, "text")])
            else:
                self.record(outcome, model, key, "unchanged")
        for order, row in sorted(stored.items()):
            self.delete[model].append(row)
            self.record(outcome, model, f"{project.code} {noun} {order}", "deleted")

    def sync_steps(self, outcome, project, stored_all, rows: list[StepRow] | None) -> None:
        stored = dict(stored_all.get(project.pk, {})) if project.pk else {}
        if rows is None:
            for order, _step in sorted(stored.items()):
                self.record(outcome, PlanStep, f"{project.code} ขั้นตอน {order}", "kept")
            self.check_weights(project, stored.values(), None, changed=False)
            return
        changed = False
        for row in sorted(rows, key=lambda r: r.order):
            key = f"{project.code} ขั้นตอน {row.order}"
            values = {name: getattr(row, name) for name in _STEP_FIELDS}
            step = stored.pop(row.order, None)
            if step is None:
                self.create[PlanStep].append(PlanStep(project=project, order=row.order, **values))
                self.record(outcome, PlanStep, key, "created")
                changed = True
                continue
            differ = [n for n in _STEP_FIELDS if getattr(step, n) != values[n]]
            if differ:
                for name in differ:
                    setattr(step, name, values[name])
                self.update[PlanStep].append(step)
                self.record(
                    outcome, PlanStep, key, "updated", [_label(PlanStep, n) for n in differ]
                )
                changed = True
            else:
                self.record(outcome, PlanStep, key, "unchanged")
        for order, step in sorted(stored.items()):
            self.delete[PlanStep].append(step)
            self.record(outcome, PlanStep, f"{project.code} ขั้นตอน {order}", "deleted")
            changed = True
        if changed and project.pk:
            self.bump.append(project.pk)
        self.check_weights(project, rows, rows, changed=changed or project.pk is None)

    def check_weights(self, project, steps, rows, *, changed: bool) -> None:
        steps = list(steps)
        if not steps:
            return
        total = sum((step.weight for step in steps), Decimal(0))
        if total == 100:
            return
        message = (
            f"น้ำหนักของขั้นตอนทั้ง {len(steps)} ขั้นตอนของโครงการ {project.code} "
            f"รวมกันได้ร้อยละ {_plain(total)} ต้องรวมกันได้ร้อยละ 100"
        )
        first = min(rows, key=lambda r: r.row).row if rows else None
        problem = SheetProblem(
            STEP_SHEET if rows else PROJECT_SHEET,
            first,
            self.result.letter(STEP_SHEET, "weight") if rows else "",
            "น้ำหนัก (ร้อยละ)",
            message,
        )
        if changed:
            self.plan.problems.append(problem)
        else:
            # Stored as it is and not changed by this file: say so, do not block the import.
            self.plan.notes.append(
                SheetProblem(
                    problem.sheet,
                    problem.row,
                    problem.column,
                    problem.field,
                    message + " (แผนที่บันทึกไว้แล้ว ไฟล์นี้ไม่ได้เปลี่ยน)",
                )
            )

    def write(self) -> None:
        # Bulk writes send no post_save: say so (kept pages show these rows).
        rows_written.send(sender=Project, project_ids=None)
        history = {"default_user": self.user, "default_change_reason": CHANGE_REASON}
        now = timezone.now()
        if self.create[Project]:
            bulk_create_with_history(self.create[Project], Project, batch_size=500, **history)
        if self.update[Project]:
            for project in self.update[Project]:
                project.updated_at = now
            bulk_update_with_history(
                self.update[Project],
                Project,
                [*_PROJECT_FIELDS, "updated_at"],
                batch_size=500,
                **history,
            )
        for model in (ProjectObjective, StrategyLink):
            if self.delete[model]:
                model.objects.filter(pk__in=[row.pk for row in self.delete[model]]).delete()
            if self.create[model]:
                model.objects.bulk_create(self.create[model], batch_size=1000)
            if self.update[model]:
                model.objects.bulk_update(self.update[model], ["text"], batch_size=500)
        for step in self.delete[PlanStep]:
            step._history_user = self.user
            step._change_reason = CHANGE_REASON
            step.delete()
        if self.create[PlanStep]:
            bulk_create_with_history(self.create[PlanStep], PlanStep, batch_size=500, **history)
        if self.update[PlanStep]:
            bulk_update_with_history(
                self.update[PlanStep], PlanStep, list(_STEP_FIELDS), batch_size=500, **history
            )
        if self.bump:
            # The plan editor's optimistic lock: a form opened before the import is stale.
            Project.objects.filter(pk__in=self.bump).update(plan_version=F("plan_version") + 1)


def _name(model) -> str:
    return str(model._meta.verbose_name)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- writing: the template and the export ---------------------------------------------------


HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
REQUIRED_FILL = PatternFill("solid", fgColor="F9E0B0")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _clean(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))


def build_workbook(
    *, projects: Iterable[Sequence] = (), steps: Iterable[Sequence] = (), title: str = ""
) -> bytes:
    """The workbook: the guide, the projects sheet and the steps sheet with their rows
    (values in the order of PROJECT_COLUMNS / STEP_COLUMNS)."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    sheets = {}
    for name in (PROJECT_SHEET, STEP_SHEET):
        sheets[name] = workbook.create_sheet(name)
    counts = {}
    for name, rows in ((PROJECT_SHEET, projects), (STEP_SHEET, steps)):
        counts[name] = _fill_sheet(sheets[name], SHEET_COLUMNS[name], rows)
    _fill_guide(guide, title)
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_sheet(sheet, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(
            row=1, column=index, value=column.header + (" *" if column.required else "")
        )
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 36
    keys = [column.key for column in columns]
    count = 0
    for count, values in enumerate(rows, start=1):
        lines = 1
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=count + 1, column=index, value=_clean(value))
            key = keys[index - 1]
            if key in ("starts_on", "ends_on"):
                cell.number_format = BE_DATE_FORMAT
            elif key in _TEXT_KEYS:
                cell.number_format = TEXT_FORMAT
            elif key == "weight":
                cell.number_format = "0.00"
            if isinstance(value, str) and (key in _WRAPPED_KEYS or "\n" in value):
                cell.alignment = WRAP
                lines = max(lines, _line_count(value, columns[index - 1].width))
        if lines > 1:
            # Spreadsheet programs do not always fit rows to wrapped text on opening.
            sheet.row_dimensions[count + 1].height = min(409, 16 * lines)
    last = max(TEMPLATE_ROWS, count + 1) + 1
    _validate(sheet, columns, last)
    return count


_WRAPPED_KEYS = {"name", "rationale", "objectives", "targets", "strategy", "title"}


def _line_count(text: str, width: int) -> int:
    """Lines a wrapped cell of ``width`` takes, roughly (Thai vowels and tone marks take
    no width of their own, so this errs on the tall side)."""
    return sum(max(1, -(-len(line) // max(width, 1))) for line in text.split("\n"))


_TEXT_KEYS = {
    "code",
    "agency_code",
    "budget_code",
    "organisation_code",
    "project_code",
    "responsible_phone",
}


def _validate(sheet, columns: Sequence[Column], last: int) -> None:
    """Excel's own checks while typing (where openpyxl can declare them)."""
    letters = {column.key: get_column_letter(i) for i, column in enumerate(columns, start=1)}

    def add(key, validation):
        if key in letters:
            validation.add(f"{letters[key]}2:{letters[key]}{last}")
            sheet.add_data_validation(validation)

    add(
        "fiscal_year",
        DataValidation(
            type="whole",
            operator="between",
            formula1="2500",
            formula2="2700",
            showErrorMessage=True,
            errorTitle="ปีงบประมาณ",
            error="ใส่ปี พ.ศ. 4 หลัก เช่น 2564",
        ),
    )
    add(
        "agency_code",
        DataValidation(
            type="textLength",
            operator="equal",
            formula1="8",
            showErrorMessage=True,
            errorTitle="รหัสหน่วยงาน",
            error="รหัสหน่วยงานมี 8 หลัก เช่น 01000000",
        ),
    )
    add(
        "order",
        DataValidation(
            type="whole",
            operator="between",
            formula1="1",
            formula2="999",
            showErrorMessage=True,
            errorTitle="ขั้นตอนที่",
            error="ใส่เลขลำดับ 1 ถึง 999",
        ),
    )
    add(
        "weight",
        DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            showErrorMessage=True,
            errorTitle="น้ำหนัก",
            error="ใส่ตัวเลขร้อยละ 0 ถึง 100",
        ),
    )
    for key in ("starts_on", "ends_on"):
        # A warning only: text dates such as 22/09/2564 are accepted by the import too.
        add(
            key,
            DataValidation(
                type="date",
                operator="greaterThan",
                formula1="DATE(1990,1,1)",
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="วันที่",
                error="ควรเป็นวันที่ หรือข้อความ วว/ดด/ปปปป (พ.ศ.) เช่น 01/10/2563",
            ),
        )


def _fill_guide(sheet, title: str) -> None:
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 100
    lines: list[tuple[str, str]] = [
        ("แผนปฏิบัติราชการประจำปี", title or "แม่แบบสำหรับนำเข้าโครงการและขั้นตอนการดำเนินงาน"),
        ("", ""),
        ("วิธีใช้", "1. กรอกโครงการในแผ่นงาน «โครงการ» แถวละหนึ่งโครงการ"),
        ("", "2. กรอกขั้นตอนการดำเนินงานในแผ่นงาน «ขั้นตอน» แถวละหนึ่งขั้นตอน"),
        (
            "",
            "3. ในระบบ เลือกเมนู «นำเข้าข้อมูล» → «แผนปฏิบัติราชการ (Excel)» เลือกหน่วยงานและปีงบประมาณ แล้วอัปโหลดไฟล์",
        ),
        (
            "",
            "4. ระบบแสดงตัวอย่างสิ่งที่จะสร้าง แก้ไข หรือคงไว้ และปัญหาที่พบ (แผ่นงาน แถว คอลัมน์) ยังไม่บันทึกจนกว่าจะกดยืนยัน",
        ),
        ("", "5. เมื่อยืนยัน ระบบบันทึกทั้งไฟล์ในครั้งเดียว ถ้ามีปัญหาแม้แถวเดียวจะไม่บันทึกอะไรเลย"),
        ("", ""),
        ("กติกา", "• ช่องที่หัวตารางมีเครื่องหมาย * ต้องกรอก อย่าแก้ไขหรือลบแถวหัวตาราง (ย้ายคอลัมน์ได้)"),
        ("", "• ไฟล์หนึ่งเป็นของหน่วยงานเดียวและปีงบประมาณเดียว ตรงกับที่เลือกตอนนำเข้า"),
        ("", "• รหัสโครงการ = รหัสหน่วยงาน 8 หลัก ขีด และตัวเลข เช่น 01000000-2462 ไม่ซ้ำกัน"),
        ("", "• โครงการที่มีอยู่แล้วในระบบจะถูกแก้ไขตามไฟล์ วัตถุประสงค์และยุทธศาสตร์ในไฟล์แทนของเดิมทั้งหมด"),
        (
            "",
            "• ถ้ามีขั้นตอนของโครงการในแผ่นงาน «ขั้นตอน» ขั้นตอนในไฟล์จะแทนแผนเดิม (ขั้นตอนที่ไม่มีในไฟล์จะถูกลบ) ถ้าไม่มีเลย แผนเดิมคงไว้",
        ),
        ("", "• น้ำหนักของทุกขั้นตอนในโครงการเดียวกันต้องรวมกันได้ 100"),
        (
            "",
            "• วันที่: ใช้วันที่ของ Excel (แสดงเป็น พ.ศ.) หรือพิมพ์ข้อความ วว/ดด/ปปปป เป็น พ.ศ. เช่น 01/10/2563 หรือ 2020-10-01",
        ),
        ("", "• โครงการของหน่วยงานที่ไม่มีในไฟล์จะไม่ถูกแก้ไขหรือลบ"),
        ("", "• นำเข้าไฟล์เดิมซ้ำได้ ครั้งที่สองจะไม่มีอะไรเปลี่ยน"),
        (
            "",
            f"• ขนาดไฟล์ไม่เกิน {max_file_bytes() // 1024 // 1024} MB และไม่เกิน {MAX_ROWS:,} แถวต่อแผ่นงาน",
        ),
        ("", ""),
        ("คอลัมน์", ""),
    ]
    for name, columns in SHEET_COLUMNS.items():
        for column in columns:
            mark = " (ต้องกรอก)" if column.required else ""
            lines.append((f"{name}: {column.header}", column.help + mark))
    lines += [
        ("", ""),
        (
            "ตัวอย่าง (โครงการ)",
            "01000000-2462 | โครงการสภากรุงเทพมหานครพบประชาชน | 01000000 | 2564 | นางสุดา | 1234 | …",
        ),
        (
            "ตัวอย่าง (ขั้นตอน)",
            "01000000-2462 | 1 | จัดทำแผนการดำเนินการตามโครงการ | 5 | 01/10/2563 | 31/10/2563",
        ),
    ]
    for index, (name, text) in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=name).font = HEADER_FONT
        sheet.cell(row=index, column=2, value=text).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)


def template_workbook() -> bytes:
    """The empty template (guide, headers, validation)."""
    return build_workbook()


def export_workbook(*, agency: Agency, fiscal_year: FiscalYear) -> bytes:
    """The template filled with the agency's projects of the fiscal year: importing it
    back changes nothing."""
    projects = (
        Project.objects.filter(agency=agency, fiscal_year=fiscal_year)
        .order_by("code")
        .prefetch_related("objectives", "strategy_links", "steps")
    )
    project_rows, step_rows = [], []
    for project in projects:
        project_rows.append(
            (
                project.code,
                project.name,
                agency.code,
                fiscal_year.year_be,
                project.responsible,
                project.responsible_phone,
                project.rationale,
                project.budget_code,
                project.organisation_code,
                _numbered(
                    [o.text for o in sorted(project.objectives.all(), key=lambda o: o.order)]
                ),
                project.targets,
                _numbered(
                    [s.text for s in sorted(project.strategy_links.all(), key=lambda s: s.order)]
                ),
            )
        )
        for step in sorted(project.steps.all(), key=lambda s: s.order):
            step_rows.append(
                (project.code, step.order, step.title, step.weight, step.starts_on, step.ends_on)
            )
    title = f"{agency.code} {agency.name} ปีงบประมาณ {fiscal_year.year_be}"
    return build_workbook(projects=project_rows, steps=step_rows, title=title)


def export_filename(*, agency: Agency, fiscal_year: FiscalYear) -> str:
    return f"plan-{agency.code}-{fiscal_year.year_be}.xlsx"
