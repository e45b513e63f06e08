"""Feedback where the person is looking (issue 14, item 2) and no silent truncation (item 3),
in Debian's Chromium.

Every htmx form (the report form, the plan editor, an evaluation row, a KPI row) says what
happened beside its button, in a polite live region that was on the page before the request
(``[data-form-status]``, role=status): the confirmation of a save, or why it failed. Each
failure is tried with ``page.route``: the server answers 500, then 503, then the connection
drops, then no answer comes in time; each time the Thai message appears beside the button,
what was typed is still in the fields, the button works again, and a retry with the network
back saves. A session that ended keeps what was typed too: the login opens in a new tab and
the same button then saves.

A text with a limit shows a live counter; 60,000 characters pasted into the report's
narrative (20,000 at most) stay whole, the counter says so, and the server's message says
by how much.

Screenshots of the report form (saved, failed, over the limit) at 1366 and 390 px go to
test-results/form-feedback/.
"""

import contextlib
import time
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indicators.models import IndicatorQuarterResult, QuarterEvaluation
from projects.models import PlanStep, ProgressEntry
from tests.factories import (
    AgencyFactory,
    IndicatorFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "form-feedback"
# Thai with combining marks and line breaks (each counts one character, as the server counts).
SIXTY_THOUSAND = ("ผลการดำเนินงานเดือนนี้ ประชุมคณะทำงานแล้ว\n" * 2000)[:59_999] + "ว"
TEST_TIMEOUT_MS = 2_000

# (how the request fails, what the person reads beside the button)
FAILURES = [
    ("500", "บันทึกไม่สำเร็จ: เซิร์ฟเวอร์ขัดข้อง (500) ข้อมูลที่พิมพ์ยังอยู่ กรุณาลองอีกครั้ง"),
    ("503", "บันทึกไม่สำเร็จ: ระบบขัดข้องหรือปิดปรับปรุงชั่วคราว (503) ข้อมูลที่พิมพ์ยังอยู่"),
    ("network", "บันทึกไม่สำเร็จ: เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ ข้อมูลที่พิมพ์ยังอยู่"),
    ("timeout", "บันทึกไม่สำเร็จ: เซิร์ฟเวอร์ไม่ตอบภายใน 2 วินาที ข้อมูลที่พิมพ์ยังอยู่"),
]


class Outage:
    """The form's POST answered 500 or 503, its connection dropped, or never answered
    (``mode``); ``None`` lets it through. Other requests (the live preview) pass."""

    def __init__(self, page, url_glob: str):
        self.mode = None
        self.pending = []
        page.route(url_glob, self.handle)

    def handle(self, route):
        if route.request.method != "POST" or self.mode is None:
            route.fallback()
        elif self.mode in ("500", "503"):
            status = int(self.mode)
            route.fulfill(status=status, content_type="text/html", body=f"<h1>{status}</h1>")
        elif self.mode == "network":
            route.abort("connectionreset")
        else:  # timeout: no answer at all
            self.pending.append(route)

    def back(self):
        self.mode = None
        for route in self.pending:
            # The browser may have given up on it already (its timeout).
            with contextlib.suppress(Exception):
                route.abort()
        self.pending.clear()


@pytest.fixture
def problems(page):
    """Uncaught exceptions in the page (console errors of the failures tried are expected)."""
    found = []
    page.on("pageerror", lambda error: found.append(f"exception: {error}"))
    return found


def beside(page, status, button) -> None:
    """The status is in the viewport, next to the button (not ~960 px above it)."""
    box, near = status.bounding_box(), button.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and near is not None
    assert box["y"] >= -1 and box["y"] + box["height"] <= height + 1, (box, height)
    gap = max(box["y"] - (near["y"] + near["height"]), near["y"] - (box["y"] + box["height"]), 0)
    assert gap < 80, (box, near)


def live_region(status) -> None:
    assert status.get_attribute("role") == "status"


def try_every_failure(page, outage, *, submit, status, button, typed: dict, after=None):
    """Each failure in turn: the message beside the button, the fields as typed, the
    button usable again."""
    assert page.evaluate("() => htmx.config.timeout") == 30_000
    page.evaluate("ms => { htmx.config.timeout = ms; }", TEST_TIMEOUT_MS)
    node = status.element_handle()
    for mode, message in FAILURES:
        outage.mode = mode
        submit()
        expect(status).to_contain_text(message, timeout=10_000)
        outage.back()
        for selector, value in typed.items():
            assert page.input_value(selector) == value, (mode, selector)
        expect(button).to_be_enabled()
        beside(page, status, button)
        # The same live region, still on the page: a screen reader announces its change.
        assert node.evaluate("e => e.isConnected && e.matches('[role=status]')")
        if after:
            after(mode)
    page.evaluate("ms => { htmx.config.timeout = ms; }", 30_000)
    return node


# --- The report form ---------------------------------------------------------------------


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


@pytest.fixture
def staff(project):
    return UserFactory(username="staff", agency=project.agency, first_name="สมหญิง")


NARRATIVE = "ได้รับอนุมัติโครงการแล้ว อยู่ระหว่างเตรียมจัดกิจกรรม"


def fill_report(page):
    page.get_by_label("ขออนุมัติโครงการ").check()
    page.locator(".preview__pct", has_text="30.00").wait_for()
    page.fill("#id_narrative", NARRATIVE)
    page.fill("#id_problems", "งบประมาณล่าช้า")


def test_report_failures_keep_the_text_and_say_why_beside_the_button(
    project, staff, live_server, login, page, problems
):
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    fill_report(page)
    status, button = page.locator("#report-status"), page.locator("#report-submit")
    live_region(status)
    outage = Outage(page, f"**/projects/{project.code}/report/")

    def still_the_form(mode):
        assert page.is_checked("#report-form input[name=completed_steps] >> nth=0"), mode
        assert page.locator("#id_password").count() == 0
        assert not ProgressEntry.objects.exists(), mode

    node = try_every_failure(
        page,
        outage,
        submit=button.click,
        status=status,
        button=button,
        typed={"#id_narrative": NARRATIVE, "#id_problems": "งบประมาณล่าช้า"},
        after=still_the_form,
    )

    # The network is back: the same button saves, and says so beside itself.
    button.click()
    expect(status).to_contain_text("บันทึกรายงานเดือน", timeout=10_000)
    assert "ความคืบหน้าร้อยละ 30.00" in status.inner_text()
    assert node.evaluate("e => e.isConnected && e.id") == "report-status"
    assert "บันทึกรายงานเดือน" in node.evaluate("e => e.textContent")
    beside(page, status, page.locator("#report-submit"))
    # Focus is not taken to the message: it stays on the button that was pressed.
    assert page.evaluate("() => document.activeElement.id") == "report-submit"
    assert ProgressEntry.objects.get().narrative == NARRATIVE
    assert problems == []


def test_report_confirmation_is_beside_the_button_on_a_phone(
    project, staff, live_server, login, page
):
    page.set_viewport_size({"width": 390, "height": 844})
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    fill_report(page)
    button = page.locator("#report-submit")
    button.click()
    status = page.locator("#report-status")
    expect(status).to_contain_text("บันทึกรายงานเดือน", timeout=10_000)
    beside(page, status, page.locator("#report-submit"))


def test_the_wait_for_an_answer_starts_once_the_evidence_is_sent(
    project, staff, live_server, login, page, media, tmp_path, problems
):
    """The timeout is for the server's answer: a report with evidence files on a slow line
    takes longer than that to send, and is not given up on meanwhile."""
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    fill_report(page)
    evidence = tmp_path / "หนังสืออนุมัติ.pdf"
    evidence.write_bytes(b"%PDF-1.4\n" + b"0" * 400_000)
    page.set_input_files("#id_evidence", str(evidence))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    throttle = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**throttle, "uploadThroughput": 100_000})
    page.evaluate("ms => { htmx.config.timeout = ms; }", TEST_TIMEOUT_MS)
    started = time.monotonic()
    page.click("#report-submit")
    expect(page.locator("#report-status")).to_contain_text("บันทึกรายงานเดือน", timeout=30_000)
    assert time.monotonic() - started > TEST_TIMEOUT_MS / 1000  # sending took longer
    assert ProgressEntry.objects.get().evidence.count() == 1

    # Sent, and then no answer: given up on after the wait, as without files.
    outage = Outage(page, f"**/projects/{project.code}/report/")
    outage.mode = "timeout"
    page.set_input_files("#id_evidence", str(evidence))
    page.click("#report-submit")
    expect(page.locator("#report-status")).to_contain_text(
        "เซิร์ฟเวอร์ไม่ตอบภายใน 2 วินาที", timeout=30_000
    )
    outage.back()
    assert problems == []


def test_a_session_that_ended_keeps_the_text_and_the_login_opens_in_a_new_tab(
    project, staff, live_server, login, page, problems
):
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    fill_report(page)
    page.context.clear_cookies(name="sessionid")
    status = page.locator("#report-status")
    page.click("#report-submit")
    expect(status).to_contain_text("หมดเวลาการเข้าสู่ระบบ", timeout=10_000)
    # Not the login page swapped into the form: the form, as typed.
    assert page.locator("#id_password").count() == 0
    assert page.input_value("#id_narrative") == NARRATIVE
    link = status.locator("a[target=_blank]")
    assert link.get_attribute("href").startswith("/accounts/login/")

    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    tab.fill("#id_username", staff.username)
    tab.fill("#id_password", "demo")
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    tab.close()

    # Back in the first tab: the same button saves (the page's token is renewed first).
    page.click("#report-submit")
    expect(status).to_contain_text("บันทึกรายงานเดือน", timeout=10_000)
    assert ProgressEntry.objects.get().narrative == NARRATIVE
    assert problems == []


def test_pasting_60000_characters_cuts_nothing_and_the_counter_and_server_say_so(
    project, staff, live_server, login, page, problems
):
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    page.get_by_label("ขออนุมัติโครงการ").check()
    counter = page.locator("#id_narrative_count")
    expect(counter).to_have_text("0 / 20,000 ตัวอักษร")
    page.focus("#id_narrative")
    page.keyboard.insert_text("ประชุม")
    expect(counter).to_have_text("6 / 20,000 ตัวอักษร")
    page.fill("#id_narrative", "")
    page.focus("#id_narrative")
    page.keyboard.insert_text(SIXTY_THOUSAND)  # as a paste does

    assert page.evaluate("() => document.querySelector('#id_narrative').value.length") == 60_000
    expect(counter).to_have_text("60,000 / 20,000 ตัวอักษร · เกินกำหนด 40,000 ตัวอักษร")
    assert "length-counter--over" in counter.get_attribute("class")
    assert "id_narrative_count" in page.get_attribute("#id_narrative", "aria-describedby")
    # Said once, politely, when the text went over the limit.
    expect(page.locator("#length-announcer")).to_contain_text("เกินกำหนด 40,000 ตัวอักษร")
    assert page.get_attribute("#length-announcer", "role") == "status"

    page.click("#report-submit")
    error = page.locator("#id_narrative_error")
    expect(error).to_have_text(
        "ข้อความยาว 60,000 ตัวอักษร เกินกำหนด 20,000 ตัวอักษร กรุณาตัดให้สั้นลง", timeout=10_000
    )
    value = page.evaluate("() => document.querySelector('#id_narrative').value")
    assert value == SIXTY_THOUSAND
    expect(page.locator("#id_narrative_count")).to_contain_text("60,000 / 20,000")
    expect(page.locator("#report-status")).to_contain_text("ยังไม่ได้บันทึก")
    assert not ProgressEntry.objects.exists()
    assert problems == []


@pytest.mark.parametrize("width", [1366, 390])
def test_screenshots_of_the_report_form(project, staff, live_server, login, page, width):
    """Saved, failed and over the limit, as a person sees them (test-results/form-feedback)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/")
    fill_report(page)
    status, button = page.locator("#report-status"), page.locator("#report-submit")

    outage = Outage(page, f"**/projects/{project.code}/report/")
    outage.mode = "500"
    button.click()
    expect(status).to_contain_text("(500)", timeout=10_000)
    outage.back()
    page.screenshot(path=str(SHOTS / f"report-failed-{width}.png"))

    button.click()
    expect(status).to_contain_text("บันทึกรายงานเดือน", timeout=10_000)
    page.screenshot(path=str(SHOTS / f"report-saved-{width}.png"))

    page.fill("#id_problems", "")
    page.focus("#id_problems")
    page.keyboard.insert_text("ก" * 5_200)
    expect(page.locator("#id_problems_count")).to_contain_text("เกินกำหนด 200")
    page.locator("#id_problems").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"report-over-{width}.png"))
    page.locator("#report-submit").click()
    expect(page.locator("#id_problems_error")).to_contain_text("5,200", timeout=10_000)
    page.locator("#report-submit").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"report-refused-{width}.png"))


# --- The plan editor ---------------------------------------------------------------------


def test_plan_editor_failures_keep_the_rows_and_a_retry_saves(
    project, staff, live_server, login, page, problems
):
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/plan/edit/")
    page.fill("input[name='steps-1-weight']", "20")
    page.click(".plan__add")
    page.locator("textarea[name='steps-5-title']").fill("ประชาสัมพันธ์")
    page.fill("input[name='steps-5-weight']", "10")
    status, button = page.locator("#plan-save-status"), page.locator("#plan-submit")
    live_region(status)
    outage = Outage(page, f"**/projects/{project.code}/plan/edit/")
    try_every_failure(
        page,
        outage,
        submit=button.click,
        status=status,
        button=button,
        typed={
            "input[name='steps-1-weight']": "20",
            "textarea[name='steps-5-title']": "ประชาสัมพันธ์",
            "input[name='steps-5-weight']": "10",
        },
    )
    assert PlanStep.objects.filter(project=project).count() == 3

    with page.expect_navigation():
        button.click()
    assert page.url.endswith(f"/projects/{project.code}/#plan")
    assert list(project.steps.order_by("order").values_list("title", flat=True)) == [
        "ขออนุมัติโครงการ",
        "จัดกิจกรรม",
        "สรุปผลและรายงาน",
        "ประชาสัมพันธ์",
    ]
    assert problems == []


def test_plan_editor_refusal_is_said_beside_the_button(project, staff, live_server, login, page):
    login(staff)
    page.goto(f"{live_server.url}/projects/{project.code}/plan/edit/")
    page.locator("textarea[name='steps-0-title']").fill("")
    page.click("#plan-submit")
    status = page.locator("#plan-save-status")
    expect(status).to_contain_text("ยังไม่ได้บันทึก", timeout=10_000)
    beside(page, status, page.locator("#plan-submit"))
    expect(page.locator("#plan-rows .field__error").first).to_contain_text("กรุณากรอกชื่อขั้นตอน")
    # The editor still works after the swap: the running total follows a change.
    page.fill("input[name='steps-1-weight']", "20")
    expect(page.locator("#plan-total")).to_have_text("90.00")


# --- An evaluation row and a KPI row ------------------------------------------------------


@pytest.fixture
def evaluator(db):
    return UserFactory(username="e2e-evaluator", evaluator=True, first_name="สมศรี")


def test_evaluation_row_failures_keep_the_scores_and_a_retry_saves(
    evaluator, live_server, login, page, problems
):
    project = ProjectFactory(fiscal_year__year_be=2564)
    login(evaluator)
    page.goto(f"{live_server.url}/evaluation/2564/1/")
    prefix = f"#id_p{project.pk}"
    page.fill(f"{prefix}-criterion_21", "80")
    page.fill(f"{prefix}-comment", "ติดตามต่อเนื่อง")
    status = page.locator(f"#eval-{project.pk}-status")
    button = page.locator(f"#form-p{project.pk} button[type=submit]")
    live_region(status)
    outage = Outage(page, f"**/evaluation/2564/1/projects/{project.code}/")

    def enter():
        page.focus(f"{prefix}-comment")
        page.keyboard.press("Enter")

    def editable(mode):
        assert page.evaluate("sel => !document.querySelector(sel).readOnly", f"{prefix}-comment"), (
            mode
        )

    try_every_failure(
        page,
        outage,
        submit=enter,
        status=status,
        button=button,
        typed={f"{prefix}-criterion_21": "80", f"{prefix}-comment": "ติดตามต่อเนื่อง"},
        after=editable,
    )
    assert not QuarterEvaluation.objects.exists()
    enter()
    expect(status).to_contain_text("บันทึกแล้ว", timeout=10_000)
    stored = QuarterEvaluation.objects.get(project=project, quarter=1)
    assert (stored.criterion_21, stored.comment) == (Decimal("80.00"), "ติดตามต่อเนื่อง")
    assert problems == []


def test_kpi_row_failures_keep_the_scores_and_a_retry_saves(
    evaluator, live_server, login, page, problems
):
    project = ProjectFactory(fiscal_year__year_be=2564)
    indicator = IndicatorFactory(projects=[project])
    login(evaluator)
    page.goto(f"{live_server.url}/indicators/{indicator.code}/?year=2564")
    page.fill("#id_q2-criterion_21", "70")
    page.fill("#id_q2-comment", "ผ่านเกณฑ์")
    status, button = page.locator("#kpi-q2-status"), page.locator("#form-q2 button[type=submit]")
    live_region(status)
    outage = Outage(page, f"**/indicators/{indicator.code}/2564/2/")

    def enter():
        page.focus("#id_q2-comment")
        page.keyboard.press("Enter")

    try_every_failure(
        page,
        outage,
        submit=enter,
        status=status,
        button=button,
        typed={"#id_q2-criterion_21": "70", "#id_q2-comment": "ผ่านเกณฑ์"},
    )
    assert not IndicatorQuarterResult.objects.exists()
    enter()
    expect(status).to_contain_text("บันทึกแล้ว", timeout=10_000)
    stored = IndicatorQuarterResult.objects.get(indicator=indicator, quarter=2)
    assert (stored.criterion_21, stored.comment) == (Decimal("70.00"), "ผ่านเกณฑ์")
    assert problems == []
