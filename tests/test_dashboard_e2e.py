"""The dashboard in Debian's Chromium: the four Plotly charts drawn from the json_script
data by static/js/app.js, filters applied through htmx with the URL following them, and no
console error."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def data(db):
    fiscal_year = FiscalYearFactory(year_be=2569)
    for number, (code, name) in enumerate(
        (("01000000", "สำนักงานเลขานุการสภากรุงเทพมหานคร"), ("50010000", "สำนักงานเขตพระนคร"))
    ):
        agency = AgencyFactory(code=code, name=name)
        for n, percent in enumerate((20, 100, 60)):
            project = ProjectFactory(agency=agency, fiscal_year=fiscal_year, code=f"{code}-{n}")
            PlanStepFactory(
                project=project,
                order=1,
                weight=Decimal(100),
                starts_on=dt.date(2025, 10, 1),
                ends_on=dt.date(2026, 6, 30),
            )
            ProgressEntryFactory(
                project=project, reported_on=dt.date(2026, 9, 10 + number), percent=percent
            )


def test_dashboard_draws_charts_and_filters_through_htmx(data, live_server, login, page):
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(UserFactory(username="e2e-manager", manager=True))

    page.goto(f"{live_server.url}/dashboard/?year=2569")
    for name in ("fig-status", "fig-monthly", "fig-agencies", "fig-progress"):
        page.locator(f'[data-figure="{name}"][data-drawn="true"] svg').first.wait_for(
            state="attached", timeout=15_000
        )
    assert page.locator(".dash-agencies tbody tr").count() == 2

    page.select_option("#id_status", "behind")
    page.wait_for_url("**status=behind**")
    page.locator(".dash-projects").wait_for()
    assert page.locator(".dash-projects tbody tr").count() == 4  # 20 and 60 of each agency
    # The swapped-in charts are drawn again.
    page.locator('[data-figure="fig-status"][data-drawn="true"] svg').first.wait_for(
        state="attached"
    )

    page.click(".dash-projects tbody tr:first-child td:first-child a")
    page.wait_for_url("**/projects/*/")
    page.locator('#scurve [data-drawn="true"] svg').first.wait_for(state="attached")
    assert problems == []
