"""The project page's charts as Chromium draws them (issue 14, item 9), on a wide screen
and a phone: every label of the gauge inside the gauge ("100" was cut to "10"), and the
S-curve's "0%" clear of its first month, "ต.ค."."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import SEED_CODE
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

# Each text of a chart against the box of the chart's SVG: what lies outside is cut.
TEXTS = """(selector) => {
    const chart = document.querySelector(selector);
    const svg = chart.querySelector("svg.main-svg").getBoundingClientRect();
    return [...chart.querySelectorAll("text")]
        .filter(t => t.textContent.trim() && t.getClientRects().length)
        .map(t => {
            const r = t.getBoundingClientRect();
            return {
                text: t.textContent.trim(),
                cls: t.parentNode.getAttribute("class") || t.getAttribute("class") || "",
                left: r.left - svg.left, right: svg.right - r.right,
                top: r.top - svg.top, bottom: svg.bottom - r.bottom,
                box: [r.left, r.top, r.right, r.bottom],
            };
        });
}"""


@pytest.fixture
def projects(db):
    from django.core.management import call_command

    from tests.conftest import SEED_FIXTURE

    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    scheduled = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    for order, (weight, starts_on, ends_on) in enumerate(
        [
            (30, dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
            (70, dt.date(2026, 1, 1), dt.date(2026, 9, 30)),
        ],
        start=1,
    ):
        PlanStepFactory(
            project=scheduled,
            order=order,
            weight=Decimal(weight),
            starts_on=starts_on,
            ends_on=ends_on,
        )
    for day, percent in ((dt.date(2025, 10, 20), 5), (dt.date(2025, 11, 20), 15)):
        ProgressEntryFactory(project=scheduled, reported_on=day, percent=Decimal(percent))
    UserFactory(username="reader", manager=True)
    return {"seed": SEED_CODE, "scheduled": scheduled.code}


def boxes_overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("width", [1366, 390])
def test_chart_labels_fit_and_do_not_collide(projects, live_server, browser, width):
    context = browser.new_context(
        locale="th-TH", viewport={"width": width, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "reader")
        page.fill("#id_password", "demo")
        with page.expect_navigation():
            page.click("button[type=submit]")
        for code in (projects["seed"], projects["scheduled"]):
            page.goto(f"/projects/{code}/")
            page.locator('.gauge__chart[data-drawn="true"] svg').first.wait_for()
            page.locator('.scurve__chart[data-drawn="true"] svg').first.wait_for()
            gauge = page.evaluate(TEXTS, ".gauge__chart")
            labels = [t["text"] for t in gauge]
            assert "100" in labels and "0" in labels, labels
            cut = [t for t in gauge if min(t["left"], t["right"], t["top"], t["bottom"]) < -0.5]
            assert not cut, (code, width, cut)

            curve = page.evaluate(TEXTS, ".scurve__chart")
            zero = next(t for t in curve if t["text"] == "0%")
            october = next(t for t in curve if t["text"] == "ต.ค.")
            assert not boxes_overlap(zero["box"], october["box"]), (code, width)
            months = [t for t in curve if "xtick" in t["cls"]]
            assert len(months) == 12
            cut = [t["text"] for t in months if min(t["left"], t["right"]) < -0.5]
            assert not cut, (code, width, cut)
    finally:
        context.close()
