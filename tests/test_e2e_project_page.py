"""The seed project page in Debian's Chromium: logged in through the form, the Plotly gauge
drawn from our own static plotly.js, no console error, no failed request."""

import pytest

from tests.browser import problems_of
from tests.conftest import SEED_CODE
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_log(page):
    """Everything that went wrong in the page, from the login page on."""
    return problems_of(page)


def test_seed_page_draws_the_gauge(seed_project, live_server, login, page, browser_log, tmp_path):
    user = UserFactory(username="e2e-staff", agency=seed_project.agency)
    login(user)

    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    chart = page.locator('.gauge__chart[data-drawn="true"]')
    chart.locator("svg").first.wait_for(state="attached", timeout=15_000)

    assert page.evaluate("typeof window.Plotly") == "object"
    # The drawn gauge shows the number, and the text beside it says the same.
    assert "100" in chart.inner_text()
    assert page.locator(".gauge figcaption").inner_text() == "ความคืบหน้าโครงการ ร้อยละ 100"
    # Without JavaScript's fallback: the plain number stays hidden once the chart is drawn.
    assert not page.locator(".gauge__value").is_visible()
    assert page.locator("h1 .project-name").inner_text() == "โครงการสภากรุงเทพมหานครพบประชาชน"

    screenshot = tmp_path / "seed-page.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    assert browser_log == []


def test_history_more_loads_over_htmx(seed_project, live_server, login, page, browser_log):
    login(UserFactory(username="e2e-reader"))
    page.goto(f"{live_server.url}/projects/{SEED_CODE}/")
    assert page.locator("li.entry").count() == 10

    with page.expect_response(lambda response: "page=2" in response.url) as response_info:
        page.click("#history-more a")
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true"
    page.locator("text=(12)").wait_for()

    # The next entries came in place of the link, without a page load.
    assert page.locator("li.entry").count() == 12
    assert page.locator("#history-more").count() == 0
    assert page.url == f"{live_server.url}/projects/{SEED_CODE}/"
    assert browser_log == []
