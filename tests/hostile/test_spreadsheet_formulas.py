"""No spreadsheet the app writes turns text into a formula (issue 12, item 2).

Every export is made through its own view from data whose text fields (agency names,
project names and their other texts, objectives, strategy lines, step titles, narratives,
problems, obstacles) hold formula payloads (values.FORMULAS): the annual-plan export and
template, the agency and whole-BMA report workbooks, and the dashboard's CSV and XLSX
(the agency table with its sheet of reporting rates, a drilled-down project list, the
reporting rates and the projects that have not reported a month). Each result is opened again:

- XLSX: no cell is a formula or an error; text that starts like a formula is a string
  cell with Excel's quote prefix, holding the text as given; numbers and dates given
  as numbers and dates are numbers and dates.
- CSV: no field starts like a formula unless it is a number; text that did is the same
  text after a "'" (OWASP).

The first test keeps the list of exports whole: a module that makes a workbook or a CSV
writer and is not walked here fails it.
"""

import ast
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.models import QuarterEvaluation
from projects import spreadsheets
from projects.imports import workbook_import, workbook_write
from projects.models import ProjectObjective, StrategyLink
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.hostile.values import FORMULAS
from tests.test_reports_jobs import IMMEDIATE

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
YEAR = 2569  # 1 Oct 2025 – 30 Sep 2026, a closed year: its numbers are fixed
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# The modules that write spreadsheets, each walked below.
PRODUCERS = {
    "projects/imports/workbook_write.py",
    "projects/imports/month_write.py",
    "reports/xlsx.py",
    "reports/dashboard_export.py",
}


def test_every_spreadsheet_producer_is_walked():
    makers = set()
    for package in ("projects", "indicators", "reports", "bmaprogress"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                    if name in ("Workbook", "writer", "DictWriter"):
                        makers.add(str(path.relative_to(ROOT)))
    # projects/spreadsheets.py holds the cell writer and the CSV writer they all use.
    assert makers - {"projects/spreadsheets.py"} == PRODUCERS


def payloads(prefix: str) -> list[str]:
    """The formula payloads, each followed by a marker of the field it was put in."""
    return [
        f"{text} {prefix}{i}" if text not in ("-", "#N/A") else text
        for i, text in enumerate(FORMULAS)
    ]


def nth(prefix: str, n: int) -> str:
    texts = payloads(prefix)
    return texts[n % len(texts)]


@pytest.fixture
def hostile(media, settings):
    """Two agencies of hostile names, three projects each with every text field hostile,
    steps, reports and quarter scores."""
    settings.TASKS = IMMEDIATE
    cache.clear()
    year = FiscalYearFactory(year_be=YEAR)
    agencies = [
        AgencyFactory(code="01000000", name=nth("หน่วยงาน", 0)),
        AgencyFactory(code="50010000", name=nth("หน่วยงาน", 2)),
    ]
    projects = []
    n = 0
    for agency in agencies:
        for number in range(1, 4):
            n += 1
            project = ProjectFactory(
                agency=agency,
                fiscal_year=year,
                code=f"{agency.code}-{number}",
                name=nth("ชื่อโครงการ", n),
                responsible=nth("ผู้รับผิดชอบ", n + 1),
                responsible_phone=nth("โทร", n + 2),
                rationale=nth("หลักการ", n + 3),
                targets=nth("เป้าหมาย", n + 4),
            )
            projects.append(project)
            ProjectObjective.objects.create(project=project, order=1, text=nth("วัตถุประสงค์", n))
            StrategyLink.objects.create(project=project, order=1, text=nth("ยุทธศาสตร์", n + 5))
            for order, weight in ((1, Decimal("40.00")), (2, Decimal("60.00"))):
                PlanStepFactory(
                    project=project,
                    order=order,
                    title=nth("ขั้นตอน", n + order),
                    weight=weight,
                    starts_on=dt.date(2025, 10, 1) + dt.timedelta(days=120 * (order - 1)),
                    ends_on=dt.date(2026, 1, 31) + dt.timedelta(days=120 * (order - 1)),
                )
            for month, percent in ((10, 20), (11, 45)):
                ProgressEntryFactory(
                    project=project,
                    reported_on=dt.date(2025, month, 20),
                    percent=Decimal(percent),
                    narrative=nth("ผลการดำเนินงาน", n + month),
                    problems=nth("ปัญหา", n + month + 1),
                    obstacles=nth("อุปสรรค", n + month + 2),
                )
            QuarterEvaluation.objects.create(
                project=project,
                quarter=1,
                criterion_21=Decimal("90.50"),
                criterion_22=Decimal(80),
                project_score=Decimal("85.25"),
            )
    return {"year": year, "agencies": agencies, "projects": projects}


@pytest.fixture
def manager(client):
    client.force_login(UserFactory(manager=True))
    return client


PROJECT_TEXTS = ("name", "responsible", "responsible_phone", "rationale", "targets")
ENTRY_TEXTS = ("narrative", "problems", "obstacles")


def texts_of(projects, *, project=(), steps=False, entries=False, agencies=()) -> set[str]:
    """The hostile texts of these fields, as a spreadsheet gives them back (a carriage
    return in XML text is read back as a line feed)."""
    texts = {agency.name for agency in agencies}
    for item in projects:
        texts |= {getattr(item, name) for name in project}
        if steps:
            texts |= {step.title for step in item.steps.all()}
        if entries:
            texts |= {getattr(e, name) for e in item.entries.all() for name in ENTRY_TEXTS}
    return {_same(text) for text in texts if text.startswith(FORMULA_START) or text == "#N/A"}


def _same(text: str) -> str:
    return text.replace("\r", "\n")


def assert_no_formula(book) -> set[str]:
    """Check every cell; return the texts of the workbook."""
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate} = {cell.value!r}"
                assert cell.data_type not in ("f", "e"), where
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", where
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, f"{where}: no quote prefix"
                    texts.add(cell.value)
    return texts


def assert_typed(sheet, *, first_row: int, numbers=(), dates=(), least: int = 1):
    rows = list(sheet.iter_rows(min_row=first_row))
    assert len(rows) >= least, sheet.title
    for row in rows:
        for column in numbers:
            cell = row[column - 1]
            if cell.value is not None:
                assert cell.data_type == "n", f"{sheet.title}!{cell.coordinate} = {cell.value!r}"
                assert isinstance(cell.value, int | float)
        for column in dates:
            cell = row[column - 1]
            assert isinstance(cell.value, dt.datetime), f"{sheet.title}!{cell.coordinate}"
            assert cell.is_date


def download(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_annual_plan_export(manager, hostile):
    agency = hostile["agencies"][0]
    response = manager.get("/imports/plan/export/", {"agency": agency.code, "fiscal_year": YEAR})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    found = assert_no_formula(book)
    mine = [p for p in hostile["projects"] if p.agency_id == agency.pk]
    # Objectives and strategy lines are written numbered ("1. …"): no longer at the start.
    assert texts_of(mine, project=PROJECT_TEXTS, steps=True) <= found
    projects, steps = book["โครงการ"], book["ขั้นตอน"]
    assert_typed(projects, first_row=2, numbers=(4,), least=3)  # fiscal year
    assert_typed(steps, first_row=2, numbers=(2, 4), dates=(5, 6), least=6)  # order, weight
    assert steps["D2"].value == 40


def test_month_workbook(hostile):
    """The month's workbook (issue 18): the only formulas are the percent column's, which
    the application composes from the weights; every text is a string cell."""
    from projects.imports import month_columns, month_data, month_write

    agency, period = hostile["agencies"][0], dt.date(2025, 11, 1)
    rows = month_data.month_projects(agency, period, today=dt.date(2025, 12, 5))
    data = month_write.month_workbook(
        agency=agency, period=period, rows=rows, today=dt.date(2025, 12, 5)
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book[month_columns.DATA_SHEET]
    header = [cell.value for cell in sheet[month_columns.HEADER_ROW]]
    computed = month_columns.headers_to_keys(header)["computed"] + 1
    for number in range(month_columns.FIRST_ROW, sheet.max_row + 1):
        cell = sheet.cell(row=number, column=computed)
        assert cell.data_type == "f" and cell.value.startswith("=ROUND(MIN(100,IF(ISNUMBER(")
        cell.value = None
    found = assert_no_formula(book)
    mine = [p for p in hostile["projects"] if p.agency_id == agency.pk]
    november = {
        _same(getattr(e, name))
        for p in mine
        for e in p.entries.filter(period=period)
        for name in ENTRY_TEXTS
        if getattr(e, name).startswith(FORMULA_START)
    }
    assert texts_of(mine, project=("name",), steps=True) | november <= found


def test_annual_plan_template(manager, hostile):
    response = manager.get("/imports/plan/template.xlsx")
    assert_no_formula(load_workbook(io.BytesIO(response.content)))


@pytest.mark.parametrize("kind", ["agency", "bma"])
def test_agency_and_whole_bma_report_workbooks(manager, hostile, kind):
    agency = hostile["agencies"][0]
    order = {"kind": kind, "fiscal_year": hostile["year"].pk, "format": "xlsx"}
    if kind == "agency":
        order["agency"] = agency.pk
    assert manager.post(reverse("reports:index"), order).status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE, job.error
    book = load_workbook(
        io.BytesIO(download(manager.get(reverse("reports:download", args=[job.pk]))))
    )
    found = assert_no_formula(book)
    projects, agencies = hostile["projects"], hostile["agencies"]
    if kind == "agency":
        projects = [p for p in projects if p.agency_id == agency.pk]
        agencies = [agency]
    # The report shows no phone, rationale or targets.
    shown = ("name", "responsible")
    assert texts_of(projects, project=shown, steps=True, entries=True, agencies=agencies) <= found
    summary, entries, steps, quarters = book.worksheets
    assert_typed(summary, first_row=5, numbers=(1, 6, 8, 9, 11, 12, 13, 14, 15), dates=(7,))
    assert_typed(entries, first_row=5, numbers=(3, 6), dates=(4, 5), least=len(projects) * 2)
    assert_typed(steps, first_row=5, numbers=(2, 4), dates=(5, 6), least=len(projects) * 2)
    assert_typed(quarters, first_row=5, numbers=(2, 3, 4, 5, 6), least=len(projects) * 4)
    assert quarters["F5"].value == 85.25


DASHBOARD = "/dashboard/"


@pytest.mark.parametrize("drilled", [False, True], ids=["agencies", "projects"])
def test_dashboard_xlsx(manager, hostile, drilled):
    query = {"year": YEAR, **({"agency": "01000000"} if drilled else {})}
    response = manager.get(DASHBOARD + "export.xlsx", query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    found = assert_no_formula(book)
    agency = hostile["agencies"][0]
    if drilled:
        expected = {p.name for p in hostile["projects"] if p.agency_id == agency.pk}
        expected.add(agency.name)
        assert_typed(book.active, first_row=2, numbers=(4, 5, 6), least=3)
    else:
        expected = {a.name for a in hostile["agencies"]}
        assert_typed(book.active, first_row=2, numbers=(3, 4, 5, 6, 7, 8, 9, 10, 11, 12), least=3)
    assert {_same(t) for t in expected if t.startswith(FORMULA_START)} <= found


@pytest.mark.parametrize("drilled", [False, True], ids=["agencies", "projects"])
def test_dashboard_csv(manager, hostile, drilled):
    query = {"year": YEAR, **({"agency": "01000000"} if drilled else {})}
    response = manager.get(DASHBOARD + "export.csv", query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    fields = [field for row in rows for field in row]
    for field in fields:
        if field.startswith(FORMULA_START):
            assert NUMBER.fullmatch(field), repr(field)
    agency = hostile["agencies"][0]
    if drilled:
        given = {p.name for p in hostile["projects"] if p.agency_id == agency.pk}
        given.add(agency.name)
    else:
        given = {a.name for a in hostile["agencies"]}
    for text in given:
        assert ("'" + text if text.startswith(FORMULA_START) else text) in fields
    numbers = [row[2] for row in rows[1:]] if not drilled else [row[3] for row in rows[1:]]
    assert all(NUMBER.fullmatch(value) for value in numbers), numbers


@pytest.mark.parametrize("month", ["", "2025-12"], ids=["rates", "not reported"])
def test_reporting_rates_xlsx_and_csv(manager, hostile, month):
    """The rates (agency × month) and the projects without a report of December 2025 (none
    has one: every project of the year is listed, with its responsible and phone)."""
    query = {"year": YEAR, **({"month": month} if month else {})}
    response = manager.get(DASHBOARD + "rates/export.xlsx", query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    found = assert_no_formula(book)
    given = {agency.name for agency in hostile["agencies"]}
    if month:
        given |= {
            getattr(p, name)
            for p in hostile["projects"]
            for name in ("name", "responsible", "responsible_phone")
        }
        assert_typed(book.active, first_row=2, least=6)
    else:
        assert_typed(book.active, first_row=2, numbers=(6, 7, 8, 9, 10, 11, 12, 13), least=3)
    assert {_same(t) for t in given if t.startswith(FORMULA_START)} <= found
    response = manager.get(DASHBOARD + "rates/export.csv", query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    fields = [field for row in rows for field in row]
    for field in fields:
        if field.startswith(FORMULA_START):
            assert NUMBER.fullmatch(field), repr(field)
    for text in given:
        assert ("'" + text if text.startswith(FORMULA_START) else text) in fields


def test_plan_export_of_formula_text_imports_back_unchanged(hostile):
    """The quote prefix is a style: the text itself is what was given, so the export
    still reads back as it was (leading tabs and carriage returns aside: the import trims
    every text, as it always has)."""
    agency = hostile["agencies"][0]
    for project in hostile["projects"]:
        for name in PROJECT_TEXTS:
            if getattr(project, name).startswith(("\t", "\r")):
                setattr(project, name, getattr(project, name).strip())
        project.save()
        project.steps.filter(title__regex=r"^[\t\r]").update(title="ขั้นตอนปกติ")
        project.objectives.filter(text__regex=r"^[\t\r]").update(text="วัตถุประสงค์ปกติ")
        project.strategy_links.filter(text__regex=r"^[\t\r]").update(text="ยุทธศาสตร์ปกติ")
    data = workbook_write.export_workbook(agency=agency, fiscal_year=hostile["year"])
    plan = workbook_import.plan_import(
        data=data,
        agency=agency,
        fiscal_year=hostile["year"],
        dry_run=True,
        user=UserFactory(admin=True),
    )
    assert plan.ok, [str(problem) for problem in plan.problems]
    assert not plan.has_changes, [
        (o.code, c) for o in plan.projects for c in o.changes if c.action != "unchanged"
    ]


@pytest.mark.parametrize(
    ("value", "data_type"),
    [
        (5, "n"),
        (Decimal("12.50"), "n"),
        (0.25, "n"),
        (-3, "n"),
        (True, "b"),
        (dt.date(2026, 9, 30), "d"),
        (dt.datetime(2026, 9, 30, 8, 15), "d"),
        ("=1+1", "s"),
        ("#N/A", "s"),
        ("โครงการ", "s"),
    ],
)
def test_the_cell_writer_keeps_numbers_dates_and_text(value, data_type):
    book = Workbook()
    cell = spreadsheets.write(book.active, row=1, column=1, value=value)
    assert (cell.value, cell.data_type) == (value, data_type)
    assert cell.quotePrefix == (value == "=1+1")


def test_the_cell_writer_drops_what_xlsx_cannot_hold():
    book = Workbook()
    cell = spreadsheets.write(book.active, row=1, column=1, value="=ก\x00\x01ข\tค\n")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=กข\tค\n", "s", True)
    assert spreadsheets.write(book.active, row=2, column=1, value=None).value is None


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, ""),
        (Decimal("-5.00"), "-5.00"),
        (7, "7"),
        ("-", "'-"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("\tx", "'\tx"),
        ("ก=1", "ก=1"),
    ],
)
def test_csv_fields(value, field):
    assert spreadsheets.csv_field(value) == field
