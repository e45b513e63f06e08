"""Issue 16's "Done when" walk in Debian's Chromium. An agency's staff member (the agency
reports directly: no approval) creates a project with its budget through /projects/new/,
records a transfer in on the project page, and saves two monthly reports with cumulative
committed and disbursed figures (October and November, today pinned to 5 November).
Hostile amounts typed into the report's disbursed field (negative, 1e30, "1,2,3", Thai
digits, more than the budget) are refused in Thai beside the field and store nothing.
Then, against numbers worked out by hand: the project page's budget block and its
disbursement chart (Plotly, no console errors), the PDF's text and its first page rendered
to PNG (not blank), and a manager's dashboard row for the agency in ล้านบาท."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import BudgetTransfer, BudgetType, ProgressEntry, Project
from tests.browser import problems_of
from tests.factories import FiscalYearFactory, UserFactory, current_fiscal_year_be

pytestmark = pytest.mark.e2e

# By hand: 10,000,000 allocated + 500,000 transferred in = 10,500,000 after transfers.
# The second report's cumulative figures: committed 4,000,000, disbursed 2,640,000, so
# used 6,640,000, remaining 3,860,000, disbursed 2,640,000 / 10,500,000 = 25.14 %.
EXPECTED = {
    "allocated": "10,000,000.00 บาท",
    "after": "10,500,000.00 บาท",
    "committed": "4,000,000.00 บาท",
    "disbursed": "2,640,000.00 บาท",
    "used": "6,640,000.00 บาท",
    "remaining": "3,860,000.00 บาท",
    "percent": "25.14",
}
HOSTILE = {  # typed into the disbursed field: a part of the Thai message beside it
    "-5": "จำนวนเงินต้องไม่ติดลบ",
    "1e30": "«1e30» ไม่ใช่จำนวนเงิน",
    "1,2,3": "«1,2,3» ไม่ใช่จำนวนเงิน",
    "๑๒๓": "กรุณากรอกจำนวนเงินด้วยเลขอารบิก",
    "11,000,000": "เกินงบประมาณหลังโอนเปลี่ยนแปลง (10,500,000.00 บาท)",
}


def be_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def previews_in_flight(page) -> set:
    """The report form's live previews not yet answered, kept up to date."""
    flight: set = set()
    page.on("request", lambda r: "/report/preview/" in r.url and flight.add(r))
    page.on("requestfinished", lambda r: flight.discard(r))
    page.on("requestfailed", lambda r: flight.discard(r))
    return flight


def submit_report(page, flight):
    """Save the form once its previews are answered. The preview runs on every change, and
    clicking the button would fire one for the field just left, alongside the save: on the
    test database (SQLite in memory, shared cache, with no waiting for locks) that read
    could meet the save's write lock and answer 503, which a file database (the settings'
    timeout) waits out. So leave the field first and let its previews finish."""
    page.keyboard.press("Tab")
    page.wait_for_timeout(450)  # the input trigger's 400 ms delay
    while flight:
        page.wait_for_timeout(50)
    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.click("#report-form button[type=submit]")


def test_budget_transfer_two_reports_page_pdf_dashboard_and_hostile_amounts(
    browser, live_server, transactional_db, tmp_path, monkeypatch
):
    year = FiscalYearFactory(year_be=current_fiscal_year_be())
    # 5 November: October (due 10 November) and November are both open for reporting.
    today = dt.date(year.starts_on.year, 11, 5)
    monkeypatch.setattr("projects.view_helpers.today", lambda: today)
    BudgetType.objects.get_or_create(name="งบลงทุน")  # (the flush removed the migration's)
    staff = UserFactory()
    assert not staff.agency.reports_need_approval
    manager = UserFactory(manager=True)
    code = f"{staff.agency.code}-7160"
    contexts = []

    def logged_in(user):
        context = browser.new_context(locale="th-TH", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "demo")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/accounts/login/" not in page.url
        return page

    try:
        page = logged_in(staff)
        problems = problems_of(page, http_from=500)
        flight = previews_in_flight(page)

        # The budget, entered with the new project.
        page.goto("/projects/new/")
        page.fill("#id_code", code)
        page.fill("#id_name", "โครงการก่อสร้างทางเท้า")
        page.fill("#id_budget_allocated", "10,000,000")
        page.select_option("#id_budget_type", label="งบลงทุน")
        with page.expect_navigation():
            page.click("form.new-project button[type=submit]")
        project = Project.objects.get(code=code)
        assert project.budget_allocated == Decimal("10000000")

        # A transfer in, on the project page.
        page.goto(f"/projects/{code}/")
        form = page.locator("#budget form")
        form.locator("[name=transferred_on]").fill(be_date(today))
        form.locator("[name=direction][value=in]").check()
        form.locator("[name=amount]").fill("500,000")
        form.locator("[name=reason]").fill("รับโอนจากโครงการปรับปรุงทางเท้า")
        form.locator("button[type=submit]").click()
        expect(page.locator("#budget [data-budget=after]")).to_have_text(EXPECTED["after"])
        assert BudgetTransfer.objects.get(project=project).amount == Decimal("500000")

        # Two monthly reports with cumulative figures.
        months = page.locator("#id_period option").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )
        assert len(months) >= 2, months
        months = sorted(months)[:2]
        for month, (percent, committed, disbursed) in zip(
            months,
            (("10", "3,000,000", "1,000,000"), ("30", "4,000,000", "2,640,000")),
            strict=True,
        ):
            page.goto(f"/projects/{code}/")
            page.select_option("#id_period", month)
            page.fill("#id_percent", percent)
            page.fill("#id_narrative", "ดำเนินการตามแผน")
            page.fill("#id_committed", committed)
            page.fill("#id_disbursed", disbursed)
            submit_report(page, flight)
            errors = page.locator("#report-form [id$=_error]").all_inner_texts()
            assert not errors, (month, errors)
            expect(page.locator("#report-status")).to_contain_text("บันทึกรายงานเดือน")
        entries = ProgressEntry.objects.filter(project=project).order_by("period")
        assert [(e.committed, e.disbursed) for e in entries] == [
            (Decimal("3000000"), Decimal("1000000")),
            (Decimal("4000000"), Decimal("2640000")),
        ]

        # Hostile amounts in the disbursed field: refused in Thai beside it, nothing stored.
        stored = list(ProgressEntry.objects.values_list("pk", "committed", "disbursed"))
        for hostile, message in HOSTILE.items():
            page.goto(f"/projects/{code}/")
            page.select_option("#id_period", months[1])
            page.fill("#id_percent", "35")
            page.fill("#id_narrative", "ทดลองตัวเลขผิด")
            page.fill("#id_committed", "4,000,000")
            page.fill("#id_disbursed", hostile)
            submit_report(page, flight)
            error = page.locator("#id_disbursed_error")
            error.wait_for()
            text = error.inner_text()
            assert message in text, (hostile, text)
            assert page.locator("#id_disbursed").input_value() == hostile  # kept as typed
            assert page.locator("#id_narrative").input_value() == "ทดลองตัวเลขผิด"
            assert list(ProgressEntry.objects.values_list("pk", "committed", "disbursed")) == (
                stored
            ), hostile
        assert BudgetTransfer.objects.count() == 1

        # The project page: the block's numbers and the chart.
        page.goto(f"/projects/{code}/")
        for key, value in EXPECTED.items():
            expect(page.locator(f"#budget [data-budget={key}]")).to_have_text(value)
        page.locator('#disbursement [data-figure="disbursement-figure"] .main-svg').first.wait_for()
        assert problems == []

        # The PDF: the same numbers, and a first page that is not blank.
        response = page.request.get(f"/projects/{code}/print.pdf")
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/pdf")
        pdf = tmp_path / "project.pdf"
        pdf.write_bytes(response.body())
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for value in EXPECTED.values():
            assert value.removesuffix(" บาท") in text, (value, text)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
        )
        (png,) = tmp_path.glob("p*.png")
        from PIL import Image

        with Image.open(png) as image:
            low, high = image.convert("L").getextrema()
        assert png.stat().st_size > 0 and low < high, (low, high)

        # A manager's dashboard: the agency's budget row in ล้านบาท.
        dash = logged_in(manager)
        dash.goto("/dashboard/")
        row = dash.locator(".dash-budget-agencies tbody tr", has_text=staff.agency.name)
        expect(row).to_contain_text("10.50 ล้านบาท")
        expect(row).to_contain_text("2.64 ล้านบาท")
        expect(row).to_contain_text("25.14")
    finally:
        for context in contexts:
            context.close()
