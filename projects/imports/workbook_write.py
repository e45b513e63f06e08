"""Writing the annual-plan workbook (issue 8): the empty template (guide, headers, Excel's
own checks while typing) and the export, the template filled with an agency's projects
of a fiscal year. Importing the export back changes nothing (the round trip is tested).
The workbook is a Thai document whatever the reader's language (issue 17): its sheets and
headers are what the import reads, so it is written in the site's language.
Every cell is written through projects/spreadsheets.py, which keeps text from becoming a
formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from projects import spreadsheets
from projects.imports import workbook_read
from projects.imports.workbook_columns import (
    GUIDE_SHEET,
    PROJECT_SHEET,
    SHEET_COLUMNS,
    STEP_SHEET,
    Column,
)
from projects.models import Agency, FiscalYear, Project

# Rows of the template that carry data validation and number formats.
TEMPLATE_ROWS = 5_000
# Excel shows these dates with BE years (calendar 07 = Thai Buddhist, Western digits).
BE_DATE_FORMAT = "[$-107041E]dd/mm/yyyy"
TEXT_FORMAT = "@"

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
REQUIRED_FILL = PatternFill("solid", fgColor="F9E0B0")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


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
        cell = spreadsheets.write(
            sheet, row=1, column=index, value=column.header + (" *" if column.required else "")
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
            cell = spreadsheets.write(sheet, row=count + 1, column=index, value=value)
            key = keys[index - 1]
            if key in ("starts_on", "ends_on"):
                cell.number_format = BE_DATE_FORMAT
            elif key in _TEXT_KEYS:
                cell.number_format = TEXT_FORMAT
            elif key == "weight":
                cell.number_format = "0.00"
            elif key == "budget_allocated":
                cell.number_format = "#,##0.00"
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
            f"• ขนาดไฟล์ไม่เกิน {workbook_read.max_file_bytes() // 1024 // 1024} MB และไม่เกิน {workbook_read.MAX_ROWS:,} แถวต่อแผ่นงาน",
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
        spreadsheets.write(sheet, row=index, column=1, value=name).font = HEADER_FONT
        spreadsheets.write(sheet, row=index, column=2, value=text).alignment = Alignment(
            wrap_text=True
        )
    sheet["A1"].font = Font(bold=True, size=14)


def template_workbook() -> bytes:
    """The empty template (guide, headers, validation)."""
    with translation.override(settings.LANGUAGE_CODE):
        return build_workbook()


def export_workbook(*, agency: Agency, fiscal_year: FiscalYear) -> bytes:
    """The template filled with the agency's projects of the fiscal year: importing it
    back changes nothing."""
    with translation.override(settings.LANGUAGE_CODE):
        return _export_workbook(agency=agency, fiscal_year=fiscal_year)


def _export_workbook(*, agency: Agency, fiscal_year: FiscalYear) -> bytes:
    projects = (
        Project.objects.filter(agency=agency, fiscal_year=fiscal_year)
        .order_by("code")
        .select_related("budget_type")
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
                project.budget_allocated,
                project.budget_type.name if project.budget_type_id else "",
                project.get_budget_source_display() if project.has_budget else "",
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
