"""Monthly reporting in Debian's Chromium: agency staff tick a step, see the computed
percent live, save over htmx and watch the gauge, history and plan change in place; staff
of another agency are refused with a Thai 403 page."""

import re
from decimal import Decimal

import pytest

from tests.browser import problems_of
from tests.factories import (
    AgencyFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_log(page):
    return problems_of(page)


@pytest.fixture
def project(db):
    agency = AgencyFactory(name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    project = ProjectFactory(
        agency=agency,
        fiscal_year__year_be=current_fiscal_year_be(),
        name="โครงการสภากรุงเทพมหานครสัญจรพบประชาชน",
    )
    for order, (title, weight) in enumerate(
        [("ขออนุมัติโครงการ", 30), ("จัดกิจกรรม", 30), ("สรุปผลและรายงาน", 40)], start=1
    ):
        PlanStepFactory(project=project, order=order, title=title, weight=Decimal(weight))
    return project


def gauge_number(page) -> str:
    """The number Plotly drew inside the gauge's SVG."""
    return page.locator('.gauge__chart[data-drawn="true"] .number').first.text_content().strip()


def test_staff_report_a_step_and_the_gauge_follows(
    project, live_server, login, page, browser_log, tmp_path
):
    staff = UserFactory(username="staff", agency=project.agency)
    UserFactory(username="staff2")  # another agency
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    page.locator('.gauge__chart[data-drawn="true"] svg').first.wait_for(timeout=15_000)
    assert gauge_number(page) == "0"
    assert page.locator(".gauge figcaption").inner_text() == "ความคืบหน้าโครงการ ร้อยละ 0"

    # Ticking a step recomputes the percent over htmx, and says how.
    page.get_by_label(re.compile("ขออนุมัติโครงการ")).check()
    page.locator(".preview__pct", has_text="30.00").wait_for()
    assert page.locator(".preview__how").inner_text().startswith("วิธีคำนวณ")
    page.select_option("#id_in_progress_step", label="2. จัดกิจกรรม")
    page.fill("#id_partial_percent", "50")
    page.locator(".preview__pct", has_text="45.00").wait_for()
    assert "ขั้นตอน 2: 50% ของ 30 = 15" in page.locator(".preview__how").inner_text()
    page.fill("#id_narrative", "ได้รับอนุมัติโครงการแล้ว อยู่ระหว่างเตรียมจัดกิจกรรม")

    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.click("#report-form button[type=submit]")
    page.locator("#report-status", has_text="บันทึกรายงานเดือน").wait_for()
    assert "ความคืบหน้าร้อยละ 45.00" in page.locator("#report-status").inner_text()

    # In place, without a page load: gauge (redrawn by Plotly), history, plan, latest date.
    page.locator(".gauge figcaption", has_text="ร้อยละ 45").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.gauge__chart .number')?.textContent.trim() === '45'"
    )
    assert gauge_number(page) == "45"
    assert page.locator("#history-section .entry__pct").first.inner_text() == "45.00"
    assert page.locator("#plan .steps__done").count() == 1
    assert page.url == f"{live_server.url}/projects/{project.code}/"
    # The change history section reloaded itself and shows who did it.
    page.locator("#change-history .change__who", has_text=str(staff)).first.wait_for()

    page.screenshot(path=str(tmp_path / "reported.png"), full_page=True)
    assert browser_log == []


def test_staff_of_another_agency_are_refused(project, live_server, login, page):
    login(UserFactory(username="staff2"))
    page.goto(f"{live_server.url}/projects/{project.code}/")
    assert page.locator("#report-form").count() == 0
    response = page.goto(f"{live_server.url}/projects/{project.code}/report/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "ไม่มีสิทธิ์เข้าถึงหน้านี้"
    assert page.locator(".error-page__code").inner_text() == "403"


def test_the_plan_editor_keeps_the_running_sum_and_moves_rows(
    project, live_server, login, page, browser_log
):
    login(UserFactory(username="staff", agency=project.agency))
    page.goto(f"{live_server.url}/projects/{project.code}/plan/edit/")
    assert page.locator("#plan-total").inner_text() == "100.00"
    page.fill("input[name='steps-1-weight']", "20")
    assert page.locator("#plan-total").inner_text() == "90.00"
    assert "ยังไม่ครบ 100%" in page.locator("#plan-status").inner_text()
    assert page.locator(".plan__running").nth(1).inner_text() == "50.00"

    page.click(".plan__add")
    page.locator("textarea[name='steps-5-title']").fill("ประชาสัมพันธ์")
    page.fill("input[name='steps-5-weight']", "10")
    assert page.locator("#plan-total").inner_text() == "100.00"
    # Move the last step (สรุปผลและรายงาน) below the new one: orders are renumbered.
    page.locator("#plan-rows tr").nth(2).locator(".plan__down").click()
    page.locator("#plan-rows tr").nth(3).locator(".plan__down").click()
    page.locator("#plan-rows tr").nth(4).locator(".plan__down").click()
    titles = page.locator("#plan-rows textarea[name$='-title']").evaluate_all(
        "els => els.map(e => e.value).filter(Boolean)"
    )
    assert titles == ["ขออนุมัติโครงการ", "จัดกิจกรรม", "ประชาสัมพันธ์", "สรุปผลและรายงาน"]
    orders = page.locator("#plan-rows input[name$='-order']").evaluate_all(
        "els => els.map(e => e.value).filter(Boolean)"
    )
    assert orders == ["1", "2", "3", "4"]

    with page.expect_navigation():
        page.click("#plan-editor button[type=submit]")
    assert page.url.endswith(f"/projects/{project.code}/#plan")
    steps = list(project.steps.order_by("order").values_list("title", "weight"))
    assert steps == [
        ("ขออนุมัติโครงการ", Decimal("30.00")),
        ("จัดกิจกรรม", Decimal("20.00")),
        ("ประชาสัมพันธ์", Decimal("10.00")),
        ("สรุปผลและรายงาน", Decimal("40.00")),
    ]
    assert browser_log == []
