"""The Content-Security-Policy in Debian's Chromium: the pages with Plotly charts (project
page, dashboard) draw them, htmx swaps work (evaluation screen, project list search), and
the browser reports no policy violation, while an injected inline script is really
blocked (so the policy is enforced, not just sent)."""

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


def test_charts_and_htmx_work_under_the_policy(seed_project, live_server, login, page, watched):
    login(UserFactory(username="csp-manager", manager=True))

    # Project page: the gauge and the S-curve (Plotly, from our static plotly.min.js).
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    figures = page.locator("[data-figure]").count()
    assert figures >= 1
    charts_drawn(page, figures)
    assert violations(page) == []

    # Dashboard of the seed year: every figure drawn.
    page.goto(f"{live_server.url}/dashboard/?year=2564")
    figures = page.locator("[data-figure]").count()
    assert figures >= 4
    charts_drawn(page, figures)
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


def test_evaluation_screen_saves_a_row_under_the_policy(
    seed_project, live_server, login, page, watched
):
    login(UserFactory(username="csp-evaluator", evaluator=True))
    page.goto(f"{live_server.url}/evaluation/2564/3/")
    field = f"#id_p{seed_project.pk}-criterion_21"
    page.focus(field)
    page.keyboard.type("80")
    page.keyboard.press("Enter")
    page.locator(f"#eval-{seed_project.pk} .eval-saved").wait_for(timeout=10_000)
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


@pytest.fixture
def everyday_page(playwright, browser_type_launch_args):
    """A page of a Chromium as people have it: Playwright turns the back/forward cache
    off by default (--disable-back-forward-cache), and that cache is what shows a page
    again on "back" without asking the server."""
    browser = playwright.chromium.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context()
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
