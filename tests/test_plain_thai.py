"""Plain Thai on every page (issue 14, item 8): the KPI's result level in Thai only, the
short labels ("อ.2/2") and the criteria "2.1 / 2.2" explained where they appear, the
quarter column saying what it holds, the dashboard's column against the plan whose signs
and words agree, and the chart of late agencies saying so when none is late."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache

from indicators.models import Indicator
from tests.conftest import SEED_CODE
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    IndicatorFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

SEED_URL = f"/projects/{SEED_CODE}/"
CRITERIA = "เกณฑ์การประเมินข้อ 2.1 และข้อ 2.2"


@pytest.fixture
def reader(client, db):
    client.force_login(UserFactory(manager=True))
    return client


# --- ผลผลิต / ผลลัพธ์ / ผลกระทบ -----------------------------------------------------------


def test_result_levels_are_thai_only():
    assert [label for _value, label in Indicator.ResultLevel.choices] == [
        "ตัวชี้วัดระดับผลผลิต",
        "ตัวชี้วัดระดับผลลัพธ์",
        "ตัวชี้วัดระดับผลกระทบ",
    ]


def test_no_english_result_level_on_the_pages_that_show_it(seed_project, reader):
    indicator = Indicator.objects.get(code="0100-814")
    # The KPI list of the seed's year (whatever year the list starts on).
    kpi_list = "/indicators/?year=2564"
    for url in (SEED_URL, kpi_list, f"/indicators/{indicator.code}/", SEED_URL + "print/"):
        text = page_of(reader.get(url)).text()
        assert "ตัวชี้วัดระดับผลผลิต" in text, url
        for english in ("output", "outcome", "impact"):
            assert english not in text, (url, english)


# --- อ.2/2 ---------------------------------------------------------------------------------


def test_the_kpi_short_label_is_explained_on_the_project_page(seed_project, reader):
    page = page_of(reader.get(SEED_URL))
    label = page.one("h1 .kpi-label")
    assert label.tag.endswith("abbr")
    assert label.get("title").startswith("ชื่อย่อตัวชี้วัด 0100-814: ระดับความสำเร็จ")
    assert "อ.2/2 คือชื่อย่อของตัวชี้วัดที่โครงการนี้สนับสนุน" in page.text("#h-kpi ~ .kpi-legend")


def test_the_kpi_short_label_is_explained_on_the_kpi_pages_and_the_print(seed_project, reader):
    page = page_of(reader.get("/indicators/0100-814/"))
    assert page.one("h1 abbr.kpi-label").get("title").startswith("ชื่อย่อตัวชี้วัด")
    assert "อ.2/2 คือชื่อย่อของตัวชี้วัดนี้" in page.text(".kpi-legend")
    page = page_of(reader.get("/indicators/?year=2564"))
    assert page.one("td abbr.kpi-label").get("title").startswith("ชื่อย่อตัวชี้วัด 0100-814")
    print_text = page_of(reader.get(SEED_URL + "print/")).text()
    assert "อ.2/2 คือชื่อย่อของตัวชี้วัดที่โครงการนี้สนับสนุน" in print_text


# --- 2.1 / 2.2 and the quarter's ผลงาน ---------------------------------------------------------


def test_the_project_quarter_table_says_what_it_holds(seed_project, reader):
    page = page_of(reader.get(SEED_URL))
    heads = page.texts("table.quarters thead th")
    assert heads[1] == "ผลงาน (ร้อยละ)"
    assert "(ระดับ)" not in " ".join(heads)
    assert CRITERIA in page.text("#quarters .criteria-legend")
    assert "0 / 0 = ยังไม่ได้ประเมิน" in page.text("#quarters .criteria-legend")


def test_the_print_says_what_the_quarter_columns_hold(seed_project, reader):
    page = page_of(reader.get(SEED_URL + "print/"))
    heads = page.texts("table.quarters thead th")
    assert heads[1] == "ผลงาน (ร้อยละ)"
    assert CRITERIA in page.text(".criteria-legend")


def test_kpi_and_evaluation_pages_explain_the_criteria(seed_project, client):
    evaluator = UserFactory(evaluator=True)
    client.force_login(evaluator)
    page = page_of(client.get("/indicators/0100-814/"))
    assert page.texts("table.kpi-table thead th")[1] == "ผลงาน (ระดับ 1–5)"
    assert CRITERIA in page.text("#quarters .criteria-legend")
    page = page_of(client.get("/evaluation/2564/1/"))
    assert page.texts("table.eval-table thead th")[2] == "ผลงาน (ร้อยละ)"
    assert CRITERIA in page.text(".criteria-legend")
    page = page_of(client.get("/evaluation/2564/summary/"))
    assert CRITERIA in page.text(".criteria-legend")


# --- The dashboard: against the plan -----------------------------------------------------------


@pytest.fixture
def behind_and_ahead(db):
    """Measured on 30 Sep 2026 (a closed year): plan 100 for both agencies' projects;
    one reported 88 (12 points below the plan), the other's plan is 50 and it reported 55
    (5 above)."""
    cache.clear()
    fiscal_year = FiscalYearFactory(year_be=2569)
    behind = ProjectFactory(
        agency=AgencyFactory(code="01000000", name="หน่วยงานที่ช้ากว่าแผน"), fiscal_year=fiscal_year
    )
    PlanStepFactory(
        project=behind,
        order=1,
        weight=Decimal(100),
        starts_on=dt.date(2025, 10, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    ProgressEntryFactory(project=behind, reported_on=dt.date(2026, 9, 20), percent=Decimal(88))
    ahead = ProjectFactory(
        agency=AgencyFactory(code="50010000", name="หน่วยงานที่เร็วกว่าแผน"), fiscal_year=fiscal_year
    )
    PlanStepFactory(
        project=ahead,
        order=1,
        weight=Decimal(50),
        starts_on=dt.date(2025, 10, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    PlanStepFactory(
        project=ahead,
        order=2,
        weight=Decimal(50),
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    ProgressEntryFactory(project=ahead, reported_on=dt.date(2026, 9, 20), percent=Decimal(55))
    yield fiscal_year
    cache.clear()


def agency_cells(page) -> dict[str, list[str]]:
    heads = page.texts(".dash-agencies thead th")
    rows = {}
    for row in page.all(".dash-agencies tbody tr"):
        cells = [" ".join("".join(c.itertext()).split()) for c in row]
        rows[cells[0]] = dict(zip(heads, cells, strict=True))
    return rows


def test_the_dashboard_column_against_the_plan_has_signs_that_match_its_words(
    behind_and_ahead, reader
):
    page = page_of(reader.get("/dashboard/", {"year": 2569}))
    heads = page.texts(".dash-agencies thead th")
    assert "ต่ำกว่าแผน (จุด)" not in heads
    column = next(head for head in heads if head.startswith("เทียบแผน (จุด)"))
    assert "ติดลบ = ต่ำกว่าแผน" in column
    rows = agency_cells(page)
    assert rows["หน่วยงานที่ช้ากว่าแผน"][column] == "-12.0"
    assert rows["หน่วยงานที่เร็วกว่าแผน"][column] == "+5.0"
    assert page.text(".dash-agencies tfoot").split()[3] == "-3.5"


def test_the_project_export_has_the_same_signs(behind_and_ahead, reader):
    values = {}
    for status in ("behind", "on_track"):
        response = reader.get("/dashboard/export.csv", {"year": 2569, "status": status})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert "ต่ำกว่าแผน (จุด)" not in rows[0]
        column = rows[0].index("เทียบแผน (จุด)")
        values.update({row[2]: row[column] for row in rows[1:]})
    assert values == {"หน่วยงานที่ช้ากว่าแผน": "-12.00", "หน่วยงานที่เร็วกว่าแผน": "5.00"}


# --- The chart of late agencies --------------------------------------------------------------


def test_no_late_project_is_said_instead_of_an_empty_chart(behind_and_ahead, reader, settings):
    settings.BMA_BEHIND_THRESHOLD = 20  # 12 points below is within it: nobody is late
    page = page_of(reader.get("/dashboard/", {"year": 2569}))
    assert not page.all("#fig-agencies")
    late = page.one(".chart--late")
    assert "หน่วยงานที่มีโครงการล่าช้ามากที่สุด" in page.text(".chart--late figcaption")
    assert "ไม่มีโครงการที่ล่าช้ากว่าแผน" in page.text(".chart--late .empty")
    assert late is not None
    assert page.all("#fig-progress")  # average against plan still drawn


def test_late_agencies_are_drawn_when_there_are_some(behind_and_ahead, reader):
    page = page_of(reader.get("/dashboard/", {"year": 2569}))
    figure = json.loads(page.one("#fig-agencies").text)
    assert figure["data"][0]["x"][-1] == 1  # the late agency, drawn top
    assert not page.all(".chart--late .empty")


def test_indicator_factory_result_level_is_thai(db):
    assert IndicatorFactory().get_result_level_display() == "ตัวชี้วัดระดับผลผลิต"
