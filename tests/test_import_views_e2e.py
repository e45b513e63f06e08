"""The import pages in Debian's Chromium: agency staff export their plan, change the
workbook, upload it, read the preview (problems first, then the changes), confirm, and
land on their projects; an administrator uploads pages of today's system, one too big."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from projects.models import PlanStep, Project, User
from tests.browser import problems_of
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("media")]


@pytest.fixture
def problems(page):
    """Downloads are reported as aborted requests by Chromium: only 5xx answers count."""
    return problems_of(page, http_from=500, failed_requests=False)


def test_staff_export_change_import_confirm(live_server, login, page, problems, tmp_path):
    agency = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    year = FiscalYearFactory()
    project = ProjectFactory(code="01000000-7001", agency=agency, fiscal_year=year)
    for order in (1, 2):
        PlanStepFactory(project=project, order=order, weight=Decimal(50))
    staff = UserFactory(username="e2e-staff", role=User.Role.STAFF, agency=agency)
    login(staff)

    page.get_by_role("link", name="นำเข้าข้อมูล", exact=True).click()
    page.wait_for_url("**/imports/")
    with page.expect_download() as download:
        page.locator("#h-export ~ form button[type=submit]").click()
    exported = tmp_path / "plan.xlsx"
    download.value.save_as(exported)

    # First a mistake: weights that do not add up.
    book = load_workbook(exported)
    book["ขั้นตอน"]["D3"] = 40
    book.save(tmp_path / "wrong.xlsx")
    page.goto(f"{live_server.url}/imports/plan/")
    page.set_input_files("input[name=file]", str(tmp_path / "wrong.xlsx"))
    with page.expect_navigation():
        page.get_by_role("button", name="อัปโหลดและแสดงตัวอย่าง").click()
    problem = page.locator(".import-problems tbody tr").first.inner_text()
    assert "ขั้นตอน" in problem and "D" in problem and "รวมกันได้ร้อยละ 90" in problem
    assert page.locator("form.import-confirm").count() == 0

    # Then the fix: a third step, weights 50 / 30 / 20, a BE date typed as text.
    book = load_workbook(exported)
    steps = book["ขั้นตอน"]
    steps["D3"] = 30
    steps.append(["01000000-7001", 3, "สรุปผล", 20, "01/09/2569", None])
    buffer = io.BytesIO()
    book.save(buffer)
    page.get_by_role("link", name="อัปโหลดไฟล์ใหม่").click()
    page.set_input_files(
        "input[name=file]",
        {"name": "fixed.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()},
    )
    with page.expect_navigation():
        page.get_by_role("button", name="อัปโหลดและแสดงตัวอย่าง").click()
    assert page.locator(".import-action").all_inner_texts() == ["แก้ไข"]
    page.locator("details.import-changes summary").click()
    changes = page.locator(".import-changes li").all_inner_texts()
    assert "สร้างใหม่ ขั้นตอนการดำเนินงาน 01000000-7001 ขั้นตอน 3" in changes
    assert PlanStep.objects.count() == 2  # nothing written before confirmation
    with page.expect_navigation():
        page.get_by_role("button", name="ยืนยันนำเข้า").click()
    assert "นำเข้าแผนปฏิบัติราชการของ" in page.locator(".message").inner_text()
    assert "/projects/?agency=01000000" in page.url
    project.refresh_from_db()
    assert list(project.steps.order_by("order").values_list("weight", "starts_on")) == [
        (Decimal("50.00"), year.starts_on),
        (Decimal("30.00"), year.starts_on),
        (Decimal("20.00"), dt.date(2026, 9, 1)),
    ]
    assert problems == []


def test_admin_uploads_pages_and_one_is_too_big(
    seed_project, live_server, login, page, problems, tmp_path
):
    admin = UserFactory(username="e2e-admin", admin=True)
    login(admin)
    seed = tmp_path / "seed.txt"
    from tests.test_import_views import SEED_BYTES

    seed.write_bytes(SEED_BYTES.replace("นางสุดา".encode(), "นางสุดา ใจดี".encode()))
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"x" * (50 * 1024 * 1024))
    page.goto(f"{live_server.url}/imports/pages/")
    page.set_input_files("input[name=files]", [str(seed), str(huge)])
    with page.expect_navigation():
        page.get_by_role("button", name="อัปโหลดและแสดงตัวอย่าง").click()
    assert "huge.txt (50.0 MB)" in page.locator(".field__error").inner_text()

    page.set_input_files("input[name=files]", [str(seed)])
    with page.expect_navigation():
        page.get_by_role("button", name="อัปโหลดและแสดงตัวอย่าง").click()
    assert page.locator(".import-totals__item--updated dd").inner_text() == "1"
    with page.expect_navigation():
        page.get_by_role("button", name="ยืนยันนำเข้า").click()
    assert page.url.endswith(f"/projects/{seed_project.code}/")
    assert Project.objects.get(pk=seed_project.pk).responsible == "นางสุดา ใจดี"
    assert problems == []
