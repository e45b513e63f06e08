"""Every main page on a phone (390 × 844, issue 14, item 7), in Debian's Chromium on the
demo data, as the person who uses it:

- the page never scrolls sideways; a table too wide for the screen scrolls inside its own
  box, and only with a visible cue (shadows at the edges that still hide columns);
- the menu shows that it scrolls: every link can be scrolled into view, with a shadow
  on the side where more links wait;
- the user's name and the logout button stay on the screen;
- the evaluation and report forms fit: no field, button or label beyond the screen's edge;
- project cards say which fiscal year they belong to ("ปีงบประมาณ 2570").
"""

import json
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Indicator
from projects.models import Notification, Project, User
from reports.models import ReportJob
from tests.conftest import SEED_CODE
from tests.factories import current_fiscal_year_be

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@contextmanager
def signed_in(browser, live_server, username: str = "staff", viewport=PHONE):
    """A page of a Thai browser at ``viewport`` (a phone unless said), logged in as
    ``username``; its context is closed afterwards."""
    context = browser.new_context(locale="th-TH", viewport=viewport, base_url=live_server.url)
    try:
        page = context.new_page()
        log_in(page, username)
        yield page
    finally:
        context.close()


def log_in(page, username: str) -> None:
    """Through the login form, with the demo password."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)
    staff = User.objects.get(username="staff")
    Notification.objects.create(  # one unread, with a long line, for the notifications page
        user=staff,
        kind=Notification.Kind.RETURNED,
        key="e2e",
        title="รายงานเดือนพฤศจิกายน 2569 ของโครงการ 01000000-2569 ถูกส่งกลับแก้ไข",
        body="หัวหน้าหน่วยงานส่งกลับให้แก้ไข: " + "แนบภาพถ่ายหน้างานประกอบ" * 8,
        url="/projects/my-agency/",
    )
    current = (
        Project.objects.filter(agency=staff.agency, fiscal_year__year_be=current_fiscal_year_be())
        .order_by("code")
        .first()
    )
    jobs = {}
    for status in (ReportJob.Status.DONE, ReportJob.Status.FAILED, ReportJob.Status.RUNNING):
        jobs[status] = ReportJob.objects.create(
            kind=ReportJob.Kind.AGENCY,
            format=ReportJob.Format.PDF,
            fiscal_year=current.fiscal_year,
            agency=staff.agency,
            status=status,
            requested_by=staff,
            error="เครื่องประมวลผลหยุดกลางคัน" if status == ReportJob.Status.FAILED else "",
            finished_at=timezone.now() if status != ReportJob.Status.RUNNING else None,
        )
    jobs[ReportJob.Status.DONE].file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return {
        "current": current,
        "year": current.fiscal_year.year_be,
        "indicator": Indicator.objects.order_by("code").first(),
    }


def phone_pages(demo) -> list[tuple[str, str | None, str]]:
    current, year, kpi = demo["current"].code, demo["year"], demo["indicator"].code
    return [
        ("login", None, "/accounts/login/"),
        ("project list", "staff", "/projects/"),
        ("project page with the report form", "staff", f"/projects/{current}/"),
        ("report form page", "staff", f"/projects/{current}/report/"),
        ("my agency", "staff", "/projects/my-agency/"),
        ("plan editor", "staff", f"/projects/{current}/plan/edit/"),
        ("KPI list", "staff", "/indicators/"),
        ("reports with jobs", "staff", "/reports/"),
        ("imports", "staff", "/imports/"),
        ("project page, reader", "manager", f"/projects/{SEED_CODE}/"),
        ("dashboard", "manager", "/dashboard/"),
        ("projects not reported", "manager", f"/dashboard/rates/missing/?year={year}"),
        ("evaluation quarter", "evaluator", f"/evaluation/{year}/1/"),
        ("KPI page with its quarter form", "evaluator", f"/indicators/{kpi}/"),
        ("imports, administrator", "admin", "/imports/"),
        ("notifications", "staff", "/notifications/"),
        ("notification settings", "staff", "/notifications/settings/"),
    ]


# Elements that scroll sideways inside the page, and whether each shows a cue.
SCROLL_BOXES = """() => [...document.querySelectorAll("main *, header *")]
    .filter(el => {
        const style = getComputedStyle(el);
        return ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    })
    .map(el => ({
        box: el.tagName.toLowerCase() + "." + [...el.classList].join("."),
        cue: getComputedStyle(el).backgroundAttachment.includes("local")
            && getComputedStyle(el).backgroundImage.includes("gradient"),
    }))"""

# Visible fields, buttons and labels of a form that end beyond the screen's right edge,
# outside any box that scrolls.
OUTSIDE = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "")
        + " " + (el.innerText || "").trim().slice(0, 30))"""


def visible_on_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return bool(box) and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_every_main_page_fits_a_phone(demo, live_server, browser):
    context = browser.new_context(locale="th-TH", viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    problems = {}
    role_now = "anonymous"
    try:
        for name, role, path in phone_pages(demo):
            if role != role_now:
                context.clear_cookies()
                if role is not None:
                    log_in(page, role)
                role_now = role
            assert page.goto(path).status == 200, name
            page.wait_for_load_state("networkidle")
            found = []
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if widths[0] > widths[1]:
                found.append(f"the page scrolls sideways: {widths[0]} px wide on {widths[1]}")
            found += [
                f"{box['box']} scrolls sideways without a cue"
                for box in page.evaluate(SCROLL_BOXES)
                if not box["cue"]
            ]
            if role is not None:
                found += check_the_top_bar(page)
            if found:
                problems[name] = found
    finally:
        context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def check_the_top_bar(page) -> list[str]:
    found = []
    if not visible_on_screen(page, ".userbox__name"):
        found.append("the user's name is not on the screen")
    if not visible_on_screen(page, ".userbox button[type=submit]"):
        found.append("the logout button is not on the screen")
    nav = page.locator(".mainnav")
    scrolls = nav.evaluate("el => el.scrollWidth > el.clientWidth + 1")
    if scrolls:
        # A shadow on the side where links wait: the background's shadows stay put
        # (scroll) while white-out covers scroll with the links (local).
        style = nav.evaluate(
            "el => [getComputedStyle(el).backgroundAttachment, getComputedStyle(el).backgroundImage]"
        )
        if "local" not in style[0] or "radial-gradient" not in style[1]:
            found.append("the menu scrolls without a cue")
    for link in nav.locator("a").all():
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        if not box or box["x"] < -0.5 or box["x"] + box["width"] > 390.5:
            found.append(f"menu link {link.inner_text()!r} cannot be brought on screen")
    nav.evaluate("el => { el.scrollLeft = 0; }")
    return found


def test_the_forms_fit_a_phone(demo, live_server, browser):
    context = browser.new_context(locale="th-TH", viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    fields = "main input:not([type=hidden]), main select, main textarea, main button, main label"
    try:
        for role, path, selector in (
            ("staff", f"/projects/{demo['current'].code}/report/", "#report-form"),
            ("staff", f"/projects/{demo['current'].code}/", "#report-form"),
            ("evaluator", f"/evaluation/{demo['year']}/1/", ".eval-table"),
            ("evaluator", f"/indicators/{demo['indicator'].code}/", ".kpi-table"),
        ):
            context.clear_cookies()
            log_in(page, role)
            page.goto(path)
            assert page.locator(selector).count() == 1, path
            outside = page.evaluate(OUTSIDE, fields)
            assert not outside, (path, outside)
            # Each field says what it is on a phone, where the table's head is not shown.
            if selector in (".eval-table", ".kpi-table"):
                first_row = page.locator(f"{selector} tbody").first
                labels = first_row.locator(".cell-label").all_inner_texts()
                assert any("2.1" in text for text in labels), labels
                assert any("ผลงาน" in text for text in labels), labels
    finally:
        context.close()


def test_project_cards_say_their_fiscal_year(demo, live_server, browser):
    with signed_in(browser, live_server) as page:
        page.goto("/projects/")
        cards = page.locator(".table.projects tbody tr").all()
        assert cards
        for card in cards:
            year = card.locator("td.projects__year").inner_text()
            assert year.startswith("ปีงบประมาณ 25"), year
        page.goto(f"/indicators/{demo['indicator'].code}/")
        year = page.locator(".table.projects tbody tr td.projects__year").first.inner_text()
        assert year.startswith("ปีงบประมาณ 25"), year


def test_report_jobs_are_cards_on_a_phone(demo, live_server, browser):
    """The jobs table used to push the page 100 px wider than a phone: each job is a card
    whose every line says what it holds."""
    with signed_in(browser, live_server) as page:
        page.goto("/reports/")
        jobs = page.locator("table.jobs tbody tr").all()
        assert len(jobs) == 3
        for job in jobs:
            text = job.inner_text()
            assert "ปีงบประมาณ" in text and "สั่งเมื่อ" in text and "สถานะ" in text, text
            box = job.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_reporting_rates_fit_a_phone(demo, live_server, browser):
    """My agency's rates are a card per month, each line saying what it counts; the
    dashboard's agency × month table scrolls inside its box (checked with every page)."""
    with signed_in(browser, live_server) as page:
        page.goto("/projects/my-agency/")
        cards = page.locator("table.agency-rates tbody tr").all()
        assert cards, "no month has ended in the demo's year"
        for card in cards:
            text = card.inner_text()
            assert "ต้องส่ง" in text and "ส่งแล้ว" in text and "ตรงเวลา" in text, text
            box = card.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_the_plan_editors_order_numbers_show_on_a_phone(demo, live_server, browser):
    """The plan editor's table scrolls sideways on a phone; its first column, the steps'
    order numbers, stays wide enough to show them (it was squeezed to a box of 32 px whose
    padding hid the digits)."""
    with signed_in(browser, live_server) as page:
        page.goto(f"/projects/{demo['current'].code}/plan/edit/")
        fields = page.locator(".plan__row input[name$='-order']")
        assert fields.count() > 1
        for size in fields.evaluate_all(
            """els => els.filter(el => el.value).map(el => {
                const style = getComputedStyle(el);
                const inner = el.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                const probe = document.createElement("span");
                probe.style.font = style.font;
                probe.textContent = el.value;
                document.body.append(probe);
                const text = probe.getBoundingClientRect().width;
                probe.remove();
                return {value: el.value, inner, text};
            })"""
        ):
            # Room for the digits and the spin buttons of a number field (about 15 px).
            assert size["inner"] >= size["text"] + 15, size


def test_the_api_tokens_page_is_in_the_menu_on_a_phone(demo, live_server, browser):
    """The top bar of a phone has no room for the "API" link beside the user's name: the
    page of one's API tokens is then the menu's last link, not hidden."""
    with signed_in(browser, live_server) as page:
        page.goto("/projects/")
        links = page.locator("header a[href='/account/tokens/']")
        visible = [link for link in links.all() if link.is_visible()]
        assert len(visible) == 1
        visible[0].scroll_into_view_if_needed()
        box = visible[0].bounding_box()
        assert box and box["x"] >= -0.5 and box["x"] + box["width"] <= 390.5, box
        with page.expect_navigation():
            visible[0].click()
        assert page.url.endswith("/account/tokens/")
        # On a wide screen it stays beside the name, once.
        page.set_viewport_size({"width": 1366, "height": 900})
        assert [link.is_visible() for link in links.all()].count(True) == 1


@pytest.mark.parametrize("width", [390, 1366])
def test_each_notification_checkbox_sits_before_its_label(demo, live_server, browser, width):
    """The notification settings: a box, then its label on the same line, as checkboxes
    are read everywhere. They were stacked, each box centred above its label, and each
    label ended in a colon (Django's suffix for labels in front of a field)."""
    viewport = {**PHONE, "width": width}
    with signed_in(browser, live_server, viewport=viewport) as page:
        page.goto("/notifications/settings/")
        rows = page.locator("#notification-settings .field--check")
        assert rows.count() >= 5
        for row in rows.all():
            box = row.locator("input[type=checkbox]").bounding_box()
            label = row.locator("label").bounding_box()
            assert box["x"] + box["width"] <= label["x"], (box, label)
            middle = box["y"] + box["height"] / 2
            assert label["y"] <= middle <= label["y"] + label["height"], (box, label)
            assert not row.locator("label").inner_text().strip().endswith(":")


@pytest.mark.parametrize("username", ["head", "evaluator"])
def test_the_approvals_link_leaves_the_top_bar_two_lines_on_a_phone(
    demo, live_server, browser, username
):
    """Whoever approves has «รออนุมัติ (N)» in the top bar. On a phone it shares the
    second line with the menu and the language menu, as everyone else's bar has two lines;
    it pushed the language menu onto a third line of its own."""
    with signed_in(browser, live_server, username) as page:
        page.goto("/projects/")
        approvals = page.locator("#nav-approvals")
        assert approvals.is_visible(), "the demo has reports waiting for " + username
        boxes = {
            name: page.locator(selector).bounding_box()
            for name, selector in [
                ("approvals", "#nav-approvals"),
                ("menu", ".mainnav"),
                ("languages", ".langmenu"),
            ]
        }
        middles = {name: box["y"] + box["height"] / 2 for name, box in boxes.items()}
        assert max(middles.values()) - min(middles.values()) < 8, middles
        for name, box in boxes.items():
            assert box["x"] >= -0.5 and box["x"] + box["width"] <= 390.5, (name, box)
        name = page.locator(".userbox__name").bounding_box()
        assert name["y"] + name["height"] <= min(box["y"] for box in boxes.values()), name


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_approvals_link_leaves_the_menu_room_on_a_phone(demo, live_server, browser, language):
    """On a phone the menu scrolls sideways beside «รออนุมัติ (N)» and the language menu.
    In English the link, "Awaiting approval (2)", was half the line: one menu link was left
    in sight. The menu is never narrower than the link beside it."""
    with signed_in(browser, live_server, "head") as page:
        page.goto("/projects/")
        page.locator(f".langmenu a[lang={language}]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        menu = page.locator(".mainnav").bounding_box()
        approvals = page.locator("#nav-approvals").bounding_box()
        assert menu["width"] >= approvals["width"], (menu, approvals)


@pytest.mark.parametrize("width", [768, 1024, 1366])
@pytest.mark.parametrize("username", ["head", "staff"])
def test_no_menu_link_is_broken_over_lines_beside_a_long_agency_name(
    demo, live_server, browser, username, width
):
    """The top bar of an agency's staff or head names the agency, and the demo's agency
    has a long name (สำนักงานเลขานุการสภากรุงเทพมหานคร), as most agencies of the BMA. Beside it
    the menu was squeezed into a column, «หน่วยงานของฉัน» broken over three lines, at
    every width of a laptop. Each link keeps its line; the name and logout stay on the
    screen."""
    with signed_in(browser, live_server, username, viewport={**PHONE, "width": width}) as page:
        page.goto("/projects/")
        links = [link for link in page.locator(".mainnav a").all() if link.is_visible()]
        heights = {link.inner_text(): round(link.bounding_box()["height"]) for link in links}
        assert len(heights) >= 4 and len(set(heights.values())) == 1, heights
        for selector in (".userbox__name", ".userbox button[type=submit]", ".langmenu"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5, (selector, box)
