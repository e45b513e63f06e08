"""The budget block in Chromium (issue 16): on a phone (390 px) the block and the transfer
form fit, with the largest amount the system takes; a transfer made in the form updates
the block without a reload; a refused one says why in Thai beside the field."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.models import BudgetTransfer
from tests.factories import ProjectFactory, UserFactory
from tests.test_quality_gates_e2e import require_tools, run_axe, run_vnu

pytestmark = pytest.mark.e2e

OUTSIDE = """() => [...document.querySelectorAll("#budget, #budget *")]
    .filter(el => el.getClientRects().length)
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : ""))"""


@pytest.fixture
def project(transactional_db):
    project = ProjectFactory(budget_allocated=Decimal("999999999999.99"))
    BudgetTransfer.objects.create(
        project=project,
        transferred_on=dt.date(2026, 1, 15),
        amount=Decimal("-999999999.99"),
        reason="โอนออกไปใช้ในโครงการปรับปรุงถนนและทางเท้าในเขตพื้นที่ชั้นในของกรุงเทพมหานคร" * 2,
    )
    return project


def test_the_block_fits_a_phone_and_a_transfer_updates_it(page, login, project):
    page.set_viewport_size({"width": 390, "height": 844})
    login(UserFactory(agency=project.agency))
    page.goto(f"/projects/{project.code}/")
    assert page.locator("#budget [data-budget=after]").inner_text() == "999,000,000,000.00 บาท"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    assert page.evaluate(OUTSIDE) == []

    form = page.locator("#budget form")
    form.locator("[name=transferred_on]").fill("01/03/2569")
    form.locator("[name=direction][value=out]").check()
    form.locator("[name=amount]").fill("1e30")
    form.locator("[name=reason]").fill("ทดลอง")
    form.locator("button[type=submit]").click()
    assert "ไม่ใช่จำนวนเงิน" in page.locator("#id_amount_error").inner_text()
    assert BudgetTransfer.objects.count() == 1

    form = page.locator("#budget form")
    form.locator("[name=amount]").fill("1,000,000,000.00")
    form.locator("button[type=submit]").click()
    page.locator("#budget [data-budget=after]", has_text="998,000,000,000.00 บาท").wait_for()
    assert BudgetTransfer.objects.count() == 2


def test_the_block_and_its_form_pass_axe_and_the_nu_html_checker(
    browser, live_server, project, tmp_path
):
    require_tools()
    context = browser.new_context(locale="th-TH", bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    staff = UserFactory(agency=project.agency)
    page.goto("/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    files = {}
    for name, fill in (("page", None), ("refused", "-5")):
        if fill:  # a refused transfer, without htmx: the page of the form with its errors
            response = page.request.post(
                f"/projects/{project.code}/budget/transfers/",
                form={
                    "csrfmiddlewaretoken": page.locator(
                        "[name=csrfmiddlewaretoken]"
                    ).first.input_value(),
                    "transferred_on": "31/02/2569",
                    "direction": "",
                    "amount": fill,
                    "reason": "",
                },
                headers={"Referer": f"{live_server.url}/projects/{project.code}/"},
            )
            assert "จำนวนเงินต้องไม่ติดลบ" in response.text(), response.status
            page.set_content(response.text())
            body = response.body()
        else:
            body = page.goto(f"/projects/{project.code}/").body()
        (tmp_path / f"{name}.html").write_bytes(body)
        files[name] = tmp_path / f"{name}.html"
        found = [v for v in run_axe(page) if any("budget" in n for n in v["nodes"])]
        assert found == [], (name, found)
    context.close()
    assert run_vnu(files) == {"page": [], "refused": []}


def test_a_budget_entered_with_a_new_project_shows_on_its_page(page, login, transactional_db):
    from projects.models import BudgetType, Project
    from tests.factories import FiscalYearFactory, current_fiscal_year_be

    FiscalYearFactory(year_be=current_fiscal_year_be())
    # (A transactional test's flush removed the migration's types: the one used here.)
    investment, _ = BudgetType.objects.get_or_create(name="งบลงทุน")
    staff = UserFactory()
    code = f"{staff.agency.code}-7100"
    login(staff)
    page.goto("/projects/new/")
    page.fill("#id_code", code)
    page.fill("#id_name", "โครงการก่อสร้างทางเท้า")
    page.fill("#id_budget_allocated", "๑,๐๐๐")  # Thai digits: refused, all kept as typed
    with page.expect_navigation():
        page.click("form.new-project button[type=submit]")
    assert "เลขอารบิก" in page.locator("#id_budget_allocated_error").inner_text()
    assert page.locator("#id_name").input_value() == "โครงการก่อสร้างทางเท้า"
    page.fill("#id_budget_allocated", "1,234,567.89")
    page.select_option("#id_budget_type", label="งบลงทุน")
    with page.expect_navigation():
        page.click("form.new-project button[type=submit]")
    assert page.url.endswith(f"/projects/{code}/plan/edit/")
    project = Project.objects.get(code=code)
    assert project.budget_type == investment
    page.goto(f"/projects/{code}/")
    assert page.locator("#budget [data-budget=allocated]").inner_text() == "1,234,567.89 บาท"
    assert page.locator("#budget [data-budget=disbursed]").inner_text() == "ยังไม่รายงาน"
