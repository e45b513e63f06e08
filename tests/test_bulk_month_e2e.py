"""A month's reports in one workbook, in Debian's Chromium (issue 18 item 3): from my
agency's button, download this month's workbook, fill it with openpyxl for 30 projects,
upload it, read the preview, confirm, and see the reports."""

import pytest

from projects.models import ProgressEntry, User
from tests.browser import problems_of
from tests.bulk_month import fill
from tests.factories import AgencyFactory, UserFactory, current_fiscal_year_be, project_with_steps

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("media")]


@pytest.fixture
def problems(page):
    """Downloads are reported as aborted requests by Chromium: only 5xx answers count."""
    return problems_of(page, http_from=500, failed_requests=False)


def test_download_fill_upload_confirm_30_projects(live_server, login, page, problems, tmp_path):
    agency = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    year = current_fiscal_year_be()
    projects = [
        project_with_steps((20, 30, 50), year_be=year, agency=agency, code=f"01000000-{7000 + n}")
        for n in range(30)
    ]
    login(UserFactory(username="e2e-bulk", role=User.Role.STAFF, agency=agency))

    page.goto(f"{live_server.url}/projects/my-agency/")
    page.get_by_role("link", name="กรอกรายงานทั้งเดือนด้วยไฟล์ Excel").click()
    page.wait_for_url("**/imports/month/**")
    month = page.locator("#id_download_month").input_value()
    with page.expect_download() as download:
        page.get_by_role("button", name="ดาวน์โหลดไฟล์ Excel").click()
    path = tmp_path / "month.xlsx"
    download.value.save_as(path)

    rows = {
        p.code: {"step:1": "✓", "step:2": 40 if n % 2 else "✓", "narrative": f"ดำเนินการ {n}"}
        for n, p in enumerate(projects)
    }
    filled = fill(path.read_bytes(), rows)
    page.select_option("#id_month", month)
    page.set_input_files(
        "input[name=file]",
        {"name": "filled.xlsx", "mimeType": "application/octet-stream", "buffer": filled},
    )
    with page.expect_navigation():
        page.get_by_role("button", name="อัปโหลดและแสดงตัวอย่าง").click()
    assert "จะบันทึก 30 โครงการ" in page.locator("#month-summary").inner_text()
    first = page.locator("#month-rows tr[data-code='01000000-7001']").inner_text()
    assert "- → 32.00" in first  # 20 + 40 % of 30
    assert not ProgressEntry.objects.exists()

    with page.expect_navigation():
        page.get_by_role("button", name="ยืนยันบันทึกรายงาน").click()
    assert "/projects/my-agency/" in page.url
    assert "จากไฟล์แล้ว 30 โครงการ" in page.locator(".message").inner_text()
    assert ProgressEntry.objects.count() == 30
    page.goto(f"{live_server.url}/projects/01000000-7000/")
    assert "ดำเนินการ 0" in page.locator("body").inner_text()
    assert problems == []
