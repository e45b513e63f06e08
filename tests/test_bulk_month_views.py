"""The month's workbook pages (issue 18 item 3): choose the month, download, upload,
preview, confirm; the buttons that lead there; query counts that do not grow per row
beyond a small factor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ProgressEntry
from tests.bulk_month import fill
from tests.factories import AgencyFactory, UserFactory, project_with_steps
from tests.test_bulk_month import FEBRUARY, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, media):
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


@pytest.fixture
def agency():
    return AgencyFactory(reports_need_approval=False)


@pytest.fixture
def staff_client(client, agency):
    client.force_login(UserFactory(agency=agency))
    return client


def download(client, agency) -> bytes:
    response = client.get(
        reverse("imports:month_download"), {"agency": agency.code, "month": "2026-02"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'monthly-report-{agency.code}-2026-02.xlsx"')
    return response.content


def upload(client, agency, data: bytes, month="2026-02"):
    return client.post(
        f"{reverse('imports:month')}?agency={agency.code}",
        {"month": month, "file": SimpleUploadedFile("month.xlsx", data)},
    )


def test_download_upload_preview_confirm(staff_client, agency):
    projects = [project_with_steps((50, 50), agency=agency) for _ in range(2)]
    page = staff_client.get(reverse("imports:month"), {"agency": agency.code})
    assert "กุมภาพันธ์ 2569" in page.content.decode()
    data = fill(
        download(staff_client, agency), {projects[0].code: {"step:1": "✓", "narrative": "ทำแล้ว"}}
    )
    response = upload(staff_client, agency, data)
    assert response.status_code == 302
    preview = staff_client.get(response["Location"])
    text = preview.content.decode()
    assert "จะบันทึก 1 โครงการ" in text and "- → 50.00" in text
    assert not ProgressEntry.objects.exists()
    done = staff_client.post(response["Location"], {"action": "save"})
    assert done.status_code == 302 and reverse("projects:my_agency") in done["Location"]
    entry = ProgressEntry.objects.get(project=projects[0], period=FEBRUARY)
    assert entry.percent == 50 and entry.narrative == "ทำแล้ว"


def test_a_file_that_is_no_workbook_is_refused_next_to_the_field(staff_client, agency):
    response = upload(staff_client, agency, b"%PDF-1.4")
    assert response.status_code == 200
    assert "ไม่ใช่ไฟล์ Excel" in response.content.decode()


def test_a_month_no_longer_open_is_not_offered(staff_client, agency):
    response = staff_client.get(
        reverse("imports:month_download"), {"agency": agency.code, "month": "2026-01"}
    )
    assert response.status_code == 302
    response = upload(staff_client, agency, b"PK\x03\x04", month="2026-01")
    assert "เดือนที่เลือกไม่เปิดรับรายงานแล้ว" in response.content.decode()


def test_the_buttons_on_my_agency_and_the_report_page(staff_client, agency):
    project = project_with_steps((100,), agency=agency)
    label = "กรอกรายงานทั้งเดือนด้วยไฟล์ Excel"
    mine = staff_client.get(reverse("projects:my_agency"), {"agency": agency.code})
    assert label in mine.content.decode()
    report = staff_client.get(reverse("projects:report", args=[project.code]))
    assert label in report.content.decode()


def preview_queries(client, agency, count: int) -> int:
    projects = [project_with_steps((50, 50), agency=agency) for _ in range(count)]
    rows = {p.code: {"step:1": "✓", "narrative": f"ทำแล้ว {p.code}"} for p in projects}
    data = fill(download(client, agency), rows)
    location = upload(client, agency, data)["Location"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(location).status_code == 200
    return len(queries)


def test_the_preview_reads_a_few_queries_per_row_at_most(client):
    counts = []
    for size in (5, 25):
        agency = AgencyFactory(reports_need_approval=False)
        client.force_login(UserFactory(agency=agency))
        counts.append(preview_queries(client, agency, size))
    # The projects, steps, states and latest reports are read once; the form's check asks
    # for the report before each row (one query a row; three with a budget).
    assert counts[1] - counts[0] <= 20 * 1, counts


def test_a_report_saved_between_preview_and_confirm_is_shown_and_nothing_saved(
    staff_client, agency
):
    from tests.factories import ProgressEntryFactory

    projects = [project_with_steps((50, 50), agency=agency) for _ in range(2)]
    rows = {p.code: {"step:1": "✓", "narrative": "จากไฟล์"} for p in projects}
    location = upload(staff_client, agency, fill(download(staff_client, agency), rows))["Location"]
    assert "จะบันทึก 2 โครงการ" in staff_client.get(location).content.decode()
    ProgressEntryFactory(project=projects[1], period=FEBRUARY, narrative="พิมพ์ในแบบฟอร์ม")
    response = staff_client.post(location, {"action": "save"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "บันทึกไม่ได้ จึงยังไม่ได้บันทึกรายงานใดเลย" in text and "พิมพ์ในแบบฟอร์ม" in text
    assert list(ProgressEntry.objects.values_list("narrative", flat=True)) == ["พิมพ์ในแบบฟอร์ม"]


def test_a_month_reopened_for_some_projects_is_offered_with_only_those(staff_client, agency):
    """สยป. reopened January (past its deadline) for one project: the month page offers
    January, its workbook lists that project only, and its upload saves it."""
    import datetime as dt

    from projects.imports import month_read
    from projects.models import MonthReopening

    reopened, locked = (project_with_steps((40, 60), agency=agency) for _ in range(2))
    page = staff_client.get(reverse("imports:month"), {"agency": agency.code})
    assert 'value="2026-01"' not in page.content.decode()
    MonthReopening.objects.create(
        project=reopened, period=dt.date(2026, 1, 1), until=dt.date(2026, 3, 20), reason="แก้ไข"
    )
    page = staff_client.get(reverse("imports:month"), {"agency": agency.code})
    assert 'value="2026-01"' in page.content.decode()
    response = staff_client.get(
        reverse("imports:month_download"), {"agency": agency.code, "month": "2026-01"}
    )
    assert response.status_code == 200
    codes = {row["code"] for row in month_read.read(response.content).rows}
    assert codes == {reopened.code}
    filled = fill(response.content, {reopened.code: {"step:1": "✓", "narrative": "แก้แล้ว"}})
    preview = upload(staff_client, agency, filled, month="2026-01")
    assert preview.status_code == 302
    done = staff_client.post(preview["Location"], {"action": "save"})
    assert done.status_code == 302
    entry = ProgressEntry.objects.get(project=reopened, period=dt.date(2026, 1, 1))
    assert entry.percent == 40 and entry.narrative == "แก้แล้ว"
    assert not ProgressEntry.objects.filter(project=locked).exists()
