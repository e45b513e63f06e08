"""The strategy tree in Debian's Chromium (issue 18): group the dashboard by ด้าน, drill to
a ด้าน (its มิติ and its projects), then to a project, whose page shows the link's path
back to the dashboard filtered by its node."""

import datetime as dt
from decimal import Decimal

import pytest

from projects import strategy
from projects.models import StrategyLink, StrategyNode
from tests.browser import problems_of
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    strategy_top_levels,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def data(db):
    year = FiscalYearFactory(year_be=2569)
    agency = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    top = strategy_top_levels()
    pillar = top["5"]
    dimension = StrategyNode.objects.create(
        level=strategy.DIMENSION, code="5.1", name="การมีส่วนร่วมของประชาชน", parent=pillar
    )
    goal = StrategyNode.objects.create(
        level=strategy.GOAL, code="5.1.1", name="ประชาชนมีส่วนร่วม", parent=dimension
    )
    for n, (node, percent) in enumerate(((goal, 40), (top["1"], 80))):
        project = ProjectFactory(
            agency=agency, fiscal_year=year, code=f"01000000-{n + 1}", name=f"โครงการที่ {n + 1}"
        )
        PlanStepFactory(
            project=project,
            order=1,
            weight=Decimal(100),
            starts_on=dt.date(2025, 10, 1),
            ends_on=dt.date(2026, 6, 30),
        )
        ProgressEntryFactory(project=project, reported_on=dt.date(2026, 9, 10), percent=percent)
        StrategyLink.objects.create(project=project, order=1, text=node.label, node=node)


def test_group_by_pillar_and_drill_to_a_project(data, live_server, login, page):
    problems = problems_of(page)
    login(UserFactory(username="e2e-manager", manager=True))
    page.goto(f"{live_server.url}/dashboard/?year=2569&group=pillar")
    rows = page.locator(".dash-strategy tbody tr")
    assert rows.count() == 8  # the seven ด้าน and routine work
    pillar = rows.filter(has_text="ด้านที่ 5 มหานครประชาธิปไตย")
    assert pillar.locator("td").first.inner_text() == "1"

    pillar.locator("th a").click()
    page.wait_for_url("**node=5**")
    assert page.locator(".dash-strategy tbody tr").count() == 1
    assert "มิติที่ 5.1 การมีส่วนร่วมของประชาชน" in page.locator(".dash-strategy").inner_text()
    projects = page.locator(".dash-projects tbody tr")
    assert projects.count() == 1

    projects.first.locator("td a").first.click()
    page.wait_for_url("**/projects/01000000-1/")
    path = page.locator("ul.strategy .strategy-path").first
    assert "ด้านที่ 5 มหานครประชาธิปไตย › มิติที่ 5.1" in path.inner_text()
    path.get_by_role("link", name="มิติที่ 5.1 การมีส่วนร่วมของประชาชน").click()
    page.wait_for_url("**node=5.1**")
    assert "เป้าหมายที่ 5.1.1 ประชาชนมีส่วนร่วม" in page.locator(".dash-strategy").inner_text()
    assert problems == []
