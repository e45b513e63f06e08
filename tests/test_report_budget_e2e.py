"""The monthly report's budget block in Debian's Chromium (issue 16): only for a project
with a budget; a hostile amount is refused beside its field in Thai; figures saved over
htmx appear in the history and the disbursement chart is drawn again in place."""

from decimal import Decimal

import pytest

from projects.models import ProgressEntry
from tests.browser import problems_of
from tests.factories import AgencyFactory, ProjectFactory, UserFactory, current_fiscal_year_be

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_log(page):
    return problems_of(page)


@pytest.fixture
def agency(db):
    return AgencyFactory(name="สำนักการโยธา")


def test_the_budget_block_only_with_a_budget_and_figures_saved_in_place(
    agency, live_server, login, page, browser_log
):
    year = current_fiscal_year_be()
    routine = ProjectFactory(agency=agency, fiscal_year__year_be=year, name="งานประจำ")
    project = ProjectFactory(
        agency=agency,
        fiscal_year=routine.fiscal_year,
        name="โครงการก่อสร้างทางเท้า",
        budget_allocated=Decimal("2500000"),
    )
    login(UserFactory(username="staff", agency=agency))

    page.goto(f"{live_server.url}/projects/{routine.code}/")
    page.locator("#report-form").wait_for()
    assert page.locator("#report-budget").count() == 0
    assert page.locator("#disbursement").count() == 0

    page.goto(f"{live_server.url}/projects/{project.code}/")
    assert "2,500,000.00 บาท" in page.locator("#report-budget").inner_text()
    page.fill("#id_percent", "20")
    page.fill("#id_narrative", "ทำสัญญาจ้างแล้ว")
    page.fill("#id_committed", "1,000,000")
    page.fill("#id_disbursed", "๑๒๓")
    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.click("#report-form button[type=submit]")
    page.locator("#id_disbursed_error").wait_for()
    assert "เลขอารบิก" in page.locator("#id_disbursed_error").inner_text()
    assert not ProgressEntry.objects.filter(project=project).exists()

    page.fill("#id_disbursed", "1,600,000")  # 1,000,000 + 1,600,000 > 2,500,000
    page.locator(".preview__error", has_text="เกินงบประมาณหลังโอนเปลี่ยนแปลง").wait_for()
    page.fill("#id_disbursed", "500,000.50")
    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.click("#report-form button[type=submit]")
    page.locator("#report-status", has_text="บันทึกรายงานเดือน").wait_for()

    figures = page.locator("#history-section .entry__figures").first.inner_text()
    assert "ก่อหนี้ผูกพันสะสม 1,000,000.00 บาท" in figures
    assert "เบิกจ่ายสะสม 500,000.50 บาท" in figures
    page.locator('#disbursement [data-figure="disbursement-figure"] svg').first.wait_for()
    assert "ยังไม่ได้กำหนดเป้าหมาย" in page.locator("#disbursement").inner_text()
    assert browser_log == []


@pytest.fixture
def reported(agency):
    """A project with a budget, two months reported with figures, and the year's targets."""
    import datetime as dt

    from projects.models import DisbursementTarget
    from tests.factories import ProgressEntryFactory

    project = ProjectFactory(
        agency=agency,
        fiscal_year__year_be=current_fiscal_year_be(),
        name="โครงการก่อสร้างทางเท้า",
        budget_allocated=Decimal("2500000"),
    )
    start = project.fiscal_year.starts_on
    for month, (percent, disbursed) in enumerate(((10, 100000), (25, 400000))):
        period = dt.date(start.year, start.month + month, 1)
        ProgressEntryFactory(
            project=project,
            period=period,
            reported_on=period + dt.timedelta(days=20),
            percent=Decimal(percent),
            committed=Decimal(600000),
            disbursed=Decimal(disbursed),
        )
    for quarter, percent in enumerate((20, 45, 70, 100), start=1):
        DisbursementTarget.objects.create(
            fiscal_year=project.fiscal_year, quarter=quarter, percent=Decimal(percent)
        )
    return project


def test_the_project_page_with_figures_passes_axe_and_vnu_and_fits_a_phone(
    browser, live_server, reported, tmp_path
):
    from tests.test_quality_gates_e2e import require_tools, run_axe, run_vnu

    require_tools()
    staff = UserFactory(username="staff", agency=reported.agency)
    context = browser.new_context(locale="th-TH", bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    response = page.goto(f"/projects/{reported.code}/")
    page.locator('#disbursement [data-figure="disbursement-figure"] svg').first.wait_for()
    assert run_axe(page) == []
    html = tmp_path / "project.html"
    html.write_bytes(response.body())
    assert run_vnu({"project": html}) == {"project": []}
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.locator('#disbursement [data-figure="disbursement-figure"] svg').first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
