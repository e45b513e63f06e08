"""CSV and XLSX of what the dashboard shows: the agency table, or, drilled down by agency
or status, every project of that list (all pages)."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from projects import progress, rates, spreadsheets, thaidates
from reports import dashboard, dashboard_budget


@dataclass(frozen=True)
class Table:
    title: str
    filename: str
    headers: list[str]
    rows: list[list]


def _yes_no(value) -> str:
    if value is None:
        return "-"
    return _("ใช่") if value else _("ไม่")


def _month(month) -> str:
    return thaidates.month_label(month) if month else "-"


def _missing_header(filters) -> str:
    return _("ขาดส่งรายงานเดือน %(month)s") % {"month": _month(filters.missing_month)}


def _due_header(filters) -> str:
    return _("รอส่งรายงานเดือน %(month)s") % {"month": _month(filters.due_month)}


def _quarter(filters) -> str:
    return str(filters.evaluation_quarter) if filters.evaluation_quarter else "-"


def _target_header(target) -> str:
    if target is None or target.quarter is None:
        return _("เป้าหมายการเบิกจ่าย (ร้อยละ)")
    return _("เป้าหมายการเบิกจ่ายไตรมาสที่ %(quarter)s (ร้อยละ)") % {"quarter": target.quarter}


def _budget_headers(target) -> list[str]:
    return [
        _("โครงการที่มีงบประมาณ"),
        _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
        _("ก่อหนี้ผูกพันสะสม (บาท)"),
        _("เบิกจ่ายสะสม (บาท)"),
        _("เบิกจ่าย (ร้อยละ)"),
        _target_header(target),
        _("เบิกจ่ายต่ำกว่าเป้าหมาย"),
        _("ยังไม่รายงานยอดเบิกจ่าย"),
    ]


def _budget_cells(budget, target) -> list:
    """The budget columns of an agency row (reports/dashboard_budget.BudgetRow): blank for
    a target or a behind count the year does not have."""
    return [
        budget.budgeted,
        budget.budget_after,
        budget.committed,
        budget.disbursed,
        budget.disbursed_percent,
        target.percent if target is not None else None,
        budget.behind,
        budget.unreported,
    ]


def agency_table(filters, summary) -> Table:
    headers = [
        _("รหัสหน่วยงาน"),
        _("หน่วยงาน"),
        _("จำนวนโครงการ"),
        _("ความคืบหน้าเฉลี่ย (ร้อยละ)"),
        _("แผนเฉลี่ย ณ %(day)s (ร้อยละ)") % {"day": thaidates.format_be(filters.day)},
        _("ผลเฉลี่ยของโครงการที่มีแผน (ร้อยละ)"),
        _("ล่าช้ากว่าแผน"),
        _("เป็นไปตามแผน"),
        _("แผนยังไม่มีกำหนดวัน"),
        _missing_header(filters),
        _due_header(filters),
        _("สยป. ประเมินไตรมาสที่ %(quarter)s แล้ว") % {"quarter": _quarter(filters)},
        _("สยป. ประเมินไตรมาสที่ %(quarter)s แล้ว (ร้อยละ)") % {"quarter": _quarter(filters)},
        *_budget_headers(summary.budget_target),
    ]
    rows = [
        [
            row.agency_code,
            row.agency_name,
            row.projects,
            row.average_actual,
            row.average_planned,
            row.average_scheduled_actual,
            row.behind,
            row.on_track,
            row.unscheduled,
            row.missing,
            row.due,
            row.evaluated,
            row.evaluated_share,
            *_budget_cells(row.budget, summary.budget_target),
        ]
        for row in [*summary.rows, summary.total]
    ]
    return Table(
        title=_("แดชบอร์ด ปีงบประมาณ %(year)s") % {"year": filters.fiscal_year.year_be},
        filename=f"dashboard-{filters.fiscal_year.year_be}",
        headers=headers,
        rows=rows,
    )


def _percent(value):
    """A percent or an amount to the satang (SQLite hands back 2000000 for 2,000,000.00)."""
    return None if value is None else progress.quantize(Decimal(str(value)))


def _behind(project, target) -> str | None:
    """Blank where it does not apply: no budget, no figure reported, no target."""
    if project.budget_after is None or project.disbursed_latest is None or not target.is_set:
        return None
    return _yes_no(project.budget_behind)


def type_table(filters, summary) -> Table:
    """The budget per budget type (the dashboard's รายประเภทงบประมาณ)."""
    target = summary.budget_target
    headers = [
        _("ประเภทงบประมาณ"),
        _("โครงการที่มีงบประมาณ"),
        _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
        _("ก่อหนี้ผูกพันสะสม (บาท)"),
        _("เบิกจ่ายสะสม (บาท)"),
        _("เบิกจ่าย (ร้อยละ)"),
        _target_header(target),
        _("เบิกจ่ายต่ำกว่าเป้าหมาย"),
        _("ยังไม่รายงานยอดเบิกจ่าย"),
    ]
    rows = [
        [
            row.name or _("ไม่ระบุประเภท"),
            row.budget.budgeted,
            row.budget.budget_after,
            row.budget.committed,
            row.budget.disbursed,
            row.budget.disbursed_percent,
            row.target,
            row.budget.behind,
            row.budget.unreported,
        ]
        for row in summary.budget_types
    ]
    return Table(
        title=_("งบประมาณรายประเภท %(year)s") % {"year": filters.fiscal_year.year_be},
        filename=f"dashboard-budget-types-{filters.fiscal_year.year_be}",
        headers=headers,
        rows=rows,
    )


def project_table(filters) -> Table:
    target = dashboard_budget.quarter_target(filters)
    projects = dashboard.project_rows(filters)
    if filters.status != dashboard.Status.DISBURSEMENT:  # else annotated by the filter
        projects = dashboard_budget.with_disbursement(projects, target)
    headers = [
        _("รหัสโครงการ"),
        _("ชื่อโครงการ"),
        _("หน่วยงาน"),
        _("ความคืบหน้า (ร้อยละ)"),
        _("แผน ณ %(day)s (ร้อยละ)") % {"day": thaidates.format_be(filters.day)},
        _("เทียบแผน (จุด)"),
        _("ล่าช้ากว่าแผน"),
        _("รายงานล่าสุด"),
        _missing_header(filters),
        _due_header(filters),
        _("สยป. ประเมินไตรมาสที่ %(quarter)s แล้ว") % {"quarter": _quarter(filters)},
        _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
        _("ก่อหนี้ผูกพันสะสม (บาท)"),
        _("เบิกจ่ายสะสม (บาท)"),
        _("เบิกจ่าย (ร้อยละ)"),
        _target_header(target),
        _("เบิกจ่ายต่ำกว่าเป้าหมาย"),
    ]
    rows = [
        [
            project.code,
            project.name,
            project.agency.name,
            project.actual,
            project.planned,
            None if project.gap is None else progress.quantize(0 - project.gap),  # actual - plan
            _yes_no(project.behind) if project.planned is not None else "-",
            thaidates.format_be(project.latest_reported_on) or "-",
            _yes_no(project.missing) if filters.missing_month else "-",
            _yes_no(project.due) if filters.due_month else "-",
            _yes_no(project.evaluated) if filters.evaluation_quarter else "-",
            _percent(project.budget_after),
            _percent(project.committed_latest),
            _percent(project.disbursed_latest),
            _percent(project.disbursed_percent),
            _percent(project.budget_target) if project.budget_after is not None else None,
            _behind(project, target),
        ]
        for project in projects
    ]
    parts = [f"dashboard-{filters.fiscal_year.year_be}"]
    if filters.agency:
        parts.append(filters.agency.code)
    if filters.status:
        parts.append(filters.status)
    return Table(
        title=_("โครงการ ปีงบประมาณ %(year)s") % {"year": filters.fiscal_year.year_be},
        filename="-".join(parts),
        headers=headers,
        rows=rows,
    )


def rates_table(filters, reporting_rates: rates.ReportingRates) -> Table:
    """The reporting rates, one row per agency and ended month, then the months of all
    agencies together (projects/rates.py)."""
    headers = [
        _("รหัสหน่วยงาน"),
        _("หน่วยงาน"),
        _("เดือน"),
        _("กำหนดส่ง"),
        _("เลยกำหนดส่งแล้ว"),
        _("รายงานที่ต้องส่ง"),
        _("ส่งแล้ว"),
        _("ส่งตรงเวลา"),
        _("อนุมัติแล้ว"),
        _("ยังไม่ส่ง"),
        _("ส่งแล้ว (ร้อยละ)"),
        _("ส่งตรงเวลา (ร้อยละ)"),
        _("อนุมัติแล้ว (ร้อยละ)"),
    ]
    rows = [
        [
            row.agency_code,
            row.agency_name,
            thaidates.month_label(month.period),
            thaidates.format_be(month.deadline),
            _yes_no(month.past_deadline),
            counts.expected,
            counts.submitted,
            counts.on_time,
            counts.approved,
            counts.missing,
            counts.submitted_rate,
            counts.on_time_rate,
            counts.approved_rate,
        ]
        for row in [*reporting_rates.rows, reporting_rates.total]
        for month, counts in reporting_rates.counted_cells(row)
    ]
    parts = [f"reporting-rates-{filters.fiscal_year.year_be}"]
    if filters.agency:
        parts.append(filters.agency.code)
    return Table(
        title=_("อัตราการส่งรายงาน %(year)s") % {"year": filters.fiscal_year.year_be},
        filename="-".join(parts),
        headers=headers,
        rows=rows,
    )


def missing_table(filters, month: rates.RateMonth, projects) -> Table:
    """The projects expected to report ``month`` that have not (the rates' drill-down)."""
    headers = [
        _("รหัสโครงการ"),
        _("ชื่อโครงการ"),
        _("รหัสหน่วยงาน"),
        _("หน่วยงาน"),
        _("ผู้รับผิดชอบ"),
        _("โทรศัพท์ผู้รับผิดชอบ"),
        _("กำหนดส่ง"),
        _("สถานะ"),
    ]
    status = _("ขาดส่ง (เลยกำหนด)") if month.past_deadline else _("รอส่ง")
    rows = [
        [
            project.code,
            project.name,
            project.agency.code,
            project.agency.name,
            project.responsible,
            project.responsible_phone,
            thaidates.format_be(month.deadline),
            status,
        ]
        for project in projects
    ]
    parts = [f"not-reported-{month.period:%Y-%m}"]
    if filters.agency:
        parts.append(filters.agency.code)
    return Table(
        title=_("ยังไม่ส่ง %(month)s") % {"month": thaidates.month_label(month.period, short=True)},
        filename="-".join(parts),
        headers=headers,
        rows=rows,
    )


def tables_for(filters) -> list[Table]:
    """The dashboard's export: the drilled-down projects, or the agency table and (in
    more sheets of the XLSX) the reporting rates and the budget per type."""
    if filters.drilled:
        return [project_table(filters)]
    summary = dashboard.dashboard_summary(filters)
    return [
        agency_table(filters, summary),
        rates_table(filters, summary.reporting_rates),
        type_table(filters, summary),
    ]


def as_csv(table: Table) -> bytes:
    return spreadsheets.csv_bytes([table.headers, *table.rows])


def as_xlsx(table: Table, *more: Table) -> bytes:
    """One sheet per table."""
    workbook = Workbook()
    _fill(workbook.active, table)
    for other in more:
        _fill(workbook.create_sheet(), other)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, table: Table) -> None:
    sheet.title = table.title[:31]
    spreadsheets.append(sheet, table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        spreadsheets.append(sheet, row)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(table.headers, 1):
        longest = max([len(str(row[index - 1] or "")) for row in table.rows[:200]] + [0])
        width = min(max(len(header), longest) + 2, 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
