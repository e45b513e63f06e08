"""Writing the month's workbook (issue 18 item 3; the layout: month_columns.py). Every
cell's value goes through projects/spreadsheets.py; the one formula per row (the percent,
for reference) is composed here from the plan's weights, never from data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from projects import spreadsheets as cells
from projects import thaidates
from projects.imports.month_columns import (
    DATA_SHEET,
    DONE,
    FIRST_ROW,
    HEADER_ROW,
    HELP_SHEET,
    LEAD,
    META_SHEET,
    STEPS_SHEET,
    TAIL,
    TITLE_ROW,
    step_header,
)
from projects.imports.month_data import MonthProject

INPUT_FILL = PatternFill("solid", fgColor="FFF8CC")
NONE_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def filename(agency, period: dt.date) -> str:
    return f"monthly-report-{agency.code}-{period:%Y-%m}.xlsx"


def layout(rows: list[MonthProject]) -> list[str]:
    """The keys of the data sheet's columns in order: the lead, one per step (as many as
    the longest plan), the tail."""
    most = max((len(row.steps) for row in rows), default=0)
    return [c.key for c in LEAD] + [f"step:{n}" for n in range(1, most + 1)] + [c.key for c in TAIL]


def month_workbook(*, agency, period: dt.date, rows: list[MonthProject], today: dt.date) -> bytes:
    """The workbook of ``agency``'s reports of ``period``: one row per project."""
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    keys = layout(rows)
    letters = {key: get_column_letter(i) for i, key in enumerate(keys, start=1)}
    _data_sheet(sheet, agency=agency, period=period, rows=rows, keys=keys, letters=letters)
    _help_sheet(book.create_sheet(HELP_SHEET), agency=agency, period=period, today=today)
    _steps_sheet(book.create_sheet(STEPS_SHEET), rows)
    meta = book.create_sheet(META_SHEET)
    cells.append(meta, ["agency", agency.code])
    cells.append(meta, ["period", period.isoformat()])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _data_sheet(sheet, *, agency, period, rows, keys, letters) -> None:
    title = _("รายงานผลการดำเนินงานประจำเดือน%(month)s %(agency)s") % {
        "month": thaidates.month_label(period),
        "agency": agency.name,
    }
    cells.write(sheet, row=TITLE_ROW, column=1, value=title).font = Font(bold=True, size=14)
    cells.write(
        sheet,
        row=TITLE_ROW + 1,
        column=1,
        value=_("กรอกเฉพาะช่องสีเหลือง แล้วอัปโหลดไฟล์นี้ในระบบ (ดูแผ่นงาน «คำแนะนำ»)"),
    )
    by_key = {c.key: c for c in (*LEAD, *TAIL)}
    for index, key in enumerate(keys, start=1):
        column = by_key.get(key)
        header = column.label if column else step_header(int(key.split(":")[1]))
        cell = cells.write(sheet, row=HEADER_ROW, column=index, value=header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[letters[key]].width = column.width if column else 11
    for offset, row in enumerate(rows):
        _project_row(sheet, FIRST_ROW + offset, row, keys, letters)
    last = FIRST_ROW + max(len(rows), 1) - 1
    _validations(sheet, keys, letters, last)
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=3)
    sheet.column_dimensions[letters["token"]].hidden = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False


def _project_row(sheet, number: int, row: MonthProject, keys, letters) -> None:
    project, initial = row.project, row.initial
    done = set(initial.get("completed_steps") or [])
    partial_step, partial = initial.get("in_progress_step"), initial.get("partial_percent")
    values = {
        "code": project.code,
        "name": project.name,
        "state": row.state.label,
        "reported_on": initial.get("reported_on", ""),
        "percent": initial.get("percent") if not row.steps else None,
        "narrative": initial.get("narrative", ""),
        "problems": initial.get("problems", ""),
        "obstacles": initial.get("obstacles", ""),
        "lower_reason": initial.get("lower_reason", ""),
        "committed": initial.get("committed"),
        "disbursed": initial.get("disbursed"),
        "budget_lower_reason": initial.get("budget_lower_reason", ""),
        "token": str(row.token),
    }
    steps = {step.order: step for step in row.steps}
    terms = []
    for index, key in enumerate(keys, start=1):
        cell = sheet.cell(row=number, column=index)
        if key.startswith("step:"):
            step = steps.get(int(key.split(":")[1]))
            if step is None:
                cell.fill = NONE_FILL
                continue
            value = DONE if step.pk in done else None
            if value is None and step.pk == partial_step and partial:
                value = partial
            cells.set_value(cell, value)
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
            cell.alignment = Alignment(horizontal="center")
            cell.comment = Comment(_step_note(step), "BMA Progress", width=300, height=90)
            ref, weight = f"{letters[key]}{number}", step.weight
            terms.append(f'IF(ISNUMBER({ref}),{weight}*MIN({ref},100)/100,IF({ref}="",0,{weight}))')
            continue
        if key == "computed":
            if terms:
                formula = "=ROUND(MIN(100," + "+".join(terms) + "),2)"
                cells.write_formula(sheet, row=number, column=index, formula=formula)
            cell.number_format = "0.00"
            continue
        column_input = _is_input(key, row)
        value = values.get(key)
        cells.set_value(cell, Decimal(value) if isinstance(value, Decimal) else value)
        if key in ("committed", "disbursed"):
            cell.number_format = "#,##0.00"
        if key == "reported_on":
            cell.number_format = "@"
        if column_input:
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
        elif key not in ("code", "name", "state", "token"):
            cell.fill = NONE_FILL
        cell.alignment = WRAP


def _is_input(key: str, row: MonthProject) -> bool:
    if key == "percent":
        return not row.steps
    if key in ("committed", "disbursed", "budget_lower_reason"):
        return row.project.has_budget
    return key in {c.key for c in (*LEAD, *TAIL) if c.input}


def _step_note(step) -> str:
    return _("ขั้นตอนที่ %(order)s: %(title)s (น้ำหนักร้อยละ %(weight)s, %(start)s–%(end)s)") % {
        "order": step.order,
        "title": step.title,
        "weight": step.weight,
        "start": thaidates.format_be(step.starts_on) or "-",
        "end": thaidates.format_be(step.ends_on) or "-",
    }


def _validations(sheet, keys, letters, last: int) -> None:
    step_keys = [k for k in keys if k.startswith("step:")]
    if step_keys:
        ticks = DataValidation(
            type="list",
            formula1=f'"{DONE}"',
            allow_blank=True,
            errorStyle="information",
            showInputMessage=True,
            showErrorMessage=True,
            errorTitle=_("ขั้นตอน"),
            error=_("ใส่ ✓ เมื่อขั้นตอนแล้วเสร็จ หรือร้อยละ 1–99 ของขั้นตอนที่กำลังดำเนินการ"),
            promptTitle=_("ขั้นตอน"),
            prompt=_("เลือก ✓ เมื่อขั้นตอนแล้วเสร็จ หรือกรอกร้อยละ 1–99 ของขั้นตอนที่กำลังดำเนินการ"),
        )
        ticks.add(f"{letters[step_keys[0]]}{FIRST_ROW}:{letters[step_keys[-1]]}{last}")
        sheet.add_data_validation(ticks)
    percent = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        error=_("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100"),
    )
    percent.add(f"{letters['percent']}{FIRST_ROW}:{letters['percent']}{last}")
    money = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error=_("จำนวนเงินต้องเป็นตัวเลขไม่ติดลบ"),
    )
    money.add(f"{letters['committed']}{FIRST_ROW}:{letters['disbursed']}{last}")
    sheet.add_data_validation(percent)
    sheet.add_data_validation(money)


def _help_sheet(sheet, *, agency, period: dt.date, today: dt.date) -> None:
    lines = [
        _("วิธีกรอกรายงานทั้งเดือนด้วยไฟล์ Excel"),
        _("หน่วยงาน: %(agency)s") % {"agency": agency.name},
        _("เดือนที่รายงาน: %(month)s (ดาวน์โหลดเมื่อ %(today)s)")
        % {"month": thaidates.month_label(period), "today": thaidates.format_be(today)},
        "",
        _("1. หนึ่งแถวคือรายงานของหนึ่งโครงการ กรอกเฉพาะช่องสีเหลือง ช่องสีเทาไม่ต้องกรอก"),
        _(
            "2. ขั้นตอน: ใส่ ✓ ในช่องของขั้นตอนที่แล้วเสร็จ หรือกรอกตัวเลข 1–99 "
            "เป็นร้อยละของขั้นตอนที่กำลังดำเนินการ (ได้ขั้นตอนเดียว) ชี้ที่ช่องเพื่อดูชื่อขั้นตอน "
            "หรือดูแผ่นงาน «ขั้นตอนของโครงการ»"
        ),
        _("3. ร้อยละความคืบหน้าในไฟล์คำนวณไว้ให้ดูเท่านั้น ระบบจะคำนวณใหม่จากขั้นตอนที่ทำเครื่องหมาย"),
        _(
            "4. ผลการดำเนินงานต้องกรอกทุกโครงการที่รายงาน แถวที่ยังไม่เคยรายงานและไม่ได้กรอกผลการดำเนินงานจะถูกข้ามไป"
        ),
        _("5. ความคืบหน้าหรือยอดสะสมที่น้อยกว่ารายงานครั้งก่อนต้องระบุเหตุผล"),
        _("6. วันที่รายงานเว้นว่างได้ (ใช้วันที่อัปโหลด) หรือกรอกเป็น วว/ดด/ปปปป (พ.ศ.)"),
        _("7. ห้ามแก้ไขรหัสโครงการ ห้ามผสานเซลล์ ห้ามใส่สูตรในช่องกรอกข้อมูล และห้ามลบคอลัมน์รหัสตรวจสอบที่ซ่อนไว้"),
        _("8. หากมีผู้อื่นแก้ไขรายงานของโครงการหลังจากดาวน์โหลดไฟล์นี้ ระบบจะไม่บันทึกและแสดงการแก้ไขนั้นให้ตรวจสอบ"),
        _(
            "9. อัปโหลดแล้วระบบจะแสดงตัวอย่างสิ่งที่จะเปลี่ยนและข้อผิดพลาดทุกช่อง "
            "ยังไม่บันทึกจนกว่าจะกดยืนยัน และบันทึกทั้งไฟล์หรือไม่บันทึกเลย"
        ),
    ]
    for line in lines:
        cells.append(sheet, [line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
    sheet.protection.sheet = True


def _steps_sheet(sheet, rows: list[MonthProject]) -> None:
    headers = [_("รหัสโครงการ"), _("ชื่อโครงการ"), _("ขั้นตอนที่"), _("ชื่อขั้นตอน"),
               _("น้ำหนัก (ร้อยละ)"), _("เริ่มต้น"), _("สิ้นสุด")]  # fmt: skip
    cells.append(sheet, headers)
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        for step in row.steps:
            cells.append(
                sheet,
                [
                    row.project.code,
                    row.project.name,
                    step.order,
                    step.title,
                    step.weight,
                    thaidates.format_be(step.starts_on),
                    thaidates.format_be(step.ends_on),
                ],
            )
    for letter, width in zip("ABCDEFG", (16, 40, 10, 50, 14, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.protection.sheet = True
