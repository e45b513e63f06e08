"""The dashboard's budget columns (issue 16): per agency and for the whole BMA, the budget
after transfers, the disbursed amount and percent against the quarter's target, the
projects behind on disbursement and their drill-down, in the exports; only approved
reports count; a year without targets has no target and nobody behind. Numbers by hand."""

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings

from projects.models import BudgetTransfer, BudgetType, DisbursementTarget, ReportSubmission
from reports import dashboard, dashboard_budget
from tests.factories import AgencyFactory, ProgressEntryFactory, ReportSubmissionFactory
from tests.html import page_of, text_of
from tests.test_dashboard import URL, YEAR, make_project
from tests.test_dashboard import fresh_cache as fresh_cache  # noqa: F401 (a fixture)
from tests.test_dashboard import manager_client as manager_client  # noqa: F401 (a fixture)
from tests.test_dashboard import year_data as year_data  # noqa: F401 (a fixture)

D = Decimal


def budget(project, allocated, *, type_name=None, transfers=(), figures=()):
    """Give ``project`` a budget, transfers, and reports of (day, committed, disbursed)."""
    project.budget_allocated = D(allocated)
    if type_name:
        project.budget_type = BudgetType.objects.get(name=type_name)
    project.save()
    for amount in transfers:
        BudgetTransfer.objects.create(
            project=project, transferred_on=dt.date(2026, 1, 15), amount=D(amount), reason="โอน"
        )
    for day, committed, disbursed in figures:
        ProgressEntryFactory(
            project=project,
            reported_on=day,
            percent=D(50),
            committed=None if committed is None else D(committed),
            disbursed=None if disbursed is None else D(disbursed),
        )
    return project


@pytest.fixture
def budget_data(year_data):
    """Q4 of 2569 (the closed year is measured on 30 Sep 2026): overall target 80%,
    งบลงทุน 60%.

    council: A 1,000,000 + 200,000 = 1,200,000, latest figure 600,000 (August; September
             left it blank) = 50% < 80: behind. B (งบลงทุน) 2,000,000, 1,300,000 = 65%
             ≥ 60 (its type's target): not behind. C 500,000 never reported: apart.
             Sums 3,700,000 / 1,900,000 = 51.35%.
    district: D 800,000 − 100,000 = 700,000, all disbursed: 100%.
    BMA: 4,400,000 / 2,600,000 = 59.09%, 1 behind, 1 not reported."""
    year, council, district = year_data["year"], year_data["council"], year_data["district"]
    DisbursementTarget.objects.create(fiscal_year=year, quarter=4, percent=D(80))
    DisbursementTarget.objects.create(
        fiscal_year=year,
        quarter=4,
        budget_type=BudgetType.objects.get(name="งบลงทุน"),
        percent=D(60),
    )
    DisbursementTarget.objects.create(fiscal_year=year, quarter=3, percent=D(55))
    a = budget(
        make_project(council, year, "01000000-11"),
        "1000000",
        transfers=["200000"],
        figures=[
            (dt.date(2026, 6, 20), "100000", "300000"),
            (dt.date(2026, 8, 20), "100000", "600000"),
            (dt.date(2026, 9, 20), None, None),
        ],
    )
    # A report waiting for its head does not count.
    ReportSubmissionFactory(
        project=a,
        period=dt.date(2026, 9, 1),
        state=ReportSubmission.State.SUBMITTED,
        disbursed=D("1200000"),
    )
    b = budget(
        make_project(council, year, "01000000-12"),
        "2000000",
        type_name="งบลงทุน",
        figures=[(dt.date(2026, 9, 20), "500000", "1300000")],
    )
    c = budget(make_project(council, year, "01000000-13"), "500000")
    d = budget(
        make_project(district, year, "50010000-11"),
        "800000",
        transfers=["-100000"],
        figures=[(dt.date(2026, 9, 20), "0", "700000")],
    )
    return {**year_data, "a": a, "b": b, "c": c, "d": d}


def filters_for(**params):
    from projects.models import Agency, FiscalYear

    return dashboard.parse_filters(
        {"year": str(YEAR), **params},
        years=list(FiscalYear.objects.all()),
        agencies=list(Agency.objects.all()),
        today=dt.date(2026, 12, 6),
    )


@pytest.mark.django_db
def test_budget_numbers_per_agency_and_bma(budget_data):
    summary = dashboard.dashboard_summary(filters_for())
    rows = {row.agency_code: row.budget for row in summary.rows}
    council, district, total = rows["01000000"], rows["50010000"], summary.total.budget

    assert summary.budget_target.quarter == 4
    assert summary.budget_target.percent == D(80)
    assert (council.budgeted, council.budget_after, council.disbursed) == (
        3,
        D("3700000.00"),
        D("1900000.00"),
    )
    assert council.committed == D("600000.00")
    assert council.disbursed_percent == D("51.35")
    assert (council.behind, council.unreported) == (1, 1)
    assert (district.budget_after, district.disbursed, district.disbursed_percent) == (
        D("700000.00"),
        D("700000.00"),
        D("100.00"),
    )
    assert (district.behind, district.unreported) == (0, 0)
    assert (total.budgeted, total.budget_after, total.disbursed) == (
        4,
        D("4400000.00"),
        D("2600000.00"),
    )
    assert total.disbursed_percent == D("59.09")
    assert (total.behind, total.unreported) == (1, 1)


@pytest.mark.django_db
def test_page_shows_budget_columns_in_million_baht(manager_client, budget_data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    rows = {}
    for row in page.all(".dash-budget-agencies tbody tr, .dash-budget-agencies tfoot tr"):
        head, *cells = [text_of(c) for c in row if c.tag.rpartition("}")[2] in ("th", "td")]
        rows[head] = cells
    assert rows["สำนักงานเลขานุการสภากรุงเทพมหานคร"] == [
        "3",
        "3.70 ล้านบาท",
        "1.90 ล้านบาท",
        "51.35",
        "80.00",
        "1",
        "1",
    ]
    assert rows["สำนักงานเขตพระนคร"] == [
        "1",
        "0.70 ล้านบาท",
        "0.70 ล้านบาท",
        "100.00",
        "80.00",
        "0",
        "0",
    ]
    assert rows["กรุงเทพมหานคร (รวม)"] == [
        "4",
        "4.40 ล้านบาท",
        "2.60 ล้านบาท",
        "59.09",
        "80.00",
        "1",
        "1",
    ]
    text = text_of(page.one(".dash-budget"))
    assert "เป้าหมายการเบิกจ่ายสะสมถึงสิ้นไตรมาสที่ 4" in text
    assert "งบลงทุน 60.00%" in text


@pytest.mark.django_db
def test_drill_down_to_the_projects_behind_on_disbursement(manager_client, budget_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "status": "disbursement"}))
    codes = [text_of(row[0]) for row in page.all(".dash-projects tbody tr")]
    assert codes == ["01000000-11"]
    cells = [text_of(c) for c in page.one(".dash-projects tbody tr")]
    assert cells[-3:] == ["1,200,000.00", "600,000.00", "50.00 / 80.00"]
    page = page_of(
        manager_client.get(URL, {"year": YEAR, "agency": "50010000", "status": "disbursement"})
    )
    assert page.all(".dash-projects tbody tr") == []


@pytest.mark.django_db
def test_a_year_without_targets_has_no_target_and_nobody_behind(manager_client, budget_data):
    DisbursementTarget.objects.all().delete()
    summary = dashboard.dashboard_summary(filters_for())
    assert not summary.budget_target.is_set
    assert summary.total.budget.behind is None
    assert summary.total.budget.disbursed_percent == D("59.09")
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    assert "ยังไม่ได้กำหนดเป้าหมายการเบิกจ่ายของไตรมาสที่ 4 ปีงบประมาณ 2569" in text_of(
        page.one(".dash-budget")
    )
    total = [text_of(c) for c in page.one(".dash-budget-agencies tfoot tr")]
    assert total[5:7] == ["-", "-"]
    drilled = page_of(manager_client.get(URL, {"year": YEAR, "status": "disbursement"}))
    assert drilled.all(".dash-projects tbody tr") == []


@pytest.mark.django_db
def test_quarter_follows_the_measuring_day(budget_data):
    filters = filters_for()
    june = dataclasses.replace(filters, day=dt.date(2026, 6, 30))
    target = dashboard_budget.quarter_target(june)
    assert (target.quarter, target.percent, target.by_type) == (3, D(55), {})


@pytest.mark.django_db
def test_agencies_sort_by_disbursed_percent(manager_client, budget_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "sort": "disbursed"}))
    heads = [text_of(row[0]) for row in page.all(".dash-agencies tbody tr")]
    assert heads == ["สำนักงานเลขานุการสภากรุงเทพมหานคร", "สำนักงานเขตพระนคร"]
    page = page_of(manager_client.get(URL, {"year": YEAR, "sort": "-disbursed"}))
    heads = [text_of(row[0]) for row in page.all(".dash-agencies tbody tr")]
    assert heads == ["สำนักงานเขตพระนคร", "สำนักงานเลขานุการสภากรุงเทพมหานคร"]


@pytest.mark.django_db
@override_settings(BMA_DASHBOARD_CACHE_SECONDS=0)
def test_budget_query_count_does_not_grow(
    manager_client, budget_data, django_assert_max_num_queries
):
    from tests.test_dashboard import DRILLED_QUERIES, OVERVIEW_QUERIES

    for params, most in (
        ({"year": YEAR}, OVERVIEW_QUERIES),
        ({"year": YEAR, "status": "disbursement"}, DRILLED_QUERIES + 1),
    ):
        with django_assert_max_num_queries(most):
            manager_client.get(URL, params)
    for number in range(1, 21):
        agency = AgencyFactory(code=f"{60 + number:02d}000000", name=f"เขตทดสอบ {number}")
        budget(
            make_project(agency, budget_data["year"], f"{agency.code}-1"),
            "1000000",
            transfers=["5000"],
            figures=[(dt.date(2026, 9, 20), "1000", str(number * 1000))],
        )
    for params, most in (
        ({"year": YEAR}, OVERVIEW_QUERIES),
        ({"year": YEAR, "status": "disbursement"}, DRILLED_QUERIES + 1),
    ):
        with django_assert_max_num_queries(most):
            manager_client.get(URL, params)


@pytest.mark.django_db
def test_csv_of_the_agency_table_has_the_budget_columns(manager_client, budget_data):
    response = manager_client.get(URL + "export.csv", {"year": YEAR})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][13:] == [
        "โครงการที่มีงบประมาณ",
        "งบประมาณหลังโอนเปลี่ยนแปลง (บาท)",
        "ก่อหนี้ผูกพันสะสม (บาท)",
        "เบิกจ่ายสะสม (บาท)",
        "เบิกจ่าย (ร้อยละ)",
        "เป้าหมายการเบิกจ่ายไตรมาสที่ 4 (ร้อยละ)",
        "เบิกจ่ายต่ำกว่าเป้าหมาย",
        "ยังไม่รายงานยอดเบิกจ่าย",
    ]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["01000000"][13:] == [
        "3",
        "3700000.00",
        "600000.00",
        "1900000.00",
        "51.35",
        "80.00",
        "1",
        "1",
    ]
    assert by_code["50010000"][13:] == [
        "1",
        "700000.00",
        "0.00",
        "700000.00",
        "100.00",
        "80.00",
        "0",
        "0",
    ]
    assert rows[-1][1] == "ทุกหน่วยงาน"
    assert rows[-1][13:] == [
        "4",
        "4400000.00",
        "600000.00",
        "2600000.00",
        "59.09",
        "80.00",
        "1",
        "1",
    ]


@pytest.mark.django_db
def test_xlsx_of_the_projects_behind_on_disbursement(manager_client, budget_data):
    response = manager_client.get(URL + "export.xlsx", {"year": YEAR, "status": "disbursement"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][-6:] == (
        "งบประมาณหลังโอนเปลี่ยนแปลง (บาท)",
        "ก่อหนี้ผูกพันสะสม (บาท)",
        "เบิกจ่ายสะสม (บาท)",
        "เบิกจ่าย (ร้อยละ)",
        "เป้าหมายการเบิกจ่ายไตรมาสที่ 4 (ร้อยละ)",
        "เบิกจ่ายต่ำกว่าเป้าหมาย",
    )
    assert len(values) == 2
    assert values[1][0] == "01000000-11"
    assert [D(str(v)) for v in values[1][-6:-1]] == [
        D("1200000"),
        D("100000"),
        D("600000"),
        D("50"),
        D("80"),
    ]
    assert values[1][-1] == "ใช่"


@pytest.mark.django_db
def test_project_export_gives_each_project_its_budget_and_type_target(manager_client, budget_data):
    response = manager_client.get(URL + "export.csv", {"year": YEAR, "agency": "01000000"})
    rows = {
        row[0]: row[-6:] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert rows["01000000-12"] == ["2000000.00", "500000.00", "1300000.00", "65.00", "60.00", "ไม่"]
    assert rows["01000000-13"] == ["500000.00", "", "", "", "80.00", ""]
    assert rows["01000000-1"] == ["", "", "", "", "", ""]


@pytest.mark.django_db
def test_budget_per_type_with_its_target(manager_client, budget_data):
    """งบลงทุน: B alone (2,000,000, 1,300,000 = 65%, its target 60%); no type: A, C, D
    (2,400,000, 1,300,000 = 54.17%, the overall 80%, A behind)."""
    summary = dashboard.dashboard_summary(filters_for())
    types = {row.name: row for row in summary.budget_types}
    investment, untyped = types["งบลงทุน"], types[""]
    assert (investment.budget.budget_after, investment.budget.disbursed_percent) == (
        D("2000000.00"),
        D("65.00"),
    )
    assert (investment.target, investment.budget.behind) == (D(60), 0)
    assert (untyped.budget.budgeted, untyped.budget.budget_after) == (3, D("2400000.00"))
    assert (untyped.budget.disbursed_percent, untyped.target, untyped.budget.behind) == (
        D("54.17"),
        D(80),
        1,
    )
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    cells = {
        text_of(row[0]): [text_of(c) for c in row[1:]]
        for row in page.all(".dash-budget-types tbody tr")
    }
    assert cells["งบลงทุน"] == ["1", "2.00 ล้านบาท", "1.30 ล้านบาท", "65.00", "60.00", "0"]
    assert cells["ไม่ระบุประเภท"] == ["3", "2.40 ล้านบาท", "1.30 ล้านบาท", "54.17", "80.00", "1"]


@pytest.mark.django_db
def test_xlsx_has_a_sheet_of_the_budget_per_type(manager_client, budget_data):
    response = manager_client.get(URL + "export.xlsx", {"year": YEAR})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[-1]
    assert sheet.title == f"งบประมาณรายประเภท {YEAR}"
    rows = {row[0]: row[1:] for row in list(sheet.values)[1:]}
    assert [D(str(v)) for v in rows["งบลงทุน"][:7]] == [
        D(1),
        D(2000000),
        D(500000),
        D(1300000),
        D(65),
        D(60),
        D(0),
    ]
    assert rows["ไม่ระบุประเภท"][0] == 3


@pytest.mark.django_db
def test_monthly_disbursement_curve_against_the_quarter_targets(budget_data):
    """June: A alone, 300,000 of 1,200,000 = 25%. August: A, 600,000 of 1,200,000 = 50%.
    September: B and D, 2,000,000 of 2,700,000 = 74.07% (A left it blank)."""
    summary = dashboard.dashboard_summary(filters_for())
    monthly = dict(summary.budget_monthly)
    assert monthly[dt.date(2026, 6, 1)] == D("25.00")
    assert monthly[dt.date(2026, 7, 1)] is None
    assert monthly[dt.date(2026, 8, 1)] == D("50.00")
    assert monthly[dt.date(2026, 9, 1)] == D("74.07")
    assert summary.budget_target.overall_by_quarter == ((3, D(55)), (4, D(80)))
    figure = summary.charts["budget"]
    assert figure["data"][1]["x"] == ["มิ.ย. 69", "ก.ย. 69"]
    assert figure["data"][1]["y"] == [55.0, 80.0]
