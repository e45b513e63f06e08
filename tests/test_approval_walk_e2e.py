"""Issue 15's walk in Debian's Chromium, three people in three browsers: staff save a
draft and submit it, the head returns it with a comment, staff see the comment, correct and
submit again, the head approves. A manager looks at the project page at each step: nothing
of the report counts (the gauge stays at 0) until it is approved."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import ReportSubmission, User
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
def world(transactional_db):
    agency = AgencyFactory(reports_need_approval=True)
    project = ProjectFactory(agency=agency, fiscal_year__year_be=current_fiscal_year_be())
    for order, (title, weight) in enumerate(
        [("ขออนุมัติโครงการ", 30), ("จัดกิจกรรม", 30), ("สรุปผลและรายงาน", 40)], start=1
    ):
        PlanStepFactory(project=project, order=order, title=title, weight=Decimal(weight))
    return {
        "project": project,
        "staff": UserFactory(agency=agency),
        "head": UserFactory(agency=agency, role=User.Role.HEAD),
        "manager": UserFactory(manager=True),
    }


@pytest.fixture
def browser_of(browser, live_server):
    """A browser of its own for each person, logged in; all closed after the test (before
    the live server and the database go)."""
    contexts = []

    def open_for(user):
        context = browser.new_context(locale="th-TH", base_url=live_server.url)
        contexts.append(context)
        return logged_in(context.new_page(), user)

    yield open_for
    for context in contexts:
        context.close()


def logged_in(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def manager_sees(page, project) -> str:
    page.goto(f"/projects/{project.code}/")
    return page.locator(".gauge figcaption").inner_text()


def test_draft_submit_return_fix_resubmit_approve(browser_of, world):
    project = world["project"]
    staff = browser_of(world["staff"])
    head = browser_of(world["head"])
    manager = browser_of(world["manager"])
    problems = {"staff": problems_of(staff), "head": problems_of(head)}

    staff.goto(f"/projects/{project.code}/")
    staff.get_by_label(re.compile("ขออนุมัติโครงการ")).check()
    staff.fill("#id_narrative", "ได้รับอนุมัติโครงการแล้ว")
    staff.click("#report-draft")
    expect(staff.locator("#report-status")).to_contain_text("บันทึกร่างแล้ว")
    assert manager_sees(manager, project) == "ความคืบหน้าโครงการ ร้อยละ 0"

    staff.click("#report-submit")
    expect(staff.locator("#report-status")).to_contain_text("ให้หัวหน้าหน่วยงานอนุมัติแล้ว")
    assert manager_sees(manager, project) == "ความคืบหน้าโครงการ ร้อยละ 0"

    head.goto("/approvals/")
    submission = ReportSubmission.objects.get(project=project)
    head.fill(f"#comment-{submission.pk}", "กรุณารายงานกิจกรรมที่จัดแล้วด้วย")
    head.click(f"#return-{submission.pk}")
    expect(head.locator("#queue-notice")).to_contain_text("กลับให้แก้ไขแล้ว")
    assert manager_sees(manager, project) == "ความคืบหน้าโครงการ ร้อยละ 0"

    staff.goto(f"/projects/{project.code}/")
    expect(staff.locator(".report__returned")).to_contain_text("กรุณารายงานกิจกรรมที่จัดแล้วด้วย")
    staff.get_by_label(re.compile("จัดกิจกรรม")).check()
    staff.click("#report-submit")
    expect(staff.locator("#report-status")).to_contain_text("ให้หัวหน้าหน่วยงานอนุมัติแล้ว")
    assert manager_sees(manager, project) == "ความคืบหน้าโครงการ ร้อยละ 0"

    head.goto("/approvals/")
    expect(head.locator("#nav-approvals")).to_have_text("รออนุมัติ (1)")
    head.click(f"#approve-{submission.pk}")
    expect(head.locator("#queue-notice")).to_contain_text("อนุมัติรายงาน")
    assert manager_sees(manager, project) == "ความคืบหน้าโครงการ ร้อยละ 60"
    assert problems == {"staff": [], "head": []}
