"""The head's queue (รออนุมัติ) with the keyboard only, in Debian's Chromium: tick two
reports and approve them together, return a third without a comment (refused: the focus
goes to its comment field, the reason beside it), write the comment and return it; after
each action the focus is on what happened, and the focus is visible throughout."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects import thaidates
from projects.models import ProgressEntry, ReportSubmission, User
from tests.browser import problems_of
from tests.factories import (
    ProjectFactory,
    SubmittedReportFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.test_quality_gates_e2e import require_tools, run_axe, run_vnu

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "approvals"

State = ReportSubmission.State


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, *, back=False, limit=80) -> None:
    """Press Tab (Shift+Tab) until ``element_id`` has the focus, and check it shows."""
    for _ in range(limit):
        if focused_id(page) == element_id:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"#{element_id} has the focus but shows no outline"
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"#{element_id} never got the focus ({focused_id(page)!r} has it)")


@pytest.fixture
def queue(transactional_db):
    """Three submitted reports of last month (or this one in the year's first month) of
    three projects of one agency, and its head."""
    today = timezone.localdate()
    year_be = current_fiscal_year_be()
    projects = [ProjectFactory(fiscal_year__year_be=year_be) for _ in range(1)]
    agency = projects[0].agency
    projects += [ProjectFactory(agency=agency, fiscal_year=projects[0].fiscal_year) for _ in "ab"]
    period = max(
        thaidates.add_months(ProgressEntry.period_of(today), -1), projects[0].fiscal_year.starts_on
    )
    submissions = [
        SubmittedReportFactory(
            project=p, period=period, reported_on=min(today, period + dt.timedelta(days=20))
        )
        for p in projects
    ]
    head = UserFactory(role=User.Role.HEAD, agency=agency)
    return head, submissions


def test_the_queue_by_keyboard(page, login, live_server, queue):
    head, (first, second, third) = queue
    login(head)
    # The return without a comment is answered 422 on purpose.
    problems = problems_of(page, http_from=500, expected_console=("422 (Unprocessable Entity)",))
    page.goto(f"{live_server.url}/approvals/")
    expect(page.locator("h1")).to_have_text("รออนุมัติ")
    expect(page.locator("#nav-approvals")).to_have_text("รออนุมัติ (3)")

    # Tick two, then approve them together.
    tab_to(page, f"pick-{first.pk}")
    page.keyboard.press("Space")
    tab_to(page, f"pick-{second.pk}")
    page.keyboard.press("Space")
    tab_to(page, "approve-many-button", back=True)
    page.keyboard.press("Enter")
    notice = page.locator("#queue-notice")
    expect(notice).to_contain_text("อนุมัติแล้ว 2 รายงาน")
    expect(notice).to_be_focused()
    expect(page.locator("#nav-approvals")).to_have_text("รออนุมัติ (1)")
    expect(page.locator("#nav-approvals")).to_have_class("topbar__approvals")
    expect(page.locator(".queue__item")).to_have_count(1)

    # Return the third without a comment: refused, the focus on the comment field.
    tab_to(page, f"return-{third.pk}")
    page.keyboard.press("Enter")
    comment = page.locator(f"#comment-{third.pk}")
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#comment-{third.pk}-error")).to_have_text(
        "กรุณาระบุความเห็นว่าต้องแก้ไขอะไร ก่อนส่งกลับรายงาน"
    )
    page.keyboard.type("กรุณาแนบภาพถ่ายหน้างาน")
    tab_to(page, f"return-{third.pk}")
    page.keyboard.press("Enter")
    expect(notice).to_contain_text("กลับให้แก้ไขแล้ว")
    expect(notice).to_be_focused()
    expect(page.locator(".queue__item")).to_have_count(0)
    expect(page.locator("#queue")).to_contain_text("ไม่มีรายงานรออนุมัติ")

    states = dict(ReportSubmission.objects.values_list("pk", "state"))
    assert states == {
        first.pk: State.APPROVED,
        second.pk: State.APPROVED,
        third.pk: State.RETURNED,
    }
    assert ReportSubmission.objects.get(pk=third.pk).return_comment == "กรุณาแนบภาพถ่ายหน้างาน"
    assert ProgressEntry.objects.filter(project__in=[first.project, second.project]).count() == 2
    assert problems == []


def test_the_queue_and_the_delegations_pass_axe_and_the_nu_html_checker(
    browser, live_server, queue, tmp_path
):
    """As tests/test_quality_gates_e2e.py (whose demo has no head yet on this branch)."""
    require_tools()
    head, _submissions = queue
    # Playwright injects axe as an inline script: the site's CSP (rightly) refuses those.
    context = browser.new_context(locale="th-TH", bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", head.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    files, violations = {}, {}
    for name, path in (("queue", "/approvals/"), ("delegations", "/approvals/delegations/")):
        response = page.goto(path)
        assert response.status == 200
        violations[name] = run_axe(page)
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.body())
    context.close()
    assert violations == {"queue": [], "delegations": []}
    assert run_vnu(files) == {"queue": [], "delegations": []}


def test_the_queue_fits_a_phone(page, login, live_server, queue):
    """At 390 px the queue, its comparison table and its forms need no sideways scrolling."""
    head, _submissions = queue
    page.set_viewport_size({"width": 390, "height": 844})
    login(head)
    page.goto(f"{live_server.url}/approvals/")
    expect(page.locator(".queue__item")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "queue-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=SHOTS / "queue-1366.png", full_page=True)


def test_the_queue_without_javascript(browser, live_server, queue):
    """The same forms post normally and come back to the queue with the message."""
    head, (first, _second, _third) = queue
    context = browser.new_context(locale="th-TH", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", head.username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/approvals/")
    page.click(f"#approve-{first.pk}")
    expect(page.locator(".messages")).to_contain_text("อนุมัติรายงาน")
    expect(page.locator(".queue__item")).to_have_count(2)
    context.close()
