"""Plan baselines in Chromium (issue 18): staff send the plan, the head approves it (the
baseline), staff re-plan with a reason, the page measures "behind" against the baseline
while version 2 waits, the head approves version 2, and the project page's S-curve has
two planned lines (the baseline and the current plan) beside actual progress; the
versions page lists what changed."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import progress, thaidates
from tests.browser import problems_of
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    today = timezone.localdate()
    year_be = thaidates.fiscal_year_of(today)
    starts, ends = thaidates.fiscal_year_bounds(year_be)
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=year_be))
    # Step 1 has ended a week ago (40 planned); step 2 runs to the year's end.
    first_end = max(today - dt.timedelta(days=7), starts)
    PlanStepFactory(
        project=project, order=1, weight=Decimal(40), starts_on=starts, ends_on=first_end
    )
    PlanStepFactory(
        project=project,
        order=2,
        weight=Decimal(60),
        starts_on=first_end + dt.timedelta(days=1),
        ends_on=ends,
    )
    ProgressEntryFactory(project=project, reported_on=today, percent=Decimal(5))
    return {
        "project": project,
        "today": today,
        "ends": ends,
        "staff": UserFactory(agency=project.agency),
        "head": UserFactory(head=True, agency=project.agency),
    }


def signed_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def scurve_names(page) -> list[str]:
    figure = json.loads(page.locator("#scurve-figure").text_content())
    return [trace["name"] for trace in figure["data"]]


def test_approve_replan_approve_and_see_both_curves(world, live_server, browser):
    project, today = world["project"], world["today"]
    versions = f"/projects/{project.code}/plan/versions/"
    staff = signed_in(browser, live_server, world["staff"])
    head = signed_in(browser, live_server, world["head"])
    problems = problems_of(staff) + problems_of(head)

    # Staff send the plan; the head approves it: version 1 is the baseline.
    staff.goto(versions)
    staff.click("#plan-submit-button")
    # Sent, the form gives way to what happened, where it was.
    staff.locator("#versions > .alert").get_by_text("ส่งแผนฉบับที่ 1 ให้อนุมัติแล้ว").wait_for()
    head.goto(versions)
    head.locator("#version-1").get_by_role("button", name="อนุมัติแผนฉบับที่ 1").click()
    head.locator("#version-1 .plan-version__notice").get_by_text("เป็นแผนฐาน").wait_for()

    # Staff push step 1 to the year's end: without the reason, the editor says why not.
    staff.goto(f"/projects/{project.code}/plan/edit/")
    late_end = thaidates.format_be(world["ends"] - dt.timedelta(days=1))
    staff.fill('input[name="steps-0-ends_on"]', late_end)
    staff.fill('input[name="steps-1-starts_on"]', thaidates.format_be(world["ends"]))
    staff.click("#plan-submit")
    staff.locator(".plan__reason").get_by_text("กรุณาระบุเหตุผลที่ปรับแผน").wait_for()
    staff.fill("#id_reason", "งบประมาณได้รับล่าช้า")
    with staff.expect_navigation():
        staff.click("#plan-submit")

    # Version 2 waits: "behind" is still measured against version 1.
    staff.goto(f"/projects/{project.code}/")
    steps_v1 = list(project.plan_versions.get(number=1).steps.all())
    planned_v1 = progress.planned_percent(steps_v1, min(today, world["ends"]))
    assert "วัดความล่าช้าเทียบกับแผนฐาน (ฉบับที่ 1" in staff.locator("#scurve").text_content()
    alert = staff.locator("#scurve .alert--error").text_content()
    assert "ล่าช้ากว่าแผน" in alert and f"แผน ร้อยละ {planned_v1:.2f}" in alert
    assert scurve_names(staff) == [
        "แผนฐานที่อนุมัติ (ฉบับที่ 1)",
        "แผนปัจจุบัน",
        "ผลการดำเนินงาน",
    ]

    # The head approves version 2; the page draws both plans and the changes are listed.
    head.goto(versions)
    assert "งบประมาณได้รับล่าช้า" in head.locator("#version-2 .plan-version__reason").text_content()
    head.locator("#version-2").get_by_role("button", name="อนุมัติแผนฉบับที่ 2").click()
    head.locator("#version-2 .plan-version__notice").wait_for()
    changes = head.locator("#version-2 .plan-version__diff li").all_text_contents()
    assert any(c.startswith("วันที่ขั้นตอน 1.") and late_end in c for c in changes), changes
    head.goto(f"/projects/{project.code}/")
    head.locator("#scurve .scurve__chart .main-svg").first.wait_for()
    assert scurve_names(head) == ["แผนฐานที่อนุมัติ (ฉบับที่ 2)", "แผนปัจจุบัน", "ผลการดำเนินงาน"]
    assert head.locator("#scurve .scatterlayer .trace").count() == 3
    assert "ฉบับที่ 2" in head.locator("#scurve .scurve__against").text_content()
    assert problems == []
