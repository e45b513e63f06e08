"""The agency reports' budget (issue 16, reports/budget_report.py): each project's amount
after transfers, committed, disbursed, percent against the quarter's target, and the
totals, in the XLSX summary and the PDF's front; numbers by hand."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from projects.models import BudgetTransfer, BudgetType, DisbursementTarget
from reports import pdf, render, selectors, xlsx
from tests.factories import AgencyFactory, FiscalYearFactory, ProgressEntryFactory, ProjectFactory
from tests.pdfs import nfkc, pdf_text

D = Decimal
TODAY = dt.date(2025, 1, 10)  # fiscal year 2568, measured in its Q2


@pytest.fixture
def report_data(db):
    """Q2 of 2568 as of 10 Jan 2025 (the latest report is December's): overall target
    30%, งบลงทุน 20%.

    A 1,000,000 − 100,000 = 900,000: December 180,000 committed, 270,000 disbursed (30.00%
      = 30: not behind).
    B (งบลงทุน) 2,000,000: November 100,000 disbursed (5.00% < 20: behind).
    C 300,000 never reported. D no budget.
    Totals: 3,200,000 after, 180,000 committed, 370,000 disbursed = 11.56%, 1 behind."""
    year = FiscalYearFactory(year_be=2568)
    agency = AgencyFactory(code="05520000", name="สำนักทดสอบงบประมาณ")
    investment = BudgetType.objects.get(name="งบลงทุน")
    DisbursementTarget.objects.create(fiscal_year=year, quarter=2, percent=D(30))
    DisbursementTarget.objects.create(
        fiscal_year=year, quarter=2, budget_type=investment, percent=D(20)
    )
    DisbursementTarget.objects.create(fiscal_year=year, quarter=1, percent=D(10))

    def project(n, allocated=None, **kwargs):
        return ProjectFactory(
            agency=agency,
            fiscal_year=year,
            code=f"05520000-{n}",
            name=f"โครงการงบทดสอบ {n}",
            budget_allocated=None if allocated is None else D(allocated),
            **kwargs,
        )

    a = project(1, "1000000")
    BudgetTransfer.objects.create(
        project=a, transferred_on=dt.date(2024, 11, 1), amount=D("-100000"), reason="โอนลด"
    )
    ProgressEntryFactory(
        project=a, reported_on=dt.date(2024, 12, 5), committed=D("180000"), disbursed=D("270000")
    )
    b = project(2, "2000000", budget_type=investment)
    ProgressEntryFactory(project=b, reported_on=dt.date(2024, 11, 5), disbursed=D("100000"))
    project(3, "300000")
    project(4)
    return year, agency


def build(year, agency):
    return selectors.agency_report(fiscal_year=year, quarter=None, agency=agency, today=TODAY)


@pytest.mark.django_db
def test_budget_numbers_by_hand(report_data):
    report = build(*report_data)
    budgets = {r.project.code: r.budget for r in report.projects}
    a, b, c = budgets["05520000-1"], budgets["05520000-2"], budgets["05520000-3"]
    assert budgets["05520000-4"] is None
    assert (a.after, a.committed, a.disbursed, a.disbursed_percent) == (
        D("900000.00"),
        D("180000.00"),
        D("270000.00"),
        D("30.00"),
    )
    assert (a.target, a.behind) == (D(30), False)
    assert (b.disbursed_percent, b.target, b.behind) == (D("5.00"), D(20), True)
    assert (c.disbursed, c.behind) == (None, None)
    totals = report.budget_totals
    assert (totals.budgeted, totals.after, totals.committed, totals.disbursed) == (
        3,
        D("3200000.00"),
        D("180000.00"),
        D("370000.00"),
    )
    assert (totals.disbursed_percent, totals.behind, totals.unreported) == (D("11.56"), 1, 1)


@pytest.mark.django_db
def test_xlsx_summary_has_the_budget_columns(report_data):
    book = load_workbook(io.BytesIO(xlsx.agency_workbook(build(*report_data))))
    sheet = book["สรุป"]
    headers = [cell.value for cell in sheet[4]][-6:]
    assert headers == [
        "งบประมาณหลังโอนเปลี่ยนแปลง (บาท)",
        "ก่อหนี้ผูกพันสะสม (บาท)",
        "เบิกจ่ายสะสม (บาท)",
        "เบิกจ่าย (ร้อยละ)",
        "เป้าหมายการเบิกจ่ายไตรมาสที่ 2 (ร้อยละ)",
        "เบิกจ่ายต่ำกว่าเป้าหมาย",
    ]
    rows = {row[3].value: row[-6:] for row in sheet.iter_rows(min_row=5)}
    first = rows["05520000-1"]
    assert [cell.value for cell in first] == [900000, 180000, 270000, 30, 30, "ไม่"]
    assert first[0].data_type == "n" and first[0].number_format == "#,##0.00"
    assert [cell.value for cell in rows["05520000-2"]][3:] == [5, 20, "ใช่"]
    assert [cell.value for cell in rows["05520000-3"]] == [300000, None, None, None, 30, None]
    assert [cell.value for cell in rows["05520000-4"]] == [None] * 6


@pytest.mark.django_db
def test_pdf_front_has_the_budget_table(report_data):
    report = build(*report_data)
    html = render.agency_part_html(report, front=True, sections=False, signatures=False)
    text = nfkc(pdf_text(pdf.render_pdf(html)))
    assert "งบประมาณและการเบิกจ่าย" in text
    assert "3,200,000.00" in text and "370,000.00" in text and "11.56" in text
    assert nfkc("เบิกจ่ายต่ำกว่าเป้าหมาย 1 โครงการ") in text


@pytest.mark.django_db
def test_a_year_without_targets_says_so(report_data):
    DisbursementTarget.objects.all().delete()
    report = build(*report_data)
    assert report.budget_totals.behind is None
    html = render.agency_part_html(report, front=True, sections=False, signatures=False)
    assert "ยังไม่ได้กำหนดเป้าหมายการเบิกจ่ายของไตรมาสนี้" in html


@pytest.mark.django_db
def test_a_quarter_report_reads_the_figures_and_target_of_its_quarter(report_data):
    """Q1 (to 31 Dec 2024), target 10%: a January report is after the report's date."""
    year, agency = report_data
    a = year.projects.get(code="05520000-1")
    ProgressEntryFactory(
        project=a, reported_on=dt.date(2025, 1, 20), committed=D(0), disbursed=D("900000")
    )
    report = selectors.agency_report(
        fiscal_year=year, quarter=1, agency=agency, today=dt.date(2025, 3, 1)
    )
    budget = next(r.budget for r in report.projects if r.project.code == "05520000-1")
    assert (budget.disbursed, budget.target, budget.behind) == (D("270000.00"), D(10), False)
    # B: 5% against the overall 10% (งบลงทุน has no Q1 target of its own)
    assert report.budget_totals.behind == 1
