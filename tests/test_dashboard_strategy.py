"""The dashboard by the strategy tree (issue 18): a node filters every part of the
dashboard to its subtree, the table groups by a level with the numbers of its projects
(SQL, a fixed number of queries), and its rows drill down."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings

from projects import strategy
from projects.models import StrategyLink, StrategyNode
from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory, strategy_top_levels
from tests.html import page_of, text_of
from tests.test_dashboard import DRILLED_QUERIES, OVERVIEW_QUERIES, YEAR, make_project

URL = "/dashboard/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def link(project, *nodes):
    for order, node in enumerate(nodes, start=1):
        StrategyLink.objects.create(project=project, order=order, text=node.label, node=node)


@pytest.fixture
def tree_data(db):
    year = FiscalYearFactory(year_be=YEAR)
    agency = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    top = strategy_top_levels()
    pillar = top["5"]
    dimension = StrategyNode.objects.create(
        level=strategy.DIMENSION, code="5.1", name="มิติ", parent=pillar
    )
    goal = StrategyNode.objects.create(
        level=strategy.GOAL, code="5.1.1", name="เป้าหมาย", parent=dimension
    )
    other = top["1"]
    projects = {
        # planned 100 on the measuring day: 20 is behind, 100 is not
        "behind": make_project(agency, year, "01000000-1", actual=20, september=True),
        "done": make_project(agency, year, "01000000-2", actual=100, september=True),
        "silent": make_project(agency, year, "01000000-3"),
        "unlinked": make_project(agency, year, "01000000-4", actual=50, september=True),
    }
    link(projects["behind"], goal, other)
    link(projects["done"], dimension, goal)  # twice in 5.1's subtree: counted once
    link(projects["silent"], other)
    return {"year": year, "5": pillar, "5.1": dimension, "5.1.1": goal, "1": other, **projects}


@pytest.fixture
def manager_client(client, db):
    client.force_login(UserFactory(manager=True))
    return client


def strategy_table(page) -> dict[str, list[str]]:
    return {
        text_of(row.query("th").etree_element): [
            text_of(td.etree_element) for td in row.query_all("td")
        ]
        for row in page.root.query_all(".dash-strategy tbody tr")
    }


def project_codes(page) -> list[str]:
    return sorted(page.texts(".dash-projects tbody tr td:first-child a"))


def test_grouped_by_pillar_each_group_counts_its_projects(manager_client, tree_data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    table = strategy_table(page)
    assert len(table) == 8  # seven ด้าน and routine work
    # ด้านที่ 5: "behind" (20) and "done" (100) → 2 projects, average 60, one behind
    five = table["ด้านที่ 5 มหานครประชาธิปไตย"]
    assert five[0] == "2"
    assert "60.0" in five[1]
    assert five[3] == "1"
    one = table["ด้านที่ 1 มหานครปลอดภัย"]
    assert one[0] == "2"  # "behind" (20) and "silent" (0)
    assert "10.0" in one[1]
    assert table["ด้านที่ 4 มหานครกระชับ"][0] == "0"


def test_a_node_filters_the_dashboard_and_groups_by_the_level_below(manager_client, tree_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "node": "5"}))
    assert list(strategy_table(page)) == ["มิติที่ 5.1 มิติ"]
    assert strategy_table(page)["มิติที่ 5.1 มิติ"][0] == "2"
    assert project_codes(page) == ["01000000-1", "01000000-2"]
    # The agency table and the tiles count the node's projects only.
    assert page.texts(".tiles .tile__value")[0] == "2"
    # Under a เป้าหมาย there is no level below: only its projects.
    page = page_of(manager_client.get(URL, {"year": YEAR, "node": "5.1.1"}))
    assert strategy_table(page) == {}
    assert project_codes(page) == ["01000000-1", "01000000-2"]


def test_group_by_goal_and_unknown_values_are_ignored(manager_client, tree_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "group": "goal"}))
    assert list(strategy_table(page)) == ["เป้าหมายที่ 5.1.1 เป้าหมาย"]
    assert strategy_table(page)["เป้าหมายที่ 5.1.1 เป้าหมาย"][0] == "2"
    response = manager_client.get(URL, {"year": YEAR, "node": "9.9'", "group": "<x>"})
    assert response.status_code == 200
    assert len(strategy_table(page_of(response))) == 8


def test_rows_drill_to_the_node(manager_client, tree_data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    href = next(
        a.get("href")
        for a in page.all(".dash-strategy tbody th a")
        if text_of(a).startswith("ด้านที่ 5")
    )
    assert "node=5" in href and "year=" in href


@pytest.mark.django_db
@override_settings(BMA_DASHBOARD_CACHE_SECONDS=0)
def test_query_count_does_not_grow_with_projects_under_a_node(
    manager_client, tree_data, django_assert_max_num_queries
):
    # node_filters: the node, its subtree
    budget = DRILLED_QUERIES + 2
    with django_assert_max_num_queries(budget):
        manager_client.get(URL, {"year": YEAR, "node": "5"})
    agency = tree_data["behind"].agency
    for n in range(20):
        project = make_project(agency, tree_data["year"], f"01000000-{100 + n}", actual=n)
        link(project, tree_data["5.1.1"])
    with django_assert_max_num_queries(budget):
        response = manager_client.get(URL, {"year": YEAR, "node": "5"})
    assert "22" in strategy_table(page_of(response))["มิติที่ 5.1 มิติ"][0]
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        manager_client.get(URL, {"year": YEAR})


def test_disbursed_percent_per_group(manager_client, tree_data):
    project = tree_data["done"]
    project.budget_allocated = Decimal("1000.00")
    project.save()
    entry = project.entries.get()
    entry.disbursed = Decimal("250.00")
    entry.save()
    table = strategy_table(page_of(manager_client.get(URL, {"year": YEAR})))
    assert table["ด้านที่ 5 มหานครประชาธิปไตย"][4] == "25.0"
    assert table["ด้านที่ 1 มหานครปลอดภัย"][4] == "-"


def test_a_node_filters_the_reporting_rates_and_their_drill_down(manager_client, tree_data):
    """The reporting rates block, its export and its list of missing projects count the
    node's projects only, as the rest of the dashboard (they had counted the whole year)."""
    import datetime as dt

    from projects import rates

    today = dt.date(2026, 11, 25)  # after the year: every month counted
    whole = rates.reporting_rates(tree_data["year"], today=today)
    under = rates.reporting_rates(
        tree_data["year"], today=today, node_ids=tuple(tree_data["5"].subtree_ids())
    )
    assert {cell.expected for cell in whole.total.cells} == {4}
    assert {cell.expected for cell in under.total.cells} == {2}
    missing = rates.missing_projects(
        tree_data["year"], dt.date(2025, 10, 1), node_ids=tuple(tree_data["5"].subtree_ids())
    )
    assert sorted(missing.values_list("code", flat=True)) == ["01000000-1", "01000000-2"]

    page = page_of(manager_client.get(URL, {"year": YEAR, "node": "5"}))
    links = [a.get("href") for a in page.all("#rates a") if "rates" in a.get("href", "")]
    assert links and all("node=5" in href for href in links)
    answer = manager_client.get("/dashboard/rates/missing/", {"year": YEAR, "node": "5"})
    assert answer.status_code == 200
    codes = set(page_of(answer).texts("tbody tr td:first-child a"))
    assert codes <= {"01000000-1", "01000000-2"}
