"""KPI pages: the list, the page of one KPI (levels 1–5, supporting projects, quarterly
results), evaluators setting the achieved level per quarter, criteria, locks, permissions
and query budgets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, IndicatorLevel, IndicatorQuarterResult
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    IndicatorLevelFactory,
    IndicatorQuarterResultFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import Page, page_of, text_of

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def row_of(response):
    return Page("<table>" + response.content.decode() + "</table>")


@pytest.fixture
def year(db):
    return FiscalYearFactory(year_be=2564)


@pytest.fixture
def evaluator(db):
    return UserFactory(username="kpi-eva", evaluator=True, first_name="วันดี", last_name="ตรวจ")


@pytest.fixture
def kpi(year):
    projects = [ProjectFactory(fiscal_year=year) for _ in range(2)]
    ProgressEntryFactory(project=projects[0], reported_on=dt.date(2021, 3, 20), percent=D("45"))
    indicator = IndicatorFactory(
        code="0100-814",
        label="อ.2/2",
        name="ระดับความสำเร็จในการนำข้อมูลความต้องการจากเครือข่ายประชาคมเขต",
        target_level=5,
        definition="นำข้อมูลจากเครือข่ายประชาคมเขตเสนอสภา",
        projects=projects,
    )
    texts = ["จัดทำแผน", "ดำเนินการตามแผน", "ติดตามผล", "ประเมินผล", "สรุปและรายงานผล"]
    for level, text in enumerate(texts, start=1):
        IndicatorLevelFactory(indicator=indicator, level=level, description=text)
    return indicator


def quarter_data(quarter, *, version=0, level="", c21="", c22="", comment=""):
    prefix = f"q{quarter}"
    return {
        f"{prefix}-achieved_level": level,
        f"{prefix}-criterion_21": c21,
        f"{prefix}-criterion_22": c22,
        f"{prefix}-comment": comment,
        f"{prefix}-version": str(version),
    }


def save_url(indicator, year_be, quarter):
    return reverse("indicators:quarter-save", args=[indicator.code, year_be, quarter])


def result_values(level=None, c21=None, c22=None, comment=""):
    return services.IndicatorResultValues(
        achieved_level=level,
        criterion_21=None if c21 is None else D(c21),
        criterion_22=None if c22 is None else D(c22),
        comment=comment,
    )


# --- list --------------------------------------------------------------------------------


def test_list_shows_code_label_name_kind_levels_and_projects(client, kpi):
    IndicatorFactory(code="0200-001", kind=Indicator.Kind.ROUTINE, name="ร้อยละของงานประจำ")
    client.force_login(UserFactory())
    page = page_of(client.get(reverse("indicators:list"), {"year": ""}))
    rows = [text_of(tr) for tr in page.all("table.kpi-list tbody tr")]
    assert rows[0].startswith("0100-814 อ.2/2ระดับความสำเร็จในการนำข้อมูล")
    assert "ตัวชี้วัดเชิงยุทธศาสตร์" in rows[0] and "ระดับ 5" in rows[0]
    assert rows[0].endswith(" 2")  # two supporting projects
    routine = page_of(client.get(reverse("indicators:list"), {"kind": "routine"}))
    assert [text_of(a) for a in routine.all("tbody td:first-child a")] == ["0200-001"]
    found = page_of(client.get(reverse("indicators:list"), {"q": "อ.2/2"}))
    assert [text_of(a) for a in found.all("tbody td:first-child a")] == ["0100-814"]


def test_list_is_paginated_and_its_queries_do_not_grow(
    client, db, settings, django_assert_max_num_queries, session_queries
):
    settings.BMA_PROJECTS_PAGE_SIZE = 10
    projects = ProjectFactory.create_batch(3)
    for _ in range(25):
        IndicatorFactory(projects=projects)
    client.force_login(UserFactory())
    # The session (session_queries), its user, fiscal years and agencies (the filters),
    # the count, one page of KPIs, the user's agency in the top bar.
    with django_assert_max_num_queries(session_queries + 6):
        response = client.get(reverse("indicators:list"), {"year": ""})
    assert len(page_of(response).all("table.kpi-list tbody tr")) == 10


# --- the KPI page ------------------------------------------------------------------------


def test_page_shows_levels_criteria_projects_and_quarters(client, kpi, year):
    IndicatorQuarterResult.objects.create(
        indicator=kpi, fiscal_year=year, quarter=4, achieved_level=3, criterion_21=100
    )
    client.force_login(UserFactory())
    page = page_of(client.get(reverse("indicators:detail", args=[kpi.code])))
    assert page.text("h1") == "อ.2/2ระดับความสำเร็จในการนำข้อมูลความต้องการจากเครือข่ายประชาคมเขต"
    assert page.texts(".levels .level strong") == ["5", "-"]
    assert "ตัวชี้วัดเชิงยุทธศาสตร์" in page.text(".kpi__kind")
    assert "ตัวชี้วัดระดับผลผลิต" in page.text(".kpi__kind")  # Thai only, no "(output)"
    assert "ไตรมาสที่ 4 ระดับ 3" in page.text(".headline-eval")
    criteria = [text_of(li) for li in page.all("ol.criteria li")]
    assert criteria[0] == "1 จัดทำแผน"
    assert criteria[4].startswith("5 สรุปและรายงานผล") and "(ค่าเป้าหมาย)" in criteria[4]
    assert "นำข้อมูลจากเครือข่ายประชาคมเขตเสนอสภา" in page.text()
    project_rows = [text_of(tr) for tr in page.all("table.projects tbody tr")]
    assert len(project_rows) == 2
    assert any("45%" in row for row in project_rows)
    # Each cell says what it holds on a phone, where the table's head is hidden.
    quarters = [text_of(th) for th in page.all("table.kpi-table tbody th")]
    assert quarters == ["ไตรมาสที่ 1", "ไตรมาสที่ 2", "ไตรมาสที่ 3", "ไตรมาสที่ 4"]
    # A reader sees the results, no forms.
    assert not page.all("table.kpi-table form")
    q4 = text_of(page.all("table.kpi-table tbody tr")[3])
    assert q4.startswith("ไตรมาสที่ 4 ผลงานที่ทำได้ ระดับ 3 ผลประเมิน 2.1 100 ผลประเมิน 2.2 0")


def test_page_query_count_does_not_grow_with_projects(
    client, kpi, year, evaluator, django_assert_max_num_queries
):
    client.force_login(evaluator)
    url = reverse("indicators:detail", args=[kpi.code])
    # (13 with the top bar's count of the plans waiting for สยป.: issue 18)
    with django_assert_max_num_queries(13) as few:
        client.get(url)
    more = ProjectFactory.create_batch(30, fiscal_year=year)
    kpi.projects.add(*more)
    for quarter in (1, 2, 3):
        services.indicator_level_set(
            indicator=kpi,
            fiscal_year=year,
            quarter=quarter,
            version=0,
            values=result_values(quarter),
            user=evaluator,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_a_project_supports_several_kpis_and_a_kpi_many_projects(client, kpi, year):
    project = kpi.projects.first()
    other = IndicatorFactory(code="0100-815", projects=[project])
    client.force_login(UserFactory())
    page = page_of(client.get(reverse("indicators:detail", args=[other.code])))
    assert [text_of(a) for a in page.all("table.projects tbody td:first-child a")] == [project.code]
    assert set(project.indicators.values_list("code", flat=True)) == {"0100-814", "0100-815"}


def test_unknown_kpi_is_404(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("indicators:detail", args=["9999-999"])).status_code == 404


# --- setting the achieved level per quarter ----------------------------------------------


def test_evaluator_sets_quarter_levels_and_the_kpi_follows_the_latest(client, kpi, year, evaluator):
    client.force_login(evaluator)
    response = client.post(
        save_url(kpi, 2564, 2), quarter_data(2, level="2", c21="100", c22="90"), **HTMX
    )
    assert response.status_code == 200
    page = row_of(response)
    assert "บันทึกแล้ว" in page.text("tbody#kpi-q2")
    assert page.one("#id_q2-version").get("value") == "1"
    kpi.refresh_from_db()
    assert kpi.achieved_level == 2
    client.post(save_url(kpi, 2564, 4), quarter_data(4, level="3"), **HTMX)
    kpi.refresh_from_db()
    assert kpi.achieved_level == 3
    # Changing an earlier quarter does not move the KPI's level off the latest one.
    client.post(save_url(kpi, 2564, 2), quarter_data(2, version=1, level="4"), **HTMX)
    kpi.refresh_from_db()
    assert kpi.achieved_level == 3
    result = IndicatorQuarterResult.objects.get(indicator=kpi, quarter=2)
    assert (result.achieved_level, result.criterion_21, result.evaluated_by) == (
        4,
        None,
        evaluator,
    )
    # Both the results and the KPI's own level keep their history.
    assert result.history.count() == 2
    assert kpi.history.filter(history_user=evaluator).exists()
    page = page_of(client.get(reverse("indicators:detail", args=[kpi.code])))
    history = page.text("section[aria-labelledby=h-kpi-history]")
    assert "ผลงานที่ทำได้ ระดับ: 2 → 4" in history


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [("achieved_level", "6", "ระดับต้องเป็น 1 ถึง 5"), ("criterion_21", "๑๐๑", "ต้องไม่เกิน 100")],
)
def test_invalid_kpi_input_is_refused_in_thai_keeping_what_was_typed(
    client, kpi, evaluator, field, typed, message
):
    client.force_login(evaluator)
    data = quarter_data(1, level="3", c21="50", comment="ตามหลักฐาน")
    data[f"q1-{field}"] = typed
    response = client.post(save_url(kpi, 2564, 1), data, **HTMX)
    assert response.status_code == 422
    page = row_of(response)
    assert message in page.text(f"#id_q1-{field}_error")
    assert page.one("#id_q1-comment").get("value") == "ตามหลักฐาน"
    assert not IndicatorQuarterResult.objects.exists()


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_and_managers_cannot_set_kpi_levels_or_criteria(client, kpi, role):
    client.force_login(
        UserFactory(role=role, agency=None if role == "manager" else kpi.projects.first().agency)
    )
    assert client.get(reverse("indicators:detail", args=[kpi.code])).status_code == 200
    response = client.post(save_url(kpi, 2564, 1), quarter_data(1, level="5"), **HTMX)
    assert response.status_code == 403
    assert client.get(reverse("indicators:criteria", args=[kpi.code])).status_code == 403
    response = client.post(reverse("indicators:criteria", args=[kpi.code]), {"level_1": "x"})
    assert response.status_code == 403
    assert not IndicatorQuarterResult.objects.exists()
    assert IndicatorLevel.objects.get(indicator=kpi, level=1).description == "จัดทำแผน"


def test_locked_quarter_refuses_kpi_levels(client, kpi, year, evaluator):
    services.quarter_lock(fiscal_year=year, quarter=1, user=evaluator)
    client.force_login(evaluator)
    response = client.post(save_url(kpi, 2564, 1), quarter_data(1, level="5"), **HTMX)
    assert response.status_code == 423
    page = row_of(response)
    assert "ไตรมาสนี้ถูกปิดแล้ว" in page.text("tbody#kpi-q1")
    assert page.one("#id_q1-achieved_level").get("disabled") is not None
    assert not IndicatorQuarterResult.objects.exists()
    detail = page_of(client.get(reverse("indicators:detail", args=[kpi.code])))
    assert not detail.all("form#form-q1") and detail.all("form#form-q2")


def test_concurrent_kpi_saves_conflict(client, kpi, year, evaluator):
    other = UserFactory(evaluator=True, first_name="ประภา")
    services.indicator_level_set(
        indicator=kpi, fiscal_year=year, quarter=3, version=0, values=result_values(2), user=other
    )
    client.force_login(evaluator)
    response = client.post(save_url(kpi, 2564, 3), quarter_data(3, level="4"), **HTMX)
    assert response.status_code == 409
    page = row_of(response)
    assert "ประภา" in page.text("tbody#kpi-q3 .alert")
    assert page.one("#id_q3-version").get("value") == "1"
    assert IndicatorQuarterResult.objects.get(indicator=kpi, quarter=3).achieved_level == 2


def test_plain_post_redirects_back_to_the_kpi_page(client, kpi, evaluator):
    client.force_login(evaluator)
    response = client.post(save_url(kpi, 2564, 1), quarter_data(1, level="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:detail", args=[kpi.code]) + "?year=2564"


# --- criteria (เกณฑ์การประเมิน) ------------------------------------------------------------


def test_evaluator_edits_level_texts(client, kpi, evaluator):
    client.force_login(evaluator)
    url = reverse("indicators:criteria", args=[kpi.code])
    form = page_of(client.get(url))
    assert form.one("#id_level_3").text.strip() == "ติดตามผล"
    response = client.post(
        url,
        {
            "level_1": "จัดทำแผนปฏิบัติการ",
            "level_2": "ดำเนินการตามแผน",
            "level_3": "",
            "level_4": "ประเมินผล",
            "level_5": "รายงานผู้บริหาร",
        },
    )
    assert response.status_code == 302
    assert dict(
        IndicatorLevel.objects.filter(indicator=kpi).values_list("level", "description")
    ) == {
        1: "จัดทำแผนปฏิบัติการ",
        2: "ดำเนินการตามแผน",
        4: "ประเมินผล",
        5: "รายงานผู้บริหาร",
    }
    too_long = client.post(url, {"level_1": "ก" * 2001})
    assert too_long.status_code == 422
    assert "ข้อความยาว 2,001 ตัวอักษร เกินกำหนด 2,000 ตัวอักษร" in too_long.content.decode()


# --- filters by fiscal year and agency (issue 14, item 6) ----------------------------------


@pytest.fixture
def kpis_of_two_years(db):
    """KPIs of agencies 0100 and 0900 this year and last year: of a year by their projects
    or by a quarter result of that year."""
    this_year = FiscalYearFactory(year_be=current_fiscal_year_be())
    last_year = FiscalYearFactory(year_be=current_fiscal_year_be() - 1)
    council = AgencyFactory(code="01000000")
    works = AgencyFactory(code="09000000")
    IndicatorFactory(
        code="0100-701", projects=[ProjectFactory(agency=council, fiscal_year=this_year)]
    )
    IndicatorQuarterResultFactory(
        indicator=IndicatorFactory(code="0100-702"), fiscal_year=this_year
    )
    IndicatorFactory(
        code="0100-601", projects=[ProjectFactory(agency=council, fiscal_year=last_year)]
    )
    IndicatorFactory(
        code="0900-701", projects=[ProjectFactory(agency=works, fiscal_year=this_year)]
    )
    IndicatorFactory(code="0100-999")  # no year yet
    return {"year": this_year.year_be, "council": council, "works": works}


def listed(client, params):
    response = client.get(reverse("indicators:list"), params)
    assert response.status_code == 200
    return [text_of(a) for a in page_of(response).all("tbody td:first-child a")]


def test_kpis_start_on_the_current_year(client, kpis_of_two_years):
    year = kpis_of_two_years["year"]
    client.force_login(UserFactory(manager=True))
    response = client.get(reverse("indicators:list"))
    assert response["Location"] == f"{reverse('indicators:list')}?year={year}"
    client.force_login(UserFactory(agency=kpis_of_two_years["council"]))
    response = client.get(reverse("indicators:list"))
    assert response["Location"] == f"{reverse('indicators:list')}?year={year}&agency=01000000"
    page = page_of(client.get(response["Location"]))
    assert page.one("#id_year option[selected]").get("value") == str(year)
    assert page.one("#id_agency option[selected]").get("value") == "01000000"
    assert [text_of(a) for a in page.all("tbody td:first-child a")] == ["0100-701", "0100-702"]


def test_kpis_filtered_by_year_and_agency(client, kpis_of_two_years):
    year = kpis_of_two_years["year"]
    client.force_login(UserFactory(manager=True))
    assert listed(client, {"year": year}) == ["0100-701", "0100-702", "0900-701"]
    assert listed(client, {"year": year - 1}) == ["0100-601"]
    assert listed(client, {"year": "", "agency": "09000000"}) == ["0900-701"]
    assert listed(client, {"year": "", "agency": ""}) == [
        "0100-601",
        "0100-701",
        "0100-702",
        "0100-999",
        "0900-701",
    ]


def test_the_kpi_filters_survive_paging(client, kpis_of_two_years, settings):
    settings.BMA_PROJECTS_PAGE_SIZE = 1
    client.force_login(UserFactory(manager=True))
    response = client.get(reverse("indicators:list"), {"year": "", "agency": "01000000"})
    next_link = page_of(response).one("nav.pager a[rel=next]").get("href")
    assert next_link == "?year=&agency=01000000&page=2"
