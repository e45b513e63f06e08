"""Search on the projects list: Thai partial words in names, codes, agencies and report
narratives, every term of the query, paginated, in a number of queries that does not grow
with the data; on PostgreSQL through the pg_trgm indexes."""

import datetime as dt

import pytest
from django.db import connection

from projects.models import ProgressEntry, Project
from projects.search import search_projects, search_terms
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

URL = "/projects/"


@pytest.fixture
def projects(db):
    fiscal_year = FiscalYearFactory(year_be=2569)
    works = AgencyFactory(code="09000000", name="สำนักการโยธา", short_name="สนย.")
    district = AgencyFactory(code="50080000", name="สำนักงานเขตป้อมปราบศัตรูพ่าย", short_name="ขปพ.")
    sidewalk = ProjectFactory(
        agency=works,
        fiscal_year=fiscal_year,
        code="09000000-690001",
        name="โครงการปรับปรุงทางเท้าให้เป็นทางเดินเท้าสำหรับทุกคน พื้นที่เขตบางรัก",
    )
    lights = ProjectFactory(
        agency=district,
        fiscal_year=fiscal_year,
        code="50080000-690002",
        name="โครงการติดตั้งไฟฟ้าแสงสว่างหลอด LED ในจุดเสี่ยงภัย",
    )
    elderly = ProjectFactory(
        agency=district,
        fiscal_year=fiscal_year,
        code="50080000-690003",
        name="โครงการส่งเสริมสุขภาพผู้สูงอายุในชุมชน",
    )
    ProgressEntryFactory(
        project=elderly,
        reported_on=dt.date(2025, 11, 20),
        narrative="จัดกิจกรรมออกกำลังกายร่วมกับอาสาสมัครสาธารณสุขชุมชน",
    )
    ProgressEntryFactory(
        project=elderly,
        reported_on=dt.date(2025, 12, 20),
        narrative="จัดกิจกรรมออกกำลังกายครั้งที่ 2 ร่วมกับอาสาสมัคร",
    )
    return {"sidewalk": sidewalk, "lights": lights, "elderly": elderly}


def codes(query):
    return sorted(search_projects(Project.objects.all(), query).values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ทางเท้า", ["09000000-690001"]),  # part of a name, mid-word
        ("เดินเท้าสำหรับ", ["09000000-690001"]),  # across Thai "words" without spaces
        ("ไฟฟ้าแสง", ["50080000-690002"]),
        ("led", ["50080000-690002"]),  # Latin letters ignore case
        ("690003", ["50080000-690003"]),  # part of a code
        ("๖๙๐๐๐๓", ["50080000-690003"]),  # the same in Thai digits
        ("ป้อมปราบ", ["50080000-690002", "50080000-690003"]),  # part of an agency name
        ("ขปพ", ["50080000-690002", "50080000-690003"]),  # agency short name
        ("ออกกำลังกาย", ["50080000-690003"]),  # a report's narrative
        ("อาสาสมัครสาธารณสุข", ["50080000-690003"]),
        ("ป้อมปราบ ผู้สูงอายุ", ["50080000-690003"]),  # every term must match
        ("ทางเท้า ผู้สูงอายุ", []),
        ("ไม่มีคำนี้แน่นอน", []),
        ("100%", []),  # LIKE wildcards are text, not patterns
        ("_", []),
    ],
)
def test_search_finds_partial_thai_words(projects, query, expected):
    assert codes(query) == expected


@pytest.mark.django_db
def test_sara_am_typed_as_two_marks_still_matches(projects):
    """ำ can arrive as ํ + า (from PDFs and some keyboards)."""
    assert codes("ออกก\u0e4d\u0e32ลังกาย") == ["50080000-690003"]


def test_search_terms():
    assert search_terms("  ทางเท้า   ทางเท้า ๑๒ ") == ["ทางเท้า", "12"]
    assert search_terms("a b c d e f g") == ["a", "b", "c", "d", "e"]
    assert search_terms("") == []
    assert search_terms(None) == []


@pytest.mark.django_db
def test_a_project_with_many_matching_reports_is_listed_once(projects, client):
    client.force_login(UserFactory())
    page = page_of(client.get(URL, {"q": "ออกกำลังกาย"}))
    assert page.texts(".projects tbody tr td:first-child") == ["50080000-690003"]
    assert "พบ 1 โครงการ" in page.text("#results")


@pytest.mark.django_db
def test_list_search_keeps_filters_and_pages(projects, client, settings):
    settings.BMA_PROJECTS_PAGE_SIZE = 1
    client.force_login(UserFactory())
    page = page_of(client.get(URL, {"q": "ป้อมปราบ", "year": "2569"}))
    assert page.texts(".projects tbody tr td:first-child") == ["50080000-690002"]
    next_link = page.one(".pager a[rel=next]").get("href")
    assert "q=%E0%B8%9B" in next_link and "year=2569" in next_link and "page=2" in next_link
    page = page_of(client.get(URL + next_link))
    assert page.texts(".projects tbody tr td:first-child") == ["50080000-690003"]


@pytest.mark.django_db
def test_search_query_count_does_not_grow(projects, client, django_assert_max_num_queries):
    client.force_login(UserFactory())
    # session, user, the revision tokens, the user's agency (page header), years, agencies,
    # count, page (the second view of the same search is kept: tests/test_pagecache.py)
    with django_assert_max_num_queries(8):
        small = client.get(URL, {"q": "โครงการ ชุมชน"})
    district = projects["elderly"].agency
    for number in range(30):
        project = ProjectFactory(
            agency=district,
            fiscal_year=projects["elderly"].fiscal_year,
            code=f"50080000-69{number + 100:04d}",
            name=f"โครงการชุมชนน่าอยู่ที่ {number}",
        )
        for month in (10, 11, 12):
            ProgressEntryFactory(
                project=project,
                reported_on=dt.date(2025, month, 20),
                narrative="ประชุมชุมชน",
                period=dt.date(2025, month, 1),
            )
    with django_assert_max_num_queries(8):
        large = client.get(URL, {"q": "โครงการ ชุมชน"})
    assert "พบ 1 โครงการ" in page_of(small).text("#results")
    assert "พบ 31 โครงการ" in page_of(large).text("#results")


@pytest.mark.django_db
def test_postgresql_uses_the_trigram_indexes(projects):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm indexes exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY indexname",
            ["%trgm%"],
        )
        names = [row[0] for row in cursor.fetchall()]
        assert names == ["entry_narrative_trgm", "project_code_trgm", "project_name_trgm"]
        # With sequential scans off, the planner must be able to answer the search's own
        # SQL (LIKE for Thai, ILIKE for Latin letters) from the indexes.
        cursor.execute("SET LOCAL enable_seqscan = off")
    for query, index in (
        (Project.objects.filter(name__contains="ทางเท้า"), "project_name_trgm"),
        (Project.objects.filter(name__search_icontains="led"), "project_name_trgm"),
        (Project.objects.filter(code__contains="6900"), "project_code_trgm"),
        (ProgressEntry.objects.filter(narrative__contains="ออกกำลัง"), "entry_narrative_trgm"),
    ):
        assert index in query.order_by().explain()
    sql = str(search_projects(Project.objects.all(), "ทางเท้า LED").query)
    assert "LIKE" in sql and "ILIKE" in sql and "UPPER" not in sql
