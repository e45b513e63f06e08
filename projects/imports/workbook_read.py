"""Reading the annual-plan workbook (issue 8): the file's bytes → project and step rows
(projects/imports/workbook_rows.py), each row checked on its own (required cells, the
agency and year chosen at the upload, codes, duplicates); checks that need the database
are projects/imports/workbook_import.py's.

Reading is bounded (issue 12): files over ``settings.BMA_IMPORT_MAX_XLSX_BYTES`` are
refused; the zip is opened through projects/archives.py, which checks its directory
before anything is decompressed (number of parts, total size, each part's size and
compression ratio) and hands openpyxl parts that stop at ``MAX_PART_BYTES`` while they
are parsed; openpyxl runs in read-only mode on cached values; at most ``MAX_COLUMNS``
columns and ``MAX_ROWS`` rows per sheet are read; XML is parsed through defusedxml; and
reading stops after ``settings.BMA_IMPORT_PARSE_SECONDS`` (a deadline checked at every
chunk of a part and every row). ``read`` runs once per upload: its ``ReadResult`` is kept
as JSON beside the upload (``as_json``, ``from_json``) and the preview and the
confirmation compare those rows with the database, never the file again.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from projects import archives, thaidates
from projects.imports.workbook_columns import (
    PROJECT_COLUMNS,
    PROJECT_READERS,
    PROJECT_SHEET,
    SHEET_COLUMNS,
    STEP_COLUMNS,
    STEP_READERS,
    STEP_SHEET,
    Column,
    InvalidCell,
    normal_header,
    read_text,
)
from projects.imports.workbook_rows import ProjectRow, ReadResult, SheetProblem, StepRow

logger = logging.getLogger(__name__)

# Bounds of what is read (see the module docstring).
MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Any one part unpacked (shared strings, a sheet, the styles: openpyxl finds them by the
# file's own references, so the bound is on every part). The largest part of a large
# agency's plan (500 projects of 12 steps, rationales of 3,000 characters) is 4.9 MB;
# 20,000 step rows (MAX_ROWS) are 9.5 MB. Parsing 16 MB of the worst kind (short shared
# strings) takes about 10 s and 100 MB; the finding's 190 MB took 96.5 s and 1.1 GB.
MAX_PART_BYTES = 16 * 1024 * 1024
# Unpacked / packed, for parts over a megabyte: the template's sheets are 20-100.
MAX_RATIO = 200
MAX_ZIP_PARTS = 2_000
MAX_PROBLEMS = 500


def max_file_bytes() -> int:
    return settings.BMA_IMPORT_MAX_XLSX_BYTES


def parse_seconds() -> int:
    return settings.BMA_IMPORT_PARSE_SECONDS


# --- reading the file -----------------------------------------------------------------------


def check_file(data: bytes | None = None, *, head: bytes = b"", size: int | None = None) -> str:
    """Why these bytes cannot be an XLSX workbook (a Thai message), or "" when they may be.

    Cheap: the size and the first bytes only. ``read`` checks the rest."""
    if data is not None:
        head, size = data[:8], len(data)
    limit = max_file_bytes()
    if size is not None and size > limit:
        return _(
            "ไฟล์ใหญ่ %(size)s MB เกินขนาดสูงสุด %(limit)s MB ของไฟล์แผนปฏิบัติราชการ "
            "แบ่งไฟล์ตามหน่วยงานหรือลบแผ่นงานอื่นที่ไม่เกี่ยวข้องออกก่อน"
        ) % {"size": f"{size / 1024 / 1024:,.1f}", "limit": f"{limit / 1024 / 1024:,.0f}"}
    if size == 0:
        return _("ไฟล์ว่างเปล่า")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _(
            "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่านไว้ ระบบอ่านได้เฉพาะ .xlsx "
            "กรุณาเปิดใน Excel แล้วบันทึกเป็น «Excel Workbook (.xlsx)» โดยไม่ตั้งรหัสผ่าน"
        )
    if not head.startswith(b"PK\x03\x04"):
        return _(
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) เช่น เป็น CSV ข้อความ หรือ PDF "
            "กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ แล้วบันทึกเป็น .xlsx"
        )
    return ""


def read(
    data: bytes,
    *,
    agency_code: str,
    fiscal_year_be: int,
    deadline: archives.Deadline | None = None,
) -> ReadResult:
    """Read the workbook; never raises for bad input. Rows of another agency or year are
    problems. Checks that need the database are made by ``plan_import``. Reading stops at
    ``deadline`` (by default ``settings.BMA_IMPORT_PARSE_SECONDS`` from now)."""
    result = ReadResult(agency_code=agency_code, fiscal_year_be=fiscal_year_be)
    if message := check_file(data):
        return _whole_file(result, message)
    if deadline is None:
        deadline = archives.Deadline(parse_seconds())
    try:
        with archives.open_archive(
            data,
            max_entries=MAX_ZIP_PARTS,
            max_entry_bytes=MAX_PART_BYTES,
            max_total_bytes=MAX_UNCOMPRESSED_BYTES,
            max_ratio=MAX_RATIO,
            deadline=deadline,
        ) as archive:
            _read_workbook(archive, result)
    except archives.ArchiveRefused as refused:
        # Nothing read before the refusal is kept: only why the file was refused.
        empty = ReadResult(agency_code=agency_code, fiscal_year_be=fiscal_year_be)
        return _whole_file(empty, _refusal_message(refused))
    del result.problems[MAX_PROBLEMS:]
    return result


def _whole_file(result: ReadResult, message: str) -> ReadResult:
    result.problems.append(SheetProblem("", None, "", _("ไฟล์"), message))
    return result


def _read_workbook(archive: archives.SafeArchive, result: ReadResult) -> None:
    try:
        workbook = archives.open_workbook(archive)
    except archives.NotAWorkbook as error:
        _whole_file(result, str(error))
        return
    try:
        _Reader(
            result,
            agency_code=result.agency_code,
            fiscal_year_be=result.fiscal_year_be,
            deadline=archive.deadline,
        ).run(workbook)
    except archives.ArchiveRefused:
        raise
    except Exception:  # a malformed sheet part: a problem, not a 500
        if archive.refused:
            raise archive.refused from None
        logger.info("workbook_read: workbook could not be read", exc_info=True)
        result.problems.append(
            SheetProblem(
                "",
                None,
                "",
                _("ไฟล์"),
                _("อ่านข้อมูลในไฟล์ไม่สำเร็จ ไฟล์อาจเสียหาย กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"),
            )
        )
    finally:
        workbook.close()
    if archive.refused:  # refused inside openpyxl, whatever openpyxl did with it
        raise archive.refused


def _refusal_message(refused: archives.ArchiveRefused) -> str:
    if refused.reason == "damaged":
        return _("ไฟล์ .xlsx นี้เสียหรือไม่ครบ (เปิดเป็นไฟล์ zip ไม่ได้) กรุณาบันทึกจาก Excel ใหม่")
    if refused.reason == "time":
        return _(
            "%(refused)s ไฟล์อาจมีข้อมูลมากหรือซับซ้อนเกินกว่าแผนของหน่วยงานหนึ่ง "
            "กรุณาลบแผ่นงานหรือข้อมูลที่ไม่เกี่ยวข้องออก หรือแบ่งเป็นหลายไฟล์"
        ) % {"refused": refused}
    if refused.reason == "encrypted":
        return str(refused)
    return _("%(refused)s (ไฟล์แผนของหน่วยงานหนึ่งไม่ควรใหญ่ขนาดนี้)") % {"refused": refused}


_PROJECT_NUMBER = re.compile(r"\d{1,8}")


class _Reader:
    def __init__(
        self,
        result: ReadResult,
        *,
        agency_code: str,
        fiscal_year_be: int,
        deadline: archives.Deadline | None = None,
    ):
        self.result = result
        self.agency_code = agency_code
        self.fiscal_year_be = fiscal_year_be
        self.deadline = deadline
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
                        _(
                            "ไม่พบแผ่นงาน «%(name)s» (ไฟล์นี้มีแผ่นงาน %(names)s) "
                            "กรุณาใช้แม่แบบที่ดาวน์โหลดจากระบบ"
                        )
                        % {"name": name, "names": names},
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
                SheetProblem(name, 1, "", "", _("แผ่นงานว่างเปล่า ไม่พบแถวหัวตาราง (แถวที่ 1)"))
            )
            return None
        position = {}
        for index, value in enumerate(header):
            text = normal_header(value)
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
                        _(
                            "ไม่พบคอลัมน์ «%(header)s» ในแถวหัวตาราง (แถวที่ 1) "
                            "อย่าแก้ไขหรือลบหัวตารางของแม่แบบ"
                        )
                        % {"header": column.header},
                    )
                )
            return None
        rows = []
        for number, values in enumerate(iterator, start=2):
            if self.deadline is not None:
                # Rows can come without bytes to read (openpyxl fills gaps): the clock
                # is checked here too, not only at each chunk of the part.
                self.deadline.check()
            if number > MAX_ROWS + 1:
                if any(v not in (None, "") for v in values):
                    self.result.problems.append(
                        SheetProblem(
                            name,
                            number,
                            "",
                            "",
                            _("แผ่นงานมีข้อมูลเกิน %(rows)s แถว ระบบอ่านได้ไม่เกินนี้ต่อครั้ง กรุณาแบ่งเป็นหลายไฟล์")
                            % {"rows": f"{MAX_ROWS:,}"},
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
        except InvalidCell as exc:
            self.problem(sheet, row, column.key, str(exc))
            return None
        if column.required and parsed in (None, "", ()):
            self.problem(sheet, row, column.key, _("ต้องกรอก%(field)s") % {"field": column.header})
            return None
        if column.max_length and isinstance(parsed, str) and len(parsed) > column.max_length:
            self.problem(
                sheet,
                row,
                column.key,
                _("ยาว %(length)s ตัวอักษร เกินที่กำหนด %(limit)s ตัวอักษร")
                % {"length": f"{len(parsed):,}", "limit": f"{column.max_length:,}"},
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
                    sheet, number, cells, column, PROJECT_READERS.get(column.key, read_text)
                )
                for column in PROJECT_COLUMNS
            }
            code, agency_code, year = values["code"], values["agency_code"], values["fiscal_year"]
            if agency_code and agency_code != self.agency_code:
                self.problem(
                    sheet,
                    number,
                    "agency_code",
                    _(
                        "รหัสหน่วยงาน %(code)s ไม่ตรงกับหน่วยงานที่เลือกนำเข้า (%(chosen)s) "
                        "ไฟล์หนึ่งนำเข้าได้เฉพาะโครงการของหน่วยงานเดียว"
                    )
                    % {"code": agency_code, "chosen": self.agency_code},
                )
            if year and year != self.fiscal_year_be:
                self.problem(
                    sheet,
                    number,
                    "fiscal_year",
                    _("ปีงบประมาณ %(year)s ไม่ตรงกับปีที่เลือกนำเข้า (%(chosen)s)")
                    % {"year": year, "chosen": self.fiscal_year_be},
                )
            if code and not (
                code.startswith(f"{self.agency_code}-")
                and _PROJECT_NUMBER.fullmatch(code[len(self.agency_code) + 1 :])
            ):
                self.problem(
                    sheet,
                    number,
                    "code",
                    _(
                        "รหัสโครงการ «%(code)s» ต้องเป็นรหัสหน่วยงาน %(agency)s "
                        "ตามด้วยขีดและตัวเลข เช่น %(agency)s-2462"
                    )
                    % {"code": code, "agency": self.agency_code},
                )
            if code and code in first_row:
                self.problem(
                    sheet,
                    number,
                    "code",
                    _("รหัสโครงการ %(code)s ซ้ำกับแถว %(row)s โครงการหนึ่งมีได้แถวเดียว")
                    % {"code": code, "row": first_row[code]},
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
                    sheet, number, cells, column, STEP_READERS.get(column.key, read_text)
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
                    _("วันสิ้นสุด %(ends)s อยู่ก่อนวันเริ่มต้น %(starts)s")
                    % {
                        "ends": thaidates.format_be(ends_on),
                        "starts": thaidates.format_be(starts_on),
                    },
                )
            # A code whose project row has a problem is in the sheet: that row's problem
            # already stops the import, no second message here.
            if code and code not in self.codes_in_sheet:
                self.problem(
                    sheet,
                    number,
                    "project_code",
                    _(
                        "ไม่พบรหัสโครงการ %(code)s ในแผ่นงาน «%(sheet)s» "
                        "ขั้นตอนต้องเป็นของโครงการที่อยู่ในไฟล์เดียวกัน"
                    )
                    % {"code": code, "sheet": PROJECT_SHEET},
                )
            if code and order is not None:
                if (code, order) in seen:
                    self.problem(
                        sheet,
                        number,
                        "order",
                        _("ขั้นตอนที่ %(order)s ของโครงการ %(code)s ซ้ำกับแถว %(row)s")
                        % {"order": order, "code": code, "row": seen[code, order]},
                    )
                else:
                    seen[code, order] = number
            if len(self.result.problems) == before:
                self.result.steps.append(StepRow(row=number, **values))
