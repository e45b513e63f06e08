"""The agency report as an Excel workbook (openpyxl): the same data as the PDF.

Thai headers; numbers are numbers (Decimal → numeric cells) and dates are real dates, so
people can sort, filter and sum. Sheets: สรุป (one row per project), ผลการดำเนินงาน (one
row per entry), แผนการดำเนินงาน (one row per step), ผลการประเมิน (one row per quarter).
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from projects import spreadsheets, thaidates
from reports.selectors import AgencyReport

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.00"
MONEY_FORMAT = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="E6F2EC")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(workbook, title, report: AgencyReport, headers, widths, *, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    spreadsheets.append(sheet, [report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    spreadsheets.append(
        sheet,
        [
            _("%(period)s · ข้อมูล ณ วันที่ %(as_of)s")
            % {
                "period": report.period.label,
                "as_of": thaidates.format_thai_long(report.period.as_of),
            }
        ],
    )
    spreadsheets.append(sheet, [])
    spreadsheets.append(sheet, headers)
    for cell in sheet[4]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A5"
    return sheet


def _format(sheet, column: int, number_format: str):
    for (cell,) in sheet.iter_rows(min_row=5, min_col=column, max_col=column):
        if cell.value is not None:
            cell.number_format = number_format


def agency_workbook(report: AgencyReport) -> bytes:
    workbook = Workbook()
    _summary_sheet(workbook, report)
    _entries_sheet(workbook, report)
    _steps_sheet(workbook, report)
    _quarters_sheet(workbook, report)
    workbook.properties.title = report.title
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _summary_sheet(workbook, report: AgencyReport) -> None:
    summary = _sheet(
        workbook,
        _("สรุป"),
        report,
        [
            _("ลำดับ"),
            _("รหัสหน่วยงาน"),
            _("หน่วยงาน"),
            _("รหัสโครงการ"),
            _("ชื่อโครงการ"),
            _("ความคืบหน้า (ร้อยละ)"),
            _("วันที่รายงานล่าสุด"),
            _("ตามแผน (ร้อยละ)"),
            _("ผลต่างจากแผน"),
            _("ล่าช้ากว่าแผน"),
            _("คะแนนประเมินโครงการ"),
            _("ไตรมาสที่ประเมิน"),
            _("จำนวนรายงาน"),
            _("รายงานส่งล่าช้า (เดือน)"),
            _("ไม่ได้ส่งรายงาน (เดือน)"),
            _("ผู้รับผิดชอบ"),
            *_budget_headers(report),
        ],
        [7, 12, 34, 16, 50, 12, 14, 12, 12, 11, 12, 10, 10, 12, 12, 24, 18, 18, 18, 12, 12, 12],
        first=True,
    )
    for number, row in enumerate(report.projects, start=1):
        project = row.project
        spreadsheets.append(
            summary,
            [
                number,
                project.agency.code,
                project.agency.name,
                project.code,
                project.name,
                row.actual,
                row.actual_on,
                row.planned,
                row.variance,
                _("ใช่") if row.behind else _("ไม่"),
                row.score,
                row.score_row.quarter if row.score_row and row.score is not None else None,
                len(row.entries),
                row.late.late,
                row.late.missing,
                project.responsible,
                *_budget_cells(row.budget),
            ],
        )
    for column in (6, 8, 9, 11, 20, 21):
        _format(summary, column, PERCENT_FORMAT)
    for column in (17, 18, 19):
        _format(summary, column, MONEY_FORMAT)
    _format(summary, 7, DATE_FORMAT)


def _budget_headers(report: AgencyReport) -> list[str]:
    """The budget columns of the summary (reports/budget_report.py), issue 16."""
    target = report.budget_target
    quarter = target.quarter if target is not None else None
    return [
        _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
        _("ก่อหนี้ผูกพันสะสม (บาท)"),
        _("เบิกจ่ายสะสม (บาท)"),
        _("เบิกจ่าย (ร้อยละ)"),
        _("เป้าหมายการเบิกจ่ายไตรมาสที่ %(quarter)s (ร้อยละ)") % {"quarter": quarter or "-"},
        _("เบิกจ่ายต่ำกว่าเป้าหมาย"),
    ]


def _budget_cells(budget) -> list:
    """Blank without a budget; blank figures not reported; blank target not set."""
    if budget is None:
        return [None] * 6
    return [
        budget.after,
        budget.committed,
        budget.disbursed,
        budget.disbursed_percent,
        budget.target,
        None if budget.behind is None else (_("ใช่") if budget.behind else _("ไม่")),
    ]


def _entries_sheet(workbook, report: AgencyReport) -> None:
    entries = _sheet(
        workbook,
        _("ผลการดำเนินงาน"),
        report,
        [
            _("รหัสโครงการ"),
            _("ชื่อโครงการ"),
            _("ลำดับ"),
            _("วันที่รายงาน"),
            _("เดือนที่รายงาน"),
            _("ความคืบหน้า (ร้อยละ)"),
            _("ผลการดำเนินงาน"),
            _("ปัญหาของโครงการ"),
            _("อุปสรรคของโครงการ"),
        ],
        [16, 40, 7, 14, 14, 12, 80, 30, 30],
    )
    for row in report.projects:
        for number, entry in enumerate(row.entries, start=1):
            spreadsheets.append(
                entries,
                [
                    row.project.code,
                    row.project.name,
                    number,
                    entry.reported_on,
                    entry.period,
                    entry.percent,
                    entry.narrative,
                    entry.problems,
                    entry.obstacles,
                ],
            )
    _format(entries, 4, DATE_FORMAT)
    _format(entries, 5, "mm/yyyy")
    _format(entries, 6, PERCENT_FORMAT)
    for (cell,) in entries.iter_rows(min_row=5, min_col=7, max_col=7):
        cell.alignment = WRAP


def _steps_sheet(workbook, report: AgencyReport) -> None:
    steps = _sheet(
        workbook,
        _("แผนการดำเนินงาน"),
        report,
        [
            _("รหัสโครงการ"),
            _("ขั้นตอนที่"),
            _("รายละเอียด"),
            _("น้ำหนัก (ร้อยละ)"),
            _("เริ่มต้น"),
            _("สิ้นสุด"),
        ],
        [16, 10, 60, 14, 14, 14],
    )
    for row in report.projects:
        for step in row.plan.steps:
            spreadsheets.append(
                steps,
                [
                    row.project.code,
                    step.order,
                    step.title,
                    step.weight,
                    step.starts_on,
                    step.ends_on,
                ],
            )
    _format(steps, 4, PERCENT_FORMAT)
    _format(steps, 5, DATE_FORMAT)
    _format(steps, 6, DATE_FORMAT)


def _quarters_sheet(workbook, report: AgencyReport) -> None:
    quarters = _sheet(
        workbook,
        _("ผลการประเมิน"),
        report,
        [
            _("รหัสโครงการ"),
            _("ไตรมาสที่"),
            _("ผลงาน"),
            _("ผลประเมิน 2.1"),
            _("ผลประเมิน 2.2"),
            _("คะแนนประเมินโครงการ"),
        ],
        [16, 10, 12, 14, 14, 16],
    )
    for row in report.projects:
        for quarter in row.quarters:
            spreadsheets.append(
                quarters,
                [
                    row.project.code,
                    quarter.quarter,
                    quarter.result_value,
                    quarter.criterion_21,
                    quarter.criterion_22,
                    quarter.project_score,
                ],
            )
    for column in (3, 4, 5, 6):
        _format(quarters, column, PERCENT_FORMAT)
