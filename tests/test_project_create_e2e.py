"""A new project in Debian's Chromium: agency staff log in (landing on หน่วยงานของฉัน),
open โครงการใหม่, see the KPIs follow the year chosen, are told that a code is taken
(with nothing typed lost), save, add a step in the plan editor and see the project page."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser import problems_of
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_log(page):
    return problems_of(page, http_from=500)


@pytest.fixture
def agency(db):
    year = FiscalYearFactory(year_be=current_fiscal_year_be())
    last_year = FiscalYearFactory(year_be=current_fiscal_year_be() - 1)
    council = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    taken = ProjectFactory(agency=council, fiscal_year=year, code="01000000-7001")
    IndicatorFactory(code="0100-701", label="อ.5/1", name="ระดับความสำเร็จปีนี้", projects=[taken])
    IndicatorFactory(
        code="0100-601",
        name="ระดับความสำเร็จปีที่แล้ว",
        projects=[ProjectFactory(agency=council, fiscal_year=last_year)],
    )
    return council


def test_staff_create_a_project_then_its_plan(agency, live_server, login, page, browser_log):
    page = login(UserFactory(username="staff-new", agency=agency))
    assert page.url.endswith("/projects/my-agency/")

    with page.expect_navigation():
        page.get_by_role("link", name="โครงการใหม่").click()
    assert page.url.endswith("/projects/new/?agency=01000000")
    assert page.locator("#id_fiscal_year").input_value() == str(current_fiscal_year_be())
    assert page.locator(".new-project__kpi-code").all_inner_texts() == ["0100-701"]
    # Last year: its KPIs, swapped in by htmx.
    page.select_option("#id_fiscal_year", str(current_fiscal_year_be() - 1))
    expect(page.locator(".new-project__kpi-code")).to_have_text(["0100-601"])
    page.select_option("#id_fiscal_year", str(current_fiscal_year_be()))
    expect(page.locator(".new-project__kpi-code")).to_have_text(["0100-701"])

    page.fill("#id_code", "01000000-7001")
    page.fill("#id_name", "โครงการสภากรุงเทพมหานครพบประชาชน")
    page.fill("#id_responsible", "นางสุดา ใจดี")
    page.fill("#id_objectives", "เพื่อรับฟังความคิดเห็นของประชาชน\nเพื่อนำข้อเสนอเข้าสภา")
    page.fill("#id_strategy_links", "**** ภารกิจงานประจำของหน่วยงาน ****")
    page.check("input[name=indicators][value]")
    with page.expect_navigation():
        page.click(".new-project button[type=submit]")
    assert "มีโครงการรหัสนี้แล้ว: 01000000-7001" in page.locator("#id_code_error").inner_text()
    assert page.locator("#id_code_error a").get_attribute("href") == "/projects/01000000-7001/"
    assert page.locator("#id_name").input_value() == "โครงการสภากรุงเทพมหานครพบประชาชน"
    assert page.locator("input[name=indicators]").is_checked()

    page.fill("#id_code", "01000000-7002")
    with page.expect_navigation():
        page.click(".new-project button[type=submit]")
    assert page.url.endswith("/projects/01000000-7002/plan/edit/")
    assert "สร้างโครงการ 01000000-7002 แล้ว" in page.locator(".messages").inner_text()

    page.locator("textarea[name='steps-0-title']").fill("จัดประชุมพบประชาชน")
    page.fill("input[name='steps-0-weight']", "100")
    assert page.locator("#plan-total").inner_text() == "100.00"
    with page.expect_navigation():
        page.click("#plan-editor button[type=submit]")
    assert re.search(r"/projects/01000000-7002/#plan$", page.url)
    assert "จัดประชุมพบประชาชน" in page.locator("#plan").inner_text()
    assert "เพื่อนำข้อเสนอเข้าสภา" in page.locator("main").inner_text()
    assert "0100-701" in page.locator("main").inner_text()
    project = Project.objects.get(code="01000000-7002")
    assert list(project.steps.values_list("title", flat=True)) == ["จัดประชุมพบประชาชน"]
    assert browser_log == []
