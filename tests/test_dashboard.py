"""The managers' dashboard /dashboard/: who may see it, the per-agency numbers, drilling
down agency → projects → project, filters in the URL, CSV/XLSX export, the query budget
(which must not grow with the number of projects) and the cache."""

import csv
import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import timezone

from reports import dashboard
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    QuarterEvaluationFactory,
    UserFactory,
)
from tests.html import page_of, text_of

# A closed fiscal year keeps the numbers fixed whatever day the tests run: it is measured
# on its last day, 30 Sep 2026, and "this month" is September 2026.
YEAR = 2569
SEPTEMBER = dt.date(2026, 9, 1)
URL = "/dashboard/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_project(
    agency, fiscal_year, code, *, steps="dated", actual=None, september=False, score=None, name=None
):
    """A project of two steps (30 + 70) that both end by 30 Sep 2026, so 100 is planned."""
    project = ProjectFactory(
        agency=agency, fiscal_year=fiscal_year, code=code, **({"name": name} if name else {})
    )
    if steps == "dated":
        dates = [
            (dt.date(2025, 10, 1), dt.date(2026, 1, 31)),
            (dt.date(2026, 2, 1), dt.date(2026, 8, 31)),
        ]
    else:  # the seed's placeholder dates: no schedule
        dates = [(dt.date(2020, 10, 1), dt.date(2020, 10, 1))] * 2
    for order, (weight, (starts_on, ends_on)) in enumerate(zip((30, 70), dates, strict=True), 1):
        PlanStepFactory(
            project=project,
            order=order,
            weight=Decimal(weight),
            starts_on=starts_on,
            ends_on=ends_on,
        )
    if actual is not None:
        reported_on = dt.date(2026, 9, 20) if september else dt.date(2026, 6, 20)
        ProgressEntryFactory(project=project, reported_on=reported_on, percent=Decimal(actual))
    if score is not None:
        QuarterEvaluationFactory(project=project, quarter=4, project_score=Decimal(score))
    return project


@pytest.fixture
def year_data(db):
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    other_year = FiscalYearFactory(year_be=YEAR - 1)
    council = AgencyFactory(
        code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร", short_name="สลส."
    )
    district = AgencyFactory(code="50010000", name="สำนักงานเขตพระนคร", short_name="เขตพระนคร")
    projects = {
        "behind": make_project(
            council, fiscal_year, "01000000-1", actual=20, september=True, score=90
        ),
        "done": make_project(council, fiscal_year, "01000000-2", actual=100, september=True),
        "undated": make_project(council, fiscal_year, "01000000-3", steps="placeholder"),
        "silent": make_project(district, fiscal_year, "50010000-1"),
        "close": make_project(district, fiscal_year, "50010000-2", actual=95, score=100),
    }
    # Another year's project must count nowhere.
    make_project(council, other_year, "01000000-9", actual=0)
    return {"year": fiscal_year, "council": council, "district": district, **projects}


@pytest.fixture
def manager_client(client, db):
    client.force_login(UserFactory(manager=True))
    return client


def rows_by_agency(page):
    """{agency name: [the texts of the other cells]} of the agency table, in order."""
    rows = {}
    for row in page.all(".dash-agencies tbody tr"):
        head, *cells = [
            text_of(cell) for cell in row if cell.tag.rpartition("}")[2] in ("th", "td")
        ]
        rows[head] = cells
    return rows


# --- Who may see it ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("traits", "status"),
    [({"manager": True}, 200), ({"evaluator": True}, 200), ({"admin": True}, 200), ({}, 403)],
)
def test_dashboard_is_for_managers_evaluators_and_admins(client, year_data, traits, status):
    client.force_login(UserFactory(**traits))
    assert client.get(URL).status_code == status
    assert client.get(URL + "export.csv").status_code == status


@pytest.mark.django_db
def test_dashboard_needs_login(client, year_data):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(("traits", "shown"), [({"manager": True}, True), ({}, False)])
def test_nav_link_only_for_those_who_may_see_it(client, year_data, traits, shown):
    client.force_login(UserFactory(**traits))
    nav = page_of(client.get("/projects/?year=")).text(".mainnav")
    assert ("แดชบอร์ด" in nav) is shown


# --- The numbers -------------------------------------------------------------------------


@pytest.mark.django_db
def test_agency_rows_count_projects_progress_behind_missing_and_evaluated(year_data):
    filters = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[year_data["year"]], agencies=[], today=dt.date(2026, 11, 25)
    )
    assert filters.day == dt.date(2026, 9, 30)
    # On 25 Nov 2026 September's deadline (10 Oct) has passed: its reports are missing
    # (ขาดส่ง) where absent; no month of the year is still due (รอส่ง).
    assert filters.missing_month == SEPTEMBER
    assert filters.due_month is None

    council, district = dashboard.agency_rows(filters)

    assert (council.agency_code, council.projects) == ("01000000", 3)
    assert council.average_actual == Decimal("40.00")  # (20 + 100 + 0) / 3
    assert (council.scheduled, council.unscheduled) == (2, 1)
    assert council.average_planned == Decimal("100.00")
    assert council.average_scheduled_actual == Decimal("60.00")
    assert (council.behind, council.on_track) == (1, 1)
    assert council.missing == 1  # the undated project never reported
    assert council.evaluated == 1
    assert council.evaluated_share == Decimal("33.33")

    assert (district.projects, district.behind, district.on_track) == (2, 1, 1)
    assert district.missing == 2  # 95 was reported in June, not September
    assert district.evaluated_share == Decimal("50.00")


@pytest.mark.django_db
def test_overview_page_shows_tiles_charts_and_agency_table(manager_client, year_data):
    response = manager_client.get(URL, {"year": YEAR})
    page = page_of(response)

    tiles = page.texts(".tile")
    assert any("โครงการ" in t and "5" in t for t in tiles)
    assert any("ล่าช้ากว่าแผน" in t and "2" in t for t in tiles)
    assert any("ขาดส่งรายงานเดือน กันยายน 2569" in t and "3" in t for t in tiles)
    assert "วัดแผน ณ วันที่ 30 กันยายน 2569" in page.text(".dash-meta")

    rows = rows_by_agency(page)
    assert list(rows) == ["สำนักงานเลขานุการสภากรุงเทพมหานคร", "สำนักงานเขตพระนคร"]
    council = rows["สำนักงานเลขานุการสภากรุงเทพมหานคร"]
    assert council[0] == "3"
    assert council[1].endswith("40.0")
    assert council[3:] == ["1", "1", "-", "33%"]  # behind, missing, due (none), evaluated
    assert page.text(".dash-agencies tfoot").split()[1] == "5"

    for name in ("fig-status", "fig-monthly", "fig-agencies", "fig-progress"):
        figure = json.loads(page.one(f"#{name}").text)
        assert figure["data"], name
        assert page.one(f'[data-figure="{name}"]') is not None
    status = json.loads(page.one("#fig-status").text)
    assert status["data"][0]["values"] == [2, 2, 1]
    monthly = json.loads(page.one("#fig-monthly").text)
    assert monthly["data"][0]["x"][0] == "ต.ค. 68"
    assert monthly["data"][0]["y"][8] == 20.0  # June: one of five projects reported
    assert monthly["data"][0]["y"][11] == 40.0  # September: two of five


@pytest.mark.django_db
def test_drill_down_agency_to_projects_to_project(manager_client, year_data):
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    (link,) = [
        a for a in page.all(".dash-agencies tbody th a") if "เขตพระนคร" in "".join(a.itertext())
    ]
    assert link.get("href") == f"?year={YEAR}&agency=50010000"

    page = page_of(manager_client.get(URL + link.get("href")))

    assert "สำนักงานเขตพระนคร" in page.text(".breadcrumb")
    assert page.all(".dash-agencies") == []  # one agency: its projects instead
    codes = page.texts(".dash-projects tbody tr td:first-child")
    assert codes == ["50010000-1", "50010000-2"]  # largest gap first: 100, then 5
    hrefs = [a.get("href") for a in page.all(".dash-projects tbody tr td:first-child a")]
    assert hrefs == ["/projects/50010000-1/", "/projects/50010000-2/"]
    statuses = page.texts(".dash-projects tbody tr td:nth-child(5)")
    assert statuses == ["ล่าช้า 100 จุด", "ตามแผน"]
    assert manager_client.get(hrefs[0]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "codes"),
    [
        ("behind", ["01000000-1", "50010000-1"]),
        ("on_track", ["01000000-2", "50010000-2"]),
        ("unscheduled", ["01000000-3"]),
        ("missing", ["01000000-3", "50010000-1", "50010000-2"]),
        ("unevaluated", ["01000000-2", "01000000-3", "50010000-1"]),
    ],
)
def test_status_filter_lists_the_projects_behind_each_number(
    manager_client, year_data, status, codes
):
    page = page_of(manager_client.get(URL, {"year": YEAR, "status": status, "order": "code"}))
    assert page.texts(".dash-projects tbody tr td:first-child") == codes


@pytest.mark.django_db
def test_filters_stay_in_the_url_of_every_link(manager_client, year_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "status": "behind"}))

    agency_links = [a.get("href") for a in page.all(".dash-agencies tbody th a")]
    assert agency_links == [
        f"?year={YEAR}&status=behind&agency=01000000",
        f"?year={YEAR}&status=behind&agency=50010000",
    ]
    exports = [a.get("href") for a in page.all(".dash-export a")]
    assert exports == [
        f"/dashboard/export.csv?year={YEAR}&status=behind",
        f"/dashboard/export.xlsx?year={YEAR}&status=behind",
    ]
    form = page.one("form.filters")
    assert form.get("method") == "get"
    assert page.one("#id_status option[selected]").get("value") == "behind"
    assert page.one("#id_year option[selected]").get("value") == str(YEAR)


@pytest.mark.django_db
def test_htmx_request_gets_only_the_body(manager_client, year_data):
    response = manager_client.get(URL, {"year": YEAR, "agency": "01000000"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert "dash-projects" in content
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_defaults_to_the_current_fiscal_year_or_the_newest(year_data):
    years = [year_data["year"], FiscalYearFactory(year_be=YEAR - 1)]
    current = dashboard.parse_filters({}, years=years, agencies=[], today=dt.date(2026, 3, 1))
    assert current.fiscal_year.year_be == YEAR
    assert current.day == dt.date(2026, 3, 1)
    # On 1 March: January is past its deadline (10 Feb), February is due until 10 March,
    # March itself has only begun (projects/months.py).
    assert current.missing_month == dt.date(2026, 1, 1)
    assert current.due_month == dt.date(2026, 2, 1)
    newest = dashboard.parse_filters(
        {"year": "junk"}, years=years, agencies=[], today=dt.date(2030, 3, 1)
    )
    assert newest.fiscal_year.year_be == YEAR
    before = dashboard.parse_filters(
        {"year": str(YEAR)}, years=years, agencies=[], today=dt.date(2025, 8, 1)
    )
    # the year has not begun: no report is missing or due
    assert (before.missing_month, before.due_month) == (None, None)


@pytest.mark.django_db
def test_no_fiscal_year_yet(manager_client):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert "ยังไม่มีปีงบประมาณ" in page_of(response).text("main")


# --- Export ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_of_the_agency_table(manager_client, year_data):
    response = manager_client.get(URL + "export.csv", {"year": YEAR})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="dashboard-{YEAR}.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["รหัสหน่วยงาน", "หน่วยงาน", "จำนวนโครงการ"]
    assert rows[0][9] == "ขาดส่งรายงานเดือน กันยายน 2569"
    assert rows[0][10] == "รอส่งรายงานเดือน -"
    assert rows[1] == [
        "01000000",
        "สำนักงานเลขานุการสภากรุงเทพมหานคร",
        "3",
        "40.00",
        "100.00",
        "60.00",
        "1",
        "1",
        "1",
        "1",
        "",
        "1",
        "33.33",
        # the budget columns (tests/test_dashboard_budget.py): no budget, no targets
        "0",
        "0.00",
        "0.00",
        "0.00",
        "",
        "",
        "",
        "0",
    ]
    assert rows[3][1:3] == ["ทุกหน่วยงาน", "5"]
    assert len(rows) == 4


@pytest.mark.django_db
def test_xlsx_of_the_drilled_down_projects_has_every_page(manager_client, year_data, settings):
    settings.BMA_PROJECTS_PAGE_SIZE = 1
    response = manager_client.get(
        URL + "export.xlsx", {"year": YEAR, "status": "behind", "page": 2}
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="dashboard-{YEAR}-behind.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["รหัสโครงการ", "ชื่อโครงการ", "หน่วยงาน"]
    assert [row[0] for row in values[1:]] == ["50010000-1", "01000000-1"]
    # Against the plan: 80 points below it (issue 14, item 8: signs and words agree).
    assert values[0][5] == "เทียบแผน (จุด)"
    assert values[2][3] == 20 and values[2][4] == 100 and values[2][5] == -80
    assert values[2][6] == "ใช่"


@pytest.mark.django_db
def test_exported_text_never_becomes_a_formula(manager_client, year_data):
    make_project(year_data["council"], year_data["year"], "01000000-7", name="=HYPERLINK(1)")
    csv_rows = list(
        csv.reader(
            io.StringIO(
                manager_client.get(
                    URL + "export.csv", {"year": YEAR, "agency": "01000000"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert "'=HYPERLINK(1)" in [row[1] for row in csv_rows]
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            manager_client.get(URL + "export.xlsx", {"year": YEAR, "agency": "01000000"}).content
        )
    ).active
    cells = [cell for cell in sheet["B"] if cell.value == "=HYPERLINK(1)"]
    assert cells and cells[0].data_type == "s"


@pytest.mark.django_db
def test_unknown_export_format_is_404(manager_client, year_data):
    assert manager_client.get(URL + "export.pdf").status_code == 404


# --- Query budget and cache ----------------------------------------------------------------


def more_projects(year_data, count, start):
    for number in range(start, start + count):
        agency = AgencyFactory(code=f"{60 + number:02d}000000", name=f"สำนักงานเขตทดสอบ {number}")
        make_project(
            agency,
            year_data["year"],
            f"{agency.code}-1",
            actual=number % 100,
            september=number % 2 == 0,
            score=80 if number % 3 else None,
        )


# session with its user and the revision tokens, years, agencies, moved deadlines, agency
# aggregate, monthly counts, the reporting rates (projects/rates.py: projects per
# agency, entries, sent submissions), and the budget columns (reports/dashboard_budget.py:
# the year's targets, the budget aggregate, the monthly disbursement), and the strategy
# table (reports/dashboard_strategy.py: the nodes of the level, their aggregate, the
# filter's nodes)
OVERVIEW_QUERIES = 16
# the same, plus the count and one page of the drilled-down projects
DRILLED_QUERIES = 18


@pytest.mark.django_db
@override_settings(BMA_DASHBOARD_CACHE_SECONDS=0)
@pytest.mark.parametrize(
    ("params", "budget"),
    [
        ({"year": YEAR}, OVERVIEW_QUERIES),
        ({"year": YEAR, "status": "behind"}, DRILLED_QUERIES),
        ({"year": YEAR, "agency": "01000000", "status": "missing"}, DRILLED_QUERIES),
    ],
)
def test_query_count_does_not_grow_with_projects(
    manager_client, year_data, django_assert_max_num_queries, params, budget
):
    with django_assert_max_num_queries(budget):
        small = manager_client.get(URL, params)
    more_projects(year_data, 30, 1)
    for project in list(year_data["council"].projects.all())[:1]:
        for month in range(10, 13):
            ProgressEntryFactory(
                project=project, reported_on=dt.date(2025, month, 2), percent=Decimal(5)
            )
    with django_assert_max_num_queries(budget):
        large = manager_client.get(URL, params)
    assert small.status_code == large.status_code == 200
    assert len(large.content) > len(small.content)


@pytest.mark.django_db
@override_settings(BMA_DASHBOARD_CACHE_SECONDS=0)
def test_export_query_count_does_not_grow(manager_client, year_data, django_assert_max_num_queries):
    more_projects(year_data, 20, 1)
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        manager_client.get(URL + "export.csv", {"year": YEAR})
    with django_assert_max_num_queries(DRILLED_QUERIES - 1):
        manager_client.get(URL + "export.xlsx", {"year": YEAR, "status": "behind"})


@pytest.mark.django_db
@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60)
def test_aggregates_are_cached_for_a_while(
    manager_client, year_data, django_assert_num_queries, session_queries
):
    manager_client.get(URL, {"year": YEAR})
    make_project(year_data["council"], year_data["year"], "01000000-8")
    # the session (session_queries), its user, the year's moved deadlines (for the missing
    # and due months), the strategy filter's nodes (the form of a new query string): the
    # aggregates, years and agencies come from the cache.
    with django_assert_num_queries(session_queries + 3):
        page = page_of(manager_client.get(URL, {"year": YEAR, "sort": "-projects"}))
    assert rows_by_agency(page)["สำนักงานเลขานุการสภากรุงเทพมหานคร"][0] == "3"
    cache.clear()
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    assert rows_by_agency(page)["สำนักงานเลขานุการสภากรุงเทพมหานคร"][0] == "4"


@pytest.mark.django_db
def test_agency_table_sorts_from_the_url(manager_client, year_data):
    page = page_of(manager_client.get(URL, {"year": YEAR, "sort": "projects"}))
    assert list(rows_by_agency(page))[0] == "สำนักงานเลขานุการสภากรุงเทพมหานคร"
    page = page_of(manager_client.get(URL, {"year": YEAR, "sort": "-projects"}))
    assert list(rows_by_agency(page))[0] == "สำนักงานเขตพระนคร"
    header = [a for a in page.all(".dash-agencies thead a") if text_of(a) == "โครงการ"][0]
    assert header.get("href") == f"?year={YEAR}&sort=projects"


@pytest.mark.django_db
def test_evaluated_means_scored_for_the_latest_ended_quarter(year_data):
    """A closed year counts its fourth quarter; a score of an earlier quarter is not enough."""
    early = make_project(year_data["district"], year_data["year"], "50010000-3", actual=100)
    QuarterEvaluationFactory(project=early, quarter=1, project_score=Decimal(100))
    filters = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[year_data["year"]], agencies=[], today=dt.date(2026, 11, 25)
    )
    assert filters.evaluation_quarter == 4
    district = dashboard.agency_rows(filters)[1]
    assert (district.projects, district.evaluated) == (3, 1)

    in_q2 = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[year_data["year"]], agencies=[], today=dt.date(2026, 2, 1)
    )
    assert in_q2.evaluation_quarter == 1
    assert dashboard.agency_rows(in_q2)[1].evaluated == 1

    before = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[year_data["year"]], agencies=[], today=dt.date(2025, 12, 1)
    )
    assert before.evaluation_quarter is None
    assert dashboard.agency_rows(before)[1].evaluated is None
    unevaluated = dataclasses.replace(before, status=dashboard.Status.UNEVALUATED)
    assert list(dashboard.project_rows(unevaluated)) == []


def test_a_kept_overview_does_not_read_the_summary_again(manager_client, year_data, monkeypatch):
    """The overview's HTML is kept as long as its summary: a second view shows it without
    unpickling the summary (90 KB at 20,000 projects, a third of the view's time), only
    the small entry of when it was computed."""
    from reports import dashboard

    computed = dashboard.dashboard_summary
    reads = []
    monkeypatch.setattr(
        dashboard,
        "dashboard_summary",
        lambda filters, **kwargs: reads.append(1) or computed(filters, **kwargs),
    )
    first = rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))
    assert reads == [1]
    second = rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))
    assert reads == [1]
    assert second == first and "สำนักงานเขตพระนคร" in second
    # Another worker (its own process memory, the same shared cache) shows the same kept
    # HTML: the overview is rendered once per change for all workers, not once per worker.
    caches["template_fragments"].clear()
    third = rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))
    assert reads == [1]
    assert third == first


def _stamped(monkeypatch) -> list[str]:
    """The keys of the kept numbers (reports/kept_numbers.py) that views will stamp."""
    from reports import kept_numbers

    keys, stamp = [], kept_numbers.stamp
    monkeypatch.setattr(
        kept_numbers, "stamp", lambda key, *rest: keys.append(key) or stamp(key, *rest)
    )
    return keys


def _later(monkeypatch, seconds: int) -> None:
    """Let ``seconds`` pass for the kept numbers."""
    from reports import kept_numbers

    later = timezone.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(kept_numbers.timezone, "now", lambda: later)


def _queued() -> list:
    """The dashboard refreshes waiting in the task queue (django-tasks-db's rows)."""
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(
            task_path="reports.tasks.refresh_dashboard_numbers", status="READY"
        ).order_by("enqueued_at")
    )


def _queued_refreshes(part: str = "") -> list[list]:
    """The arguments of the queued refreshes (of ``part``, or all)."""
    args = [task.args_kwargs["args"] for task in _queued()]
    return [a for a in args if not part or a[0] == part]


def _run_worker() -> None:
    """What a worker (manage.py db_worker) does with the queue: run each refresh and take it
    off. (The command itself closes the database connection, and with it the test's
    transaction on PostgreSQL.)"""
    from reports import tasks

    for queued in _queued():
        tasks.refresh_dashboard_numbers.call(*queued.args_kwargs["args"])
        queued.delete()


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60, BMA_DASHBOARD_REFRESH_IN_BACKGROUND=True)
def test_stale_numbers_are_shown_while_a_task_computes_them(manager_client, year_data, monkeypatch):
    """Past their 60 s the numbers are computed again by a background task that one view
    queues; every view, meanwhile, shows the old ones (with when they were computed) at once
    (2 s at 20,000 projects: every worker at once made the dashboard's p95 2 s; one view in
    each refresh made the drill-down's p95 tail)."""
    from reports import kept_numbers

    council = "สำนักงานเลขานุการสภากรุงเทพมหานคร"
    keys = _stamped(monkeypatch)
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "3"
    make_project(year_data["council"], year_data["year"], "01000000-8")
    _later(monkeypatch, 61)
    # Another worker took the refresh: this view shows the old numbers and queues nothing.
    assert cache.add(keys[0] + kept_numbers.REFRESH, True, 60)
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "3"
    assert _queued_refreshes("summary") == []
    # The refresh is free again (its worker died): the next view takes it and queues it,
    # with what its filters were read from; the views after it queue it no more.
    cache.delete(keys[0] + kept_numbers.REFRESH)
    for _view in range(2):
        page = page_of(manager_client.get(URL, {"year": YEAR}))
        assert rows_by_agency(page)[council][0] == "3"
    today = timezone.localdate().isoformat()
    assert _queued_refreshes("summary") == [["summary", f"year={YEAR}", today, "th"]]
    _run_worker()
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "4"
    assert cache.get(keys[0] + kept_numbers.REFRESH) is None  # released once stored
    assert set(keys) == {keys[0]}


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60, BMA_DASHBOARD_REFRESH_IN_BACKGROUND=True)
def test_a_refresh_the_queue_refuses_is_computed_in_the_view(
    manager_client, year_data, monkeypatch
):
    from reports import dashboard_views

    def refused(*_args):
        raise ConnectionError("queue down")

    council = "สำนักงานเลขานุการสภากรุงเทพมหานคร"
    manager_client.get(URL, {"year": YEAR})
    make_project(year_data["council"], year_data["year"], "01000000-8")
    _later(monkeypatch, 61)
    monkeypatch.setattr(dashboard_views, "_in_background", lambda *a, **k: refused)
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "4"


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60, BMA_DASHBOARD_REFRESH_IN_BACKGROUND=True)
def test_the_drill_downs_strategy_rows_are_refreshed_in_their_language(
    manager_client, year_data, monkeypatch
):
    """The task rebuilds the view's filters from its query string, day and language: an
    agency drilled down, grouped by strategy, in English."""
    from reports import dashboard_strategy

    query = {"year": YEAR, "agency": year_data["council"].code, "group": "pillar"}
    manager_client.cookies["django_language"] = "en"
    manager_client.get(URL, query)
    make_project(year_data["council"], year_data["year"], "01000000-8")
    _later(monkeypatch, 61)
    manager_client.get(URL, query)
    queued = sorted(_queued_refreshes())
    assert [part for part, *_rest in queued] == ["strategy", "summary"]
    assert {(q, language) for _part, q, _today, language in queued} == {
        (f"year={YEAR}&agency={year_data['council'].code}&group=pillar", "en")
    }
    computed = []
    real = dashboard_strategy._sums
    monkeypatch.setattr(dashboard_strategy, "_sums", lambda *a: computed.append(a[1]) or real(*a))
    _run_worker()
    assert computed == ["pillar"]
    assert _queued_refreshes() == []


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60, BMA_DASHBOARD_REFRESH_IN_BACKGROUND=False)
def test_without_a_shared_cache_the_view_that_finds_them_old_computes_them(
    manager_client, year_data, monkeypatch
):
    """make run (no REDIS_URL): a worker would keep what it computes in its own memory,
    where no server reads it. The view that finds the numbers old computes them, and
    nothing is queued."""
    council = "สำนักงานเลขานุการสภากรุงเทพมหานคร"
    manager_client.get(URL, {"year": YEAR})
    make_project(year_data["council"], year_data["year"], "01000000-8")
    _later(monkeypatch, 61)
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "4"
    assert _queued_refreshes() == []


@override_settings(BMA_DASHBOARD_CACHE_SECONDS=60)
def test_numbers_within_their_time_are_not_computed_again(manager_client, year_data, monkeypatch):
    council = "สำนักงานเลขานุการสภากรุงเทพมหานคร"
    manager_client.get(URL, {"year": YEAR})
    make_project(year_data["council"], year_data["year"], "01000000-8")
    _later(monkeypatch, 59)
    assert rows_by_agency(page_of(manager_client.get(URL, {"year": YEAR})))[council][0] == "3"


def test_the_kept_filter_form_follows_new_agencies_and_the_query(manager_client, year_data):
    """The form is kept under the site's version and the query string (a new agency shows
    at once; the chosen agency stays selected)."""
    form = page_of(manager_client.get(URL, {"year": YEAR})).one("form.filters")
    assert "สำนักงานเขตบางรัก" not in text_of(form)
    AgencyFactory(code="50040000", name="สำนักงานเขตบางรัก")
    page = page_of(manager_client.get(URL, {"year": YEAR}))
    assert "สำนักงานเขตบางรัก" in text_of(page.one("form.filters"))
    page = page_of(manager_client.get(URL, {"year": YEAR, "agency": "50010000"}))
    assert page.one("#id_agency option[selected]").get("value") == "50010000"
