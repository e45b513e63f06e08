"""Reporting rates on the pages (issue 15): the dashboard's table and chart, the drill-down
to the projects that have not reported, the exports, and query counts that do not grow with
the number of agencies or projects. The numbers are those of tests/rates_data.py, checked
by hand there."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.cache import cache
from django.test import override_settings

from projects import view_helpers
from tests import rates_data
from tests.factories import (
    AgencyFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ReportSubmissionFactory,
    UserFactory,
)
from tests.html import page_of, text_of
from tests.rates_data import DEC, NOV, OCT, TODAY, YEAR

URL = "/dashboard/"
MISSING = "/dashboard/rates/missing/"


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    cache.clear()
    monkeypatch.setattr(view_helpers, "today", lambda: TODAY)
    yield
    cache.clear()


@pytest.fixture
def data(db):
    return rates_data.build()


@pytest.fixture
def manager_client(client, db):
    client.force_login(UserFactory(manager=True))
    return client


def rates_rows(page) -> dict[str, list[str]]:
    rows = {}
    for row in page.all(".dash-rates tbody tr, .dash-rates tfoot tr"):
        head, *cells = [
            text_of(cell) for cell in row if cell.tag.rpartition("}")[2] in ("th", "td")
        ]
        rows[head] = cells
    return rows


def test_dashboard_shows_the_rates_of_each_agency_and_month(manager_client, data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    heads = page.texts(".dash-rates thead th")
    assert heads[1:4] == ["ต.ค. 2568", "พ.ย. 2568", "ธ.ค. 2568 ยังไม่ถึงกำหนดส่ง"]
    rows = rates_rows(page)
    assert rows["เขตเอ"] == [
        "67% 2/3 ขาดส่ง 1",
        "100% 3/3",
        "67% 2/3 ยังไม่ส่ง 1",
        "77.8%",
        "66.7%",
        "55.6%",
    ]
    assert rows["สนบ."] == [
        "100% 2/2",
        "50% 1/2 ขาดส่ง 1",
        "0% 0/2 ยังไม่ส่ง 2",
        "50.0%",
        "16.7%",
        "50.0%",
    ]
    assert rows["รวม"][-3:] == ["66.7%", "46.7%", "53.3%"]
    assert "สนซ." not in rows  # no project this year
    figure = json.loads(page.one("#fig-rates").text)
    submitted, on_time, approved = figure["data"]
    assert submitted["y"] == [80.0, 80.0, 40.0]
    assert on_time["y"] == [40.0, 60.0, 40.0]
    assert approved["customdata"] == [[3, 5], [3, 5], [2, 5]]


def test_dashboard_rates_of_one_agency(manager_client, data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "agency": data.b.code}))
    rows = rates_rows(page)
    assert list(rows) == ["สนบ."]  # no total row for a single agency


def test_a_cell_drills_down_to_its_missing_projects(manager_client, data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    links = {text_of(a): a.get("href") for a in page.all(".dash-rates tbody a")}
    assert links["ขาดส่ง 1"].startswith(MISSING)
    response = manager_client.get(
        MISSING, {"year": YEAR, "month": "2025-12", "agency": data.b.code}
    )
    page = page_of(response)
    assert "โครงการที่ยังไม่ส่งรายงานเดือนธันวาคม 2568" in page.text("h1")
    assert page.texts(".dash-missing tbody td.nowrap") == [
        data.projects["B1"].code,
        data.projects["B2"].code,
    ]


@pytest.mark.parametrize(
    ("month", "codes", "heading"),
    [
        (OCT, ["A3"], "ขาดส่งรายงานเดือนตุลาคม 2568"),
        (NOV, ["B2"], "ขาดส่งรายงานเดือนพฤศจิกายน 2568"),
        (DEC, ["A3", "B1", "B2"], "ยังไม่ส่งรายงานเดือนธันวาคม 2568"),
    ],
)
def test_drill_down_of_every_agency(manager_client, data, month, codes, heading):
    page = page_of(manager_client.get(MISSING, {"year": YEAR, "month": f"{month:%Y-%m}"}))
    assert heading in page.text("h1")
    assert page.texts(".dash-missing tbody td.nowrap") == [
        data.projects[code].code for code in codes
    ]


def test_drill_down_without_a_month_takes_the_latest_ended_one(manager_client, data):
    page = page_of(manager_client.get(MISSING, {"year": YEAR, "month": "2026-05"}))
    assert "ธันวาคม 2568" in page.text("h1")


def test_drill_down_before_any_month_has_ended(manager_client, data, monkeypatch):
    monkeypatch.setattr(view_helpers, "today", lambda: OCT)
    response = manager_client.get(MISSING, {"year": YEAR})
    assert response.status_code == 200
    assert "ยังไม่มีเดือนที่สิ้นสุดแล้ว" in page_of(response).text()


@pytest.mark.parametrize("traits", [{}, {"evaluator": True}])
def test_drill_down_is_for_those_who_see_the_dashboard(client, data, traits):
    client.force_login(UserFactory(**traits))
    assert client.get(MISSING, {"year": YEAR}).status_code == (200 if traits else 403)


def test_csv_of_the_rates(manager_client, data):
    response = manager_client.get("/dashboard/rates/export.csv", {"year": YEAR})
    assert response["Content-Disposition"] == (f'attachment; filename="reporting-rates-{YEAR}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["รหัสหน่วยงาน", "หน่วยงาน", "เดือน"]
    by_key = {(row[1], row[2]): row[3:] for row in rows[1:]}
    assert by_key[("สำนักงานเขตทดสอบเอ", "ตุลาคม 2568")] == [
        "10/11/2568",
        "ใช่",
        "3",
        "2",
        "2",
        "1",
        "1",
        "66.7",
        "66.7",
        "33.3",
    ]
    assert by_key[("สำนักทดสอบบี", "พฤศจิกายน 2568")][:2] == ["15/12/2568", "ใช่"]
    assert by_key[("ทุกหน่วยงาน", "ธันวาคม 2568")] == [
        "10/01/2569",
        "ไม่",
        "5",
        "2",
        "2",
        "2",
        "3",
        "40.0",
        "40.0",
        "40.0",
    ]
    assert len(rows) == 1 + 3 * 3  # two agencies and the total, three ended months


def test_xlsx_of_the_missing_projects(manager_client, data):
    response = manager_client.get(
        "/dashboard/rates/export.xlsx", {"year": YEAR, "month": "2025-12"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "รหัสโครงการ"
    assert [row[0] for row in values[1:]] == [
        data.projects[code].code for code in ("A3", "B1", "B2")
    ]
    assert values[1][-1] == "รอส่ง"


def test_dashboard_xlsx_has_a_sheet_of_rates(manager_client, data):
    response = manager_client.get("/dashboard/export.xlsx", {"year": YEAR})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    # The dashboard's sheet, the rates, the budget per type (issue 16).
    assert len(workbook.sheetnames) == 3
    rates_sheet = workbook.worksheets[1]
    assert rates_sheet.title == f"อัตราการส่งรายงาน {YEAR}"
    last = list(rates_sheet.values)[-1]
    assert last[1:3] == ("ทุกหน่วยงาน", "ธันวาคม 2568")
    # The CSV stays the agency table alone.
    response = manager_client.get("/dashboard/export.csv", {"year": YEAR})
    assert response.content.decode("utf-8-sig").startswith("รหัสหน่วยงาน,หน่วยงาน,จำนวนโครงการ")


def test_exported_names_never_become_formulas(manager_client, data):
    project = data.projects["A3"]
    project.name = '=HYPERLINK("http://evil.example/","คลิก")'
    project.save()
    response = manager_client.get("/dashboard/rates/export.csv", {"year": YEAR, "month": "2025-10"})
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def more_agencies(fiscal_year, n):
    for _agency in range(n):
        agency = AgencyFactory()
        for _project in range(3):
            project = ProjectFactory(agency=agency, fiscal_year=fiscal_year)
            ProgressEntryFactory(project=project, period=OCT, reported_on=OCT.replace(day=25))


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=0)
@pytest.mark.parametrize(
    ("url", "params"),
    [
        (URL, {"year": YEAR}),
        (MISSING, {"year": YEAR, "month": "2025-12"}),
        ("/dashboard/rates/export.csv", {"year": YEAR}),
        ("/dashboard/rates/export.xlsx", {"year": YEAR, "month": "2025-12"}),
    ],
)
def test_query_count_does_not_grow_with_agencies_or_projects(
    manager_client, data, django_assert_num_queries, url, params
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        first = manager_client.get(url, params)
    more_agencies(data.fiscal_year, 4)
    with django_assert_num_queries(len(small.captured_queries)):
        second = manager_client.get(url, params)
    assert first.status_code == second.status_code == 200
    assert len(second.content) > len(first.content)


# --- My agency ---------------------------------------------------------------------------


def test_my_agency_shows_its_rates_month_by_month(client, data):
    client.force_login(UserFactory(agency=data.a))
    page = page_of(client.get("/projects/my-agency/"))
    assert text_of(page.one("#h-rates")) == f"อัตราการส่งรายงาน ปีงบประมาณ {YEAR}"
    rows = [
        [text_of(cell) for cell in row if cell.tag.rpartition("}")[2] in ("th", "td")]
        for row in page.all(".agency-rates tbody tr")
    ]
    assert rows == [
        [
            "ธันวาคม 2568 กำหนดส่ง 10/01/2569",
            "ต้องส่ง 3",
            "ส่งแล้ว 2 (66.7%)",
            "ตรงเวลา 2 (66.7%)",
            "อนุมัติแล้ว 2 (66.7%)",
            "ยังไม่ส่ง 1",
        ],
        [
            "พฤศจิกายน 2568 กำหนดส่ง 15/12/2568",
            "ต้องส่ง 3",
            "ส่งแล้ว 3 (100.0%)",
            "ตรงเวลา 2 (66.7%)",
            "อนุมัติแล้ว 2 (66.7%)",
            "ยังไม่ส่ง 0",
        ],
        [
            "ตุลาคม 2568 กำหนดส่ง 10/11/2568",
            "ต้องส่ง 3",
            "ส่งแล้ว 2 (66.7%)",
            "ตรงเวลา 2 (66.7%)",
            "อนุมัติแล้ว 1 (33.3%)",
            "ยังไม่ส่ง 1",
        ],
        [
            "ทั้งปีถึงปัจจุบัน",
            "ต้องส่ง 9",
            "ส่งแล้ว 7 (77.8%)",
            "ตรงเวลา 6 (66.7%)",
            "อนุมัติแล้ว 5 (55.6%)",
            "ยังไม่ส่ง 2",
        ],
    ]
    # Each month opens that month's status of every project of the agency.
    link = page.all(".agency-rates tbody th a")[0].get("href")
    assert link == f"/projects/my-agency/?agency={data.a.code}&month=2025-12"


def test_my_agency_rates_of_another_agency_for_those_who_oversee(client, data):
    client.force_login(UserFactory(evaluator=True))
    page = page_of(client.get("/projects/my-agency/", {"agency": data.b.code}))
    total = page.all(".agency-rates tbody tr")[-1]
    assert "ส่งแล้ว 3 (50.0%)" in text_of(total)


def test_my_agency_without_the_fiscal_year_has_no_rates(client, data, monkeypatch):
    monkeypatch.setattr(view_helpers, "today", lambda: dt.date(2030, 1, 5))
    client.force_login(UserFactory(agency=data.a))
    response = client.get("/projects/my-agency/")
    assert response.status_code == 200
    assert not page_of(response).all("#h-rates")


# --- The evaluation screen ---------------------------------------------------------------


def marked(page) -> dict[str, bool]:
    return {
        text_of(row.find(".//{*}th//{*}a")): "มีรายงานรออนุมัติ" in text_of(row)
        for row in page.all(".eval-table tbody")
    }


def test_evaluation_marks_projects_with_reports_not_yet_approved_in_the_quarter(client, data):
    client.force_login(UserFactory(evaluator=True))
    page = page_of(client.get(f"/evaluation/{YEAR}/1/"))
    codes = {name: project.code for name, project in data.projects.items()}
    # A2: submitted, waiting; A3: a draft (October), returned (November). A1's November
    # submission is approved: nothing open.
    assert marked(page) == {
        codes["A1"]: False,
        codes["A2"]: True,
        codes["A3"]: True,
        codes["B1"]: False,
        codes["B2"]: False,
    }
    assert "ค่าที่เติมให้มาจากรายงานที่อนุมัติแล้วเท่านั้น" in page.text()
    # The second quarter (January to March) has no open submission.
    page = page_of(client.get(f"/evaluation/{YEAR}/2/"))
    assert not any(marked(page).values())


def test_evaluation_does_not_mark_a_draft_never_sent(client, data):
    """A draft is the staff's work in progress: not a report waiting for anyone."""
    ReportSubmissionFactory(project=data.projects["B1"], period=OCT)
    client.force_login(UserFactory(evaluator=True))
    page = page_of(client.get(f"/evaluation/{YEAR}/1/"))
    assert marked(page)[data.projects["B1"].code] is False


def test_drill_down_offers_every_ended_month(manager_client, data):
    page = page_of(manager_client.get(MISSING, {"year": YEAR, "month": "2025-11"}))
    links = page.all("nav.dash-orders a")
    assert [text_of(a) for a in links] == ["ต.ค. 2568", "พ.ย. 2568", "ธ.ค. 2568"]
    assert [a.get("aria-current") for a in links] == [None, "true", None]
    assert links[0].get("href") == f"?year={YEAR}&month=2025-10"
