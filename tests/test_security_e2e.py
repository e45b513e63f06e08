"""The Content-Security-Policy in Debian's Chromium: the pages with Plotly charts (project
page, dashboard) draw them, progress bars have their widths, htmx swaps work (evaluation
screen, project list search), and the browser reports no policy violation, neither for
scripts nor for styles (style-src 'self', no 'unsafe-inline'), while an injected inline
script and an injected inline style are really blocked (so the policy is enforced, not
just sent). And "back" after logout does not show a page again (Cache-Control)."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import SEED_CODE
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """Page with every CSP violation and console error recorded."""
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: console.append(f"exception: {error}"))
    return console


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def charts_drawn(page, count: int) -> None:
    page.wait_for_function(
        # A function, not an expression: Playwright polls an expression with eval(), which
        # the policy refuses.
        f"() => document.querySelectorAll('[data-figure][data-drawn=\"true\"] svg').length >= {count}",
        timeout=15_000,
    )


def strict(response) -> None:
    """The page came with the strict policy: styles only from our files."""
    policy = response.headers["content-security-policy"]
    style_src = next(p for p in policy.split(";") if p.split()[0] == "style-src").split()[1:]
    assert style_src == ["'self'"], policy


# Each bar's drawn width against the percent it is given, in CSS pixels.
BAR_WIDTHS = """() => Array.from(document.querySelectorAll("svg.bar")).map(svg => {
  const fill = svg.querySelector("rect");
  return {
    given: parseFloat(fill.getAttribute("width")),
    drawn: 100 * fill.getBoundingClientRect().width / svg.getBoundingClientRect().width,
    height: svg.getBoundingClientRect().height,
  };
})"""


def bars_drawn(page, at_least: int) -> None:
    bars = page.evaluate(BAR_WIDTHS)
    assert len(bars) >= at_least
    assert any(bar["given"] > 0 for bar in bars)
    for bar in bars:
        assert bar["height"] > 0
        assert abs(bar["drawn"] - bar["given"]) < 1, bars


def test_charts_and_htmx_work_under_the_policy(seed_project, live_server, login, page, watched):
    login(UserFactory(username="csp-manager", manager=True))

    # Project page: the gauge and the S-curve (Plotly, from our static plotly.min.js), a
    # bar per monthly report.
    strict(page.goto(f"{live_server.url}/projects/{SEED_CODE}/"))
    figures = page.locator("[data-figure]").count()
    assert figures >= 1
    charts_drawn(page, figures)
    bars_drawn(page, 10)
    # plotly.js found its rules in our stylesheet (no <style> of its own): its layers
    # of SVG lie on top of each other.
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.main-svg')).position")
        == "absolute"
    )
    assert page.locator("style").count() == 0
    assert violations(page) == []

    # Dashboard of the seed year: every figure drawn, the agency's bar; no project of 2564
    # is behind, so a sentence says so instead of the late agencies' chart.
    strict(page.goto(f"{live_server.url}/dashboard/?year=2564"))
    figures = page.locator("[data-figure]").count()
    assert figures >= 3
    assert page.get_by_text("ไม่มีโครงการที่ล่าช้ากว่าแผน").count() == 1
    charts_drawn(page, figures)
    bars_drawn(page, 1)
    assert violations(page) == []
    # A filter swaps the body through htmx and the new figures are drawn again.
    page.select_option("#id_status", "behind")
    page.wait_for_url("**status=behind**")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    # Project list: the search field filters through htmx (hx-trigger, no eval needed).
    page.goto(f"{live_server.url}/projects/")
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request")):
        page.locator("#id_q").press_sequentially("2462")
    page.wait_for_load_state("networkidle")
    assert SEED_CODE in page.content()
    assert violations(page) == []
    assert watched == []


# Pages the tests around this one do not open: (path, what must be shown).
OTHER_PAGES = [
    (f"/projects/{SEED_CODE}/steps/", "svg.bar"),
    (f"/projects/{SEED_CODE}/steps/timeline/", "svg.timeline__bars"),
    (f"/projects/{SEED_CODE}/plan/edit/", "form.plan-editor, form"),
    (f"/projects/{SEED_CODE}/print/", ".doc-head"),
    ("/evaluation/2564/3/", "form"),
    ("/indicators/0100-814/", "svg.bar"),
    ("/projects/", "svg.bar"),
]


def test_other_pages_show_under_the_policy(seed_project, live_server, login, page, watched):
    """The login page, then the others as an administrator (who may open them all)."""
    strict(page.goto(f"{live_server.url}/accounts/login/"))
    assert page.locator("#id_username").is_visible()
    assert violations(page) == []

    login(UserFactory(username="csp-admin", admin=True))
    for path, what in OTHER_PAGES:
        strict(page.goto(f"{live_server.url}{path}"))
        page.wait_for_load_state("networkidle")
        assert page.locator(what).first.is_visible(), path
        if what == "svg.bar":
            bars_drawn(page, 1)
        assert violations(page) == [], path
    # The timeline: a bar in each step's track, undated steps (all of the seed's) too.
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/steps/timeline/")
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll(".timeline__track rect"),
            rect => rect.getBoundingClientRect().width)"""
    )
    assert len(widths) == 10 and all(width > 0 for width in widths), widths
    assert violations(page) == []
    assert watched == []


def test_evaluation_screen_saves_a_row_under_the_policy(
    seed_project, live_server, login, page, watched
):
    login(UserFactory(username="csp-evaluator", evaluator=True))
    page.goto(f"{live_server.url}/evaluation/2564/3/")
    field = f"#id_p{seed_project.pk}-criterion_21"
    page.focus(field)
    page.keyboard.type("80")
    page.keyboard.press("Enter")
    page.locator(f"#eval-{seed_project.pk}-status", has_text="บันทึกแล้ว").wait_for(timeout=10_000)
    assert violations(page) == []
    assert watched == []


def test_the_policy_is_enforced(seed_project, live_server, login, page, watched):
    """An inline script someone managed to inject does not run, and the browser says why."""
    login(UserFactory(username="csp-reader", manager=True))
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    ran = page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__injected = true";
            document.body.appendChild(s);
            return window.__injected === true;
        }"""
    )
    assert ran is False
    # (eval() cannot be tried from here: DevTools' evaluate is allowed to eval.)
    seen = violations(page)
    assert any(v.startswith("script-src") for v in seen), seen

    # An inline style (markup someone got into a page) is not applied either.
    hidden = page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.setAttribute("style", "display: none");
            document.body.appendChild(p);
            return getComputedStyle(p).display === "none";
        }"""
    )
    assert hidden is False
    assert any(v.startswith("style-src") for v in violations(page)), violations(page)


@pytest.fixture
def everyday_page(playwright, browser_type_launch_args):
    """A page of a Chromium as people have it: Playwright turns the back/forward cache
    off by default (--disable-back-forward-cache), and that cache is what shows a page
    again on "back" without asking the server."""
    browser = playwright.chromium.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(locale="th-TH")
    yield context.new_page()
    context.close()
    browser.close()


def test_after_logout_the_back_button_does_not_show_a_project_page(
    seed_project, live_server, everyday_page
):
    """A shared office PC (issue 12, item 7): Cache-Control private, no-store keeps the page
    out of the browser's caches, so going back after logout asks the server, which answers
    with the login page."""
    page = everyday_page
    user = UserFactory(username="back-button", manager=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    heading = page.locator("h1").inner_text()
    assert SEED_CODE in heading
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()
    assert "/accounts/login/" in page.url

    # (A page restored from the back/forward cache fires no "load": wait for the commit.)
    page.go_back(wait_until="commit")
    try:
        page.wait_for_url("**/accounts/login/**", timeout=10_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"back showed {page.url} again, from the browser's cache")
    assert page.locator("#id_username").is_visible()
    assert heading not in page.content()
