"""The agency report as XLSX: Thai headers, one row per project / entry / step / quarter,
numbers as numbers and dates as dates."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportJob
from tests.factories import AgencyFactory, FiscalYearFactory, ProgressEntryFactory, UserFactory
from tests.test_reports_jobs import IMMEDIATE, make_project


@pytest.fixture
def workbook(db, settings, tmp_path, client):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    year = FiscalYearFactory(year_be=2564)
    agency = AgencyFactory(code="05510000", name="สำนักทดสอบไฟล์ Excel")
    projects = [make_project(agency, year, n, entries=n + 1) for n in range(1, 4)]
    # Outside the fiscal year: not in the report's entries.
    ProgressEntryFactory(project=projects[0], reported_on=dt.date(2021, 10, 5))
    client.force_login(UserFactory(manager=True))
    response = client.post(
        reverse("reports:index"),
        {"kind": "agency", "agency": agency.pk, "fiscal_year": year.pk, "format": "xlsx"},
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE, job.error
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download["Content-Disposition"].endswith('.xlsx"')
    data = b"".join(download.streaming_content)
    return load_workbook(io.BytesIO(data)), projects


def rows(sheet):
    return list(sheet.iter_rows(min_row=5))


def test_sheets_and_thai_headers(workbook):
    book, _ = workbook
    assert book.sheetnames == ["สรุป", "ผลการดำเนินงาน", "แผนการดำเนินงาน", "ผลการประเมิน"]
    summary = book["สรุป"]
    assert summary["A1"].value == "รายงานความคืบหน้าโครงการ สำนักทดสอบไฟล์ Excel"
    assert "ปีงบประมาณ 2564" in summary["A2"].value
    headers = [cell.value for cell in summary[4]]
    assert headers[:8] == [
        "ลำดับ",
        "รหัสหน่วยงาน",
        "หน่วยงาน",
        "รหัสโครงการ",
        "ชื่อโครงการ",
        "ความคืบหน้า (ร้อยละ)",
        "วันที่รายงานล่าสุด",
        "ตามแผน (ร้อยละ)",
    ]


def test_summary_rows_numbers_and_dates(workbook):
    book, projects = workbook
    summary = rows(book["สรุป"])
    assert [row[3].value for row in summary] == [p.code for p in projects]
    first = summary[0]
    assert first[0].value == 1 and first[0].data_type == "n"
    progress = first[5]
    assert progress.data_type == "n" and progress.value == 20  # second report, 5 Nov 2020
    assert progress.number_format == "0.00"
    latest = first[6]
    assert latest.is_date and latest.value == dt.datetime(2020, 11, 5)
    planned = first[7]
    assert planned.data_type == "n" and planned.value == 100  # the year has ended
    for cell in (first[12], first[13], first[14]):  # reports, late, missing
        assert cell.data_type == "n" and isinstance(cell.value, int)
    assert first[12].value == 2


def test_entry_step_and_quarter_rows(workbook):
    book, projects = workbook
    entries = rows(book["ผลการดำเนินงาน"])
    # 2 + 3 + 4 entries inside fiscal year 2564 (the one of October 2021 is not).
    assert len(entries) == 9
    newest = entries[0]
    assert newest[0].value == projects[0].code and newest[2].value == 1
    assert newest[3].is_date and newest[3].value == dt.datetime(2020, 11, 5)
    assert newest[4].is_date and newest[4].value == dt.datetime(2020, 11, 1)
    assert newest[5].data_type == "n" and Decimal(str(newest[5].value)) == Decimal(20)
    assert "ผลการดำเนินงานเดือนที่ 2" in newest[6].value

    steps = rows(book["แผนการดำเนินงาน"])
    assert len(steps) == 12
    assert steps[0][3].value == 25 and steps[0][3].data_type == "n"
    assert steps[0][4].is_date and steps[0][4].value == dt.datetime(2020, 10, 1)

    quarters = rows(book["ผลการประเมิน"])
    assert [row[1].value for row in quarters[:4]] == [1, 2, 3, 4]
    assert len(quarters) == 12
    # Q1's result defaults to the progress at the quarter's end: 5 Dec 2020 is not
    # reported by the first project (two entries), so it is 20.
    assert quarters[0][2].value == 20 and quarters[0][2].data_type == "n"
