"""A report for approval in Debian's Chromium (issue 15): staff save a draft and send it
over htmx, each button saying what happened beside it; the project page's block of reports
not yet approved follows in place; a manager sees none of it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import (
    AgencyFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(db):
    agency = AgencyFactory(name="สำนักงานเลขานุการสภากรุงเทพมหานคร", reports_need_approval=True)
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


def test_staff_save_a_draft_then_send_it_for_approval(project, live_server, login, page):
    staff = UserFactory(username="staff", agency=project.agency)
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")

    page.get_by_label(re.compile("ขออนุมัติโครงการ")).check()
    page.locator(".preview__pct", has_text="30.00").wait_for()
    page.fill("#id_narrative", "ได้รับอนุมัติโครงการแล้ว")
    page.click("#report-draft")
    expect(page.locator("#report-status")).to_contain_text("บันทึกร่างแล้ว", timeout=15_000)
    expect(page.locator("#submissions .submission__state")).to_have_text("ร่าง")

    page.get_by_label(re.compile("จัดกิจกรรม")).check()
    page.locator(".preview__pct", has_text="60.00").wait_for()
    page.click("#report-submit")
    expect(page.locator("#report-status")).to_contain_text("ให้หัวหน้าหน่วยงานอนุมัติแล้ว", timeout=15_000)
    expect(page.locator("#submissions .submission__state")).to_have_text("ส่งแล้ว รออนุมัติ")
    expect(page.locator("#report-form button[name=action]")).to_have_count(0)
    expect(page.locator("#submissions .entry__pct")).to_have_text("60.00")
    # (The database is read through the pages only, as the person sees it.)
    page.reload()
    expect(page.locator("#h-history .count")).to_have_text("0 รายการ")  # nothing counts yet

    page.context.clear_cookies()
    login(UserFactory(username="manager", manager=True))
    page.goto(f"{live_server.url}/projects/{project.code}/")
    expect(page.locator("#submissions")).to_have_count(0)
    assert "ได้รับอนุมัติโครงการแล้ว" not in page.locator("main").inner_text()
