"""The reports page in Debian's Chromium: an order's row polls through htmx until the file
is ready, then offers it, without a reload; the print view loads without errors."""

import pytest
from playwright.sync_api import expect

from reports import services
from reports.models import ReportJob
from tests.browser import problems_of
from tests.conftest import SEED_CODE
from tests.factories import AgencyFactory, FiscalYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def problems(page):
    return problems_of(page, failed_requests=False)


def test_order_then_row_turns_into_a_download_link(
    live_server, login, page, problems, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIA_ROOT = tmp_path
    year = FiscalYearFactory(year_be=2564)
    agency = AgencyFactory(code="05310000", name="สำนักงานเขตทดสอบเบราว์เซอร์")
    ProjectFactory(agency=agency, fiscal_year=year)
    login(UserFactory(username="e2e-manager", manager=True))

    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("nav.mainnav a[aria-current=page]")).to_have_text("รายงาน")
    page.select_option("#id_agency", str(agency.pk))
    page.select_option("#id_fiscal_year", str(year.pk))
    with page.expect_navigation():
        page.click("form.card button[type=submit]")

    row = page.locator("tr[id^=job-]")
    expect(row).to_contain_text("รอคิว")
    expect(row).to_have_attribute("hx-trigger", "every 2s")
    # A worker finishes the job meanwhile; the polling row picks it up.
    services._finish(ReportJob.objects.get(), b"%PDF-1.7\n", page_count=3)
    expect(row.get_by_role("link", name="ดาวน์โหลด")).to_be_visible(timeout=10_000)
    expect(row).to_contain_text("3 หน้า")
    assert row.get_attribute("hx-trigger") is None
    assert problems == []


def test_print_view_loads_clean(seed_project, live_server, login, page, problems):
    login(UserFactory(username="e2e-reader"))
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/print/")
    expect(page.locator("h1")).to_contain_text("โครงการสภากรุงเทพมหานครพบประชาชน")
    expect(page.locator(".chart-gauge")).to_be_visible()
    # Sarabun from our static files was loaded and used, not a fallback.
    assert page.evaluate(
        """document.fonts.ready.then(() => [...document.fonts].some(
            (face) => face.family.replaceAll('"', '') === 'Sarabun' && face.status === 'loaded'))"""
    )
    assert problems == []
