"""The projects list /projects/: filters by fiscal year and agency, search by name or code,
pagination (full page and htmx fragment), a progress bar per project, and a query count
that does not grow with the number of projects."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgencyFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import page_of, text_of

URL = "/projects/"


def codes(response):
    return [a.get("href").strip("/").split("/")[-1] for a in page_of(response).all("td.nowrap a")]


@pytest.fixture
def two_agencies_two_years(db):
    council = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    works = AgencyFactory(code="09000000", name="สำนักการโยธา")
    projects = {
        "council-2564": ProjectFactory(
            agency=council,
            fiscal_year__year_be=2564,
            code="01000000-2462",
            name="โครงการสภากรุงเทพมหานครพบประชาชน",
        ),
        "council-2565": ProjectFactory(
            agency=council, fiscal_year__year_be=2565, code="01000000-3001", name="โครงการอบรม"
        ),
        "works-2564": ProjectFactory(
            agency=works, fiscal_year__year_be=2564, code="09000000-1001", name="โครงการซ่อมถนน"
        ),
        "works-2565": ProjectFactory(
            agency=works, fiscal_year__year_be=2565, code="09000000-1002", name="โครงการสร้างสะพาน"
        ),
    }
    return projects


def test_list_needs_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_list_shows_every_project_newest_year_first(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"year": ""})  # ทุกปี
    assert response.status_code == 200
    assert codes(response) == ["01000000-3001", "09000000-1002", "01000000-2462", "09000000-1001"]
    assert "พบ 4 โครงการ" in page_of(response).text("#results")


def test_filter_by_fiscal_year(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"year": "2564"})
    assert codes(response) == ["01000000-2462", "09000000-1001"]
    selected = page_of(response).all("#id_year option[selected]")
    assert [option.get("value") for option in selected] == ["2564"]


def test_filter_by_agency(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"agency": "09000000"})
    assert codes(response) == ["09000000-1002", "09000000-1001"]


def test_filter_by_year_and_agency(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"agency": "01000000", "year": "2564"})
    assert codes(response) == ["01000000-2462"]


def test_export_link_only_once_agency_and_year_are_chosen(client, two_agencies_two_years):
    client.force_login(UserFactory(manager=True))
    both = page_of(client.get(URL, {"agency": "01000000", "year": "2564"}))
    links = [a.get("href") for a in both.all("#results a") if "Excel" in text_of(a)]
    assert links == ["/imports/plan/export/?agency=01000000&fiscal_year=2564"]
    export = client.get(links[0])
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")

    year_only = page_of(client.get(URL, {"year": "2564"}))
    assert not [a for a in year_only.all("#results a") if "Excel" in text_of(a)]


def test_no_export_link_to_another_agencys_plan(logged_in_client, two_agencies_two_years):
    """Staff see other agencies' projects, not their plan workbooks (permissions.py)."""
    other = page_of(logged_in_client.get(URL, {"agency": "01000000", "year": "2564"}))
    assert not [a for a in other.all("#results a") if "Excel" in text_of(a)]


def test_unknown_filter_values_are_ignored(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"agency": "nope", "year": "1999"})
    assert response.status_code == 200
    assert len(codes(response)) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("สภากรุงเทพมหานครพบ", ["01000000-2462"]),  # part of a name
        ("01000000-2462", ["01000000-2462"]),  # a whole code
        ("0900", ["09000000-1002", "09000000-1001"]),  # part of a code
        ("  สะพาน  ", ["09000000-1002"]),  # spaces around
        ("ไม่มีโครงการนี้", []),
    ],
)
def test_search_by_name_or_code(logged_in_client, two_agencies_two_years, query, expected):
    response = logged_in_client.get(URL, {"q": query})
    assert codes(response) == expected
    if not expected:
        assert "ไม่พบโครงการตามเงื่อนไขที่เลือก" in page_of(response).text()


def test_search_keeps_what_was_typed(logged_in_client, two_agencies_two_years):
    response = logged_in_client.get(URL, {"q": "สะพาน"})
    assert page_of(response).one("#id_q").get("value") == "สะพาน"


def test_progress_bar_per_project(logged_in_client, db):
    project = ProjectFactory(fiscal_year__year_be=2564)
    ProgressEntryFactory(project=project, reported_on=dt.date(2020, 11, 27), percent=Decimal(10))
    ProgressEntryFactory(project=project, reported_on=dt.date(2021, 9, 22), percent=Decimal(100))
    ProjectFactory(fiscal_year__year_be=2564)  # not reported yet
    page = page_of(logged_in_client.get(URL, {"year": "2564"}))
    bars = page.all(".progress")
    assert [bar.get("aria-label") for bar in bars] == [
        "ความคืบหน้า ร้อยละ 100",
        "ความคืบหน้า ร้อยละ 0",
    ]
    assert page.texts(".progress__num") == ["100%", "0%"]
    rows = page.texts("table.projects tbody tr")
    assert "22/09/2564" in rows[0]
    assert "ยังไม่รายงาน" in rows[1]


def test_pagination_full_page_and_htmx_fragment(logged_in_client, db, settings):
    settings.BMA_PROJECTS_PAGE_SIZE = 5
    agency = AgencyFactory()
    for n in range(12):
        ProjectFactory(agency=agency, fiscal_year__year_be=2564, code=f"{agency.code}-{n:04d}")
    first = logged_in_client.get(URL, {"year": "2564"})
    assert codes(first) == [f"{agency.code}-{n:04d}" for n in range(5)]
    pager = page_of(first).one("nav.pager")
    assert "หน้า 1 / 3" in pager.findtext(".//{*}span")
    next_link = page_of(first).one("nav.pager a[rel=next]").get("href")
    # The filters survive paging.
    assert next_link == "?year=2564&page=2"

    last = logged_in_client.get(URL, {"year": "2564", "page": "3"})
    assert codes(last) == [f"{agency.code}-{n:04d}" for n in range(10, 12)]

    fragment = logged_in_client.get(
        URL, {"year": "2564", "page": "2"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = fragment.content.decode()
    assert "<html" not in html and "<form" not in html
    assert codes(fragment) == [f"{agency.code}-{n:04d}" for n in range(5, 10)]


def _count(client, params):
    """Queries of a page rendered whole: nothing of it kept (projects/pagecache.py)."""
    with override_settings(BMA_PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response


def test_list_query_count_does_not_grow_with_projects(logged_in_client, db, settings):
    # the session (none when the cache has it: REDIS_URL), its user, fiscal years,
    # agencies, count, one page of projects (agency, year and latest entry joined or
    # annotated), the user's agency in the top bar.
    settings.BMA_PROJECTS_PAGE_SIZE = 25
    few_agency = AgencyFactory()
    for project in ProjectFactory.create_batch(3, agency=few_agency, fiscal_year__year_be=2564):
        ProgressEntryFactory(project=project)
    few, _ = _count(logged_in_client, {"year": ""})

    for _ in range(6):
        agency = AgencyFactory()
        for project in ProjectFactory.create_batch(7, agency=agency, fiscal_year__year_be=2565):
            ProgressEntryFactory(project=project)
            ProgressEntryFactory(project=project, reported_on=dt.date(2021, 1, 5))
    many, response = _count(logged_in_client, {"year": ""})
    assert "พบ 45 โครงการ" in page_of(response).text("#results")
    assert len(codes(response)) == 25
    assert many == few
    assert many <= 7
    filtered, _ = _count(logged_in_client, {"year": "2565", "agency": agency.code, "q": "โครงการ"})
    assert filtered == few


# --- Where the list starts (issue 14, item 6) ----------------------------------------------


@pytest.fixture
def this_year_and_last(db):
    year = current_fiscal_year_be()
    council = AgencyFactory(code="01000000", name="สำนักงานเลขานุการสภากรุงเทพมหานคร")
    works = AgencyFactory(code="09000000", name="สำนักการโยธา")
    for agency in (council, works):
        for year_be in (year, year - 1):
            ProjectFactory(agency=agency, fiscal_year__year_be=year_be)
    return {"year": year, "council": council, "works": works}


def test_the_list_starts_on_the_current_fiscal_year(client, this_year_and_last):
    client.force_login(UserFactory(manager=True))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year={this_year_and_last['year']}"
    page = page_of(client.get(response["Location"]))
    assert page.one("#id_year option[selected]").get("value") == str(this_year_and_last["year"])
    assert len(codes(client.get(response["Location"]))) == 2


@pytest.mark.parametrize("head", [False, True])
def test_staff_start_on_their_agencys_projects_of_the_year(client, this_year_and_last, head):
    # The agency's staff, and its head (หัวหน้าหน่วยงาน, issue 15).
    client.force_login(UserFactory(agency=this_year_and_last["council"], head=head))
    response = client.get(URL)
    year = this_year_and_last["year"]
    assert response["Location"] == f"{URL}?year={year}&agency=01000000"
    page = client.get(response["Location"])
    assert [code.split("-")[0] for code in codes(page)] == ["01000000"]
    assert page_of(page).one("#id_agency option[selected]").get("value") == "01000000"
    # ทุกปี, ทุกหน่วยงาน: every project.
    assert page_of(page).one("#id_year option[value='']").text == "ทุกปี"
    assert len(codes(client.get(URL, {"year": "", "agency": ""}))) == 4
    # Another agency, as chosen.
    assert len(codes(client.get(URL, {"year": year, "agency": "09000000"}))) == 1


def test_a_filter_in_the_address_is_taken_as_it_is(client, this_year_and_last):
    client.force_login(UserFactory(agency=this_year_and_last["council"]))
    response = client.get(URL, {"agency": "09000000"})  # no year: every year
    assert response.status_code == 200
    assert len(codes(response)) == 2


def test_without_this_years_row_the_list_starts_on_the_latest_year(client, db):
    ProjectFactory(fiscal_year__year_be=2564)
    ProjectFactory(fiscal_year__year_be=2563)
    client.force_login(UserFactory(manager=True))
    assert client.get(URL)["Location"] == f"{URL}?year=2564"
