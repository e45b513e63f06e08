"""Quality gates over the main pages, in Debian's Chromium on the demo data:

- axe-core (tests/a11y/node_modules/axe-core, injected by Playwright): no serious or
  critical violation on any page;
- the Nu HTML Checker (tests/a11y/node_modules/vnu-jar, run with java) finds no error in
  the HTML each page was served as (one JVM for all pages). htmx's ``hx-*`` attributes are
  the one kind of message filtered: the checker knows only ``data-*`` as extensions, and
  htmx reads both spellings;
- the report and evaluation forms work from the keyboard: Tab reaches every field and the
  submit button in order, Enter submits, focus is visible, errors are announced.

The results per page go to test-results/quality-gates.json (and to the terminal with -s).
``make install`` installs the tools (npm install in tests/a11y, Debian's java).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Indicator
from projects.models import Notification, PlanVersion, Project, User
from reports.models import ReportJob
from tests.conftest import SEED_CODE
from tests.factories import current_fiscal_year_be

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tests" / "a11y" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
RESULTS = ROOT / "test-results"
# htmx attributes (hx-get, hx-post, hx-target…): valid for htmx, unknown to the checker.
VNU_IGNORED = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")


def require_tools():
    missing = [str(p.relative_to(ROOT)) for p in (AXE, VNU) if not p.exists()]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: run `make install` (npm install in tests/a11y)",
            pytrace=False,
        )


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo data (seed project, staff / evaluator / manager / admin, projects of the
    current fiscal year with reports, KPIs, evaluations) and one finished report job."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)
    users = {
        name: User.objects.get(username=name)
        for name in ("staff", "head", "evaluator", "manager", "admin")
    }
    staff = users["staff"]
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
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.AGENCY,
        format=ReportJob.Format.XLSX,
        fiscal_year=current.fiscal_year,
        agency=staff.agency,
        status=ReportJob.Status.DONE,
        requested_by=staff,
        finished_at=timezone.now(),
    )
    job.file.save("report.xlsx", ContentFile(b"PK\x03\x04 test"), save=True)
    return {
        "users": users,
        "current": current,
        "indicator": Indicator.objects.order_by("code").first(),
        "job": job,
    }


def main_pages(demo) -> list[tuple[str, str | None, str, int]]:
    """(name, role, path, expected status) of every main page."""
    current = demo["current"].code
    year = demo["current"].fiscal_year.year_be
    pending = PlanVersion.objects.filter(state="submitted").order_by("pk").first().project.code
    return [
        ("login", None, "/accounts/login/", 200),
        ("projects list", "staff", "/projects/", 200),
        ("seed project page", "staff", f"/projects/{SEED_CODE}/", 200),
        ("plan procedure", "staff", f"/projects/{SEED_CODE}/steps/", 200),
        ("plan timeline", "staff", f"/projects/{SEED_CODE}/steps/timeline/", 200),
        ("project page with the report form", "staff", f"/projects/{current}/", 200),
        ("report form page", "staff", f"/projects/{current}/report/", 200),
        ("plan editor", "staff", f"/projects/{current}/plan/edit/", 200),
        ("my agency", "staff", "/projects/my-agency/", 200),
        # The head of the agency (issue 15): reports not yet approved and their history.
        ("project page for the agency's head", "head", f"/projects/{current}/", 200),
        ("my agency for the agency's head", "head", "/projects/my-agency/", 200),
        ("new project form", "staff", "/projects/new/", 200),
        ("change history", "staff", f"/projects/{current}/changes/", 200),
        ("KPI list", "staff", "/indicators/", 200),
        ("KPI page", "staff", f"/indicators/{demo['indicator'].code}/", 200),
        ("print view", "staff", f"/projects/{SEED_CODE}/print/", 200),
        ("reports index", "staff", "/reports/", 200),
        ("report job page", "staff", f"/reports/jobs/{demo['job'].pk}/", 200),
        ("imports index", "staff", "/imports/", 200),
        ("plan workbook upload", "staff", "/imports/plan/", 200),
        ("plan export", "staff", "/imports/plan/export/", 200),
        ("403 page", "staff", "/dashboard/", 403),
        ("404 page", "staff", "/projects/no-such-project/", 404),
        ("evaluation screen", "evaluator", f"/evaluation/{year}/1/", 200),
        ("evaluation summary", "evaluator", f"/evaluation/{year}/summary/", 200),
        ("quarter history", "evaluator", f"/evaluation/{year}/1/history/", 200),
        ("KPI criteria", "evaluator", f"/indicators/{demo['indicator'].code}/criteria/", 200),
        ("dashboard", "manager", "/dashboard/", 200),
        # The dashboard by the strategy tree (issue 18), drilled to a ด้าน, and the tree's import.
        ("dashboard by strategy", "manager", f"/dashboard/?year={year}&node=5", 200),
        ("strategy tree upload", "admin", "/imports/strategy/", 200),
        ("projects not reported", "manager", f"/dashboard/rates/missing/?year={year}", 200),
        ("pages upload", "admin", "/imports/pages/", 200),
        ("approval queue", "head", "/approvals/", 200),
        # Issue 18: the versions of a re-planned plan, version 2 waiting for the head.
        ("plan versions", "head", f"/projects/{pending}/plan/versions/", 200),
        ("delegations", "head", "/approvals/delegations/", 200),
        ("notifications", "staff", "/notifications/", 200),
        ("notification settings", "staff", "/notifications/settings/", 200),
        # Issue 17: the public pages, as an anonymous visitor.
        ("public project list", None, f"/public/?year={year}", 200),
        ("public project page", None, f"/public/projects/{SEED_CODE}/", 200),
        ("public agency summary", None, f"/public/agencies/{demo['current'].agency.code}/", 200),
        ("public KPI page", None, f"/public/indicators/{demo['indicator'].code}/", 200),
        ("API tokens", "staff", "/account/tokens/", 200),
    ]


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def run_vnu(files: dict[str, Path]) -> dict[str, list[str]]:
    completed = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(completed.stderr or completed.stdout or '{"messages": []}')["messages"]
    by_file = {name: [] for name in files}
    # The checker names a file "file:/tmp/…/page-03.html": match on the file's name.
    names = {path.name: name for name, path in files.items()}
    for message in messages:
        if VNU_IGNORED.match(message.get("message", "")):
            continue
        name = names.get(message.get("url", "").rpartition("/")[2], "?")
        by_file.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')} [{message.get('extract', '').strip()}]"
        )
    return by_file


def test_main_pages_pass_axe_and_the_nu_html_checker(demo, live_server, browser, tmp_path):
    require_tools()
    pages = main_pages(demo)
    # Playwright injects axe as an inline script: the site's CSP (rightly) refuses those.
    context = browser.new_context(locale="th-TH", bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    axe_found, html_files, statuses = {}, {}, {}
    role_now = "anonymous"
    for index, (name, role, path, _expected) in enumerate(pages):
        if role != role_now:
            context.clear_cookies()
            if role is not None:
                page.goto("/accounts/login/")
                page.fill("#id_username", role)
                page.fill("#id_password", "demo")
                with page.expect_navigation():
                    page.click("button[type=submit]")
            role_now = role
        response = page.goto(path)
        statuses[name] = response.status
        page.wait_for_load_state("networkidle")
        html = tmp_path / f"page-{index:02d}.html"
        html.write_bytes(response.body())
        html_files[name] = html
        axe_found[name] = run_axe(page)
    context.close()
    # A page with known errors: the checker did run and its messages are read.
    canary = tmp_path / "canary.html"
    canary.write_text(
        '<!doctype html><html lang="th"><head><title>x</title></head>'
        '<body><p id="a"><div>x</div></p><p id="a"></p></body></html>'
    )
    vnu_found = run_vnu({**html_files, "canary": canary})
    assert len(vnu_found.pop("canary")) == 2, "the Nu HTML Checker reported nothing on a bad page"

    summary = {
        name: {
            "status": statuses[name],
            "axe_serious_or_critical": axe_found[name],
            "vnu_errors": vnu_found.get(name, []),
        }
        for name, *_ in pages
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quality-gates.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    for name, found in summary.items():
        print(
            f"{name:36} HTTP {found['status']}  axe {len(found['axe_serious_or_critical'])}  vnu {len(found['vnu_errors'])}"
        )
    assert {name: statuses[name] for name, *_ in pages} == {n: s for n, _, _, s in pages}
    problems = {
        name: found
        for name, found in summary.items()
        if found["axe_serious_or_critical"] or found["vnu_errors"]
    }
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


# --- Keyboard ----------------------------------------------------------------------------

ACTIVE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id, name: el.getAttribute("name"), tag: el.tagName.toLowerCase(),
        type: el.getAttribute("type"), text: el.innerText || "",
        visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
            && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_through(page, start: str, *, until, limit: int = 60) -> list[dict]:
    """Focus ``start``, press Tab until ``until(active)`` is true; every element focused."""
    page.focus(start)
    seen = [page.evaluate(ACTIVE)]
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        seen.append(active)
        if until(active):
            return seen
    raise AssertionError(f"Tab never reached the end: {[a['id'] or a['name'] for a in seen]}")


@pytest.fixture
def keyboard_world(db):
    from decimal import Decimal

    from tests.factories import (
        FiscalYearFactory,
        PlanStepFactory,
        ProjectFactory,
        UserFactory,
    )

    project = ProjectFactory(fiscal_year__year_be=current_fiscal_year_be())
    for order, weight in enumerate((40, 60), start=1):
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
    evaluated = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2564))
    return {
        "project": project,
        "evaluated": evaluated,
        "staff": UserFactory(username="kb-staff", agency=project.agency),
        "evaluator": UserFactory(username="kb-evaluator", evaluator=True),
    }


def test_the_report_form_works_from_the_keyboard(keyboard_world, live_server, login, page):
    project = keyboard_world["project"]
    login(keyboard_world["staff"])
    page.goto(f"{live_server.url}/projects/{project.code}/report/")
    seen = tab_through(
        page,
        "#id_period",
        until=lambda a: a["tag"] == "button" and a["type"] == "submit",
    )
    names = [a["name"] for a in seen if a["name"]]
    expected = [
        "period",
        "reported_on",
        "completed_steps",
        "completed_steps",
        "in_progress_step",
        "partial_percent",
        "narrative",
        "problems",
        "obstacles",
        "lower_reason",
        "evidence",
    ]
    assert [n for n in names if n in expected] == expected, names
    assert all(a["visible"] for a in seen), [a["id"] for a in seen if not a["visible"]]

    # Enter in a field submits; the refusal is announced and tied to its field.
    page.fill("#id_reported_on", "31/02/2569")
    page.fill("#id_narrative", "")
    page.focus("#id_reported_on")
    page.keyboard.press("Enter")
    error = page.locator("#id_reported_on_error[role=alert]")
    error.wait_for(timeout=10_000)
    assert "ไม่มีวันที่ 31/02/2569 ในปฏิทิน" in error.inner_text()
    field = page.locator("#id_reported_on")
    assert "id_reported_on_error" in field.get_attribute("aria-describedby")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_narrative_error" in page.locator("#id_narrative").get_attribute("aria-describedby")

    # Fixed from the keyboard, Enter saves.
    page.fill("#id_reported_on", "")
    page.focus("#id_reported_on")
    page.keyboard.type(
        timezone.localdate().strftime("%d/%m/") + str(timezone.localdate().year + 543)
    )
    page.fill("#id_narrative", "ประชุมคณะทำงานแล้ว")
    page.focus("#id_reported_on")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{project.code}/#history-section", timeout=10_000)
    assert "บันทึกรายงานเดือน" in page.locator(".messages").inner_text()


def test_the_evaluation_row_works_from_the_keyboard(keyboard_world, live_server, login, page):
    evaluated = keyboard_world["evaluated"]
    prefix = f"id_p{evaluated.pk}"
    login(keyboard_world["evaluator"])
    page.goto(f"{live_server.url}/evaluation/2564/1/")
    seen = tab_through(
        page,
        f"#{prefix}-result_value",
        until=lambda a: a["tag"] == "button" and a["type"] == "submit",
    )
    assert [a["id"] for a in seen[:5]] == [
        f"{prefix}-result_value",
        f"{prefix}-criterion_21",
        f"{prefix}-criterion_22",
        f"{prefix}-project_score",
        f"{prefix}-comment",
    ]
    assert evaluated.code in seen[-1]["text"] or len(seen) == 6
    assert all(a["visible"] for a in seen)

    page.focus(f"#{prefix}-criterion_21")
    page.keyboard.type("150")
    page.keyboard.press("Enter")
    error = page.locator(f"#{prefix}-criterion_21_error[role=alert]")
    error.wait_for(timeout=10_000)
    assert "ต้องไม่เกิน 100" in error.inner_text()
    field = page.locator(f"#{prefix}-criterion_21")
    assert f"{prefix}-criterion_21_error" in field.get_attribute("aria-describedby")
    # A function, not an expression: Playwright polls an expression with eval(), which the
    # site's CSP (no unsafe-eval) refuses.
    page.wait_for_function("id => document.activeElement.id === id", arg=f"{prefix}-criterion_21")

    page.keyboard.press("Control+A")
    page.keyboard.type("80")
    page.keyboard.press("Enter")
    page.locator(f"#eval-{evaluated.pk}-status", has_text="บันทึกแล้ว").wait_for(timeout=10_000)
