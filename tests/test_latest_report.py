"""A project's latest report is the report of its latest *month* (``period``), whatever day
each report was written or corrected on: the page's gauge, history and ticked steps, the
project list, the dashboard, the printed report and its workbook, and the evaluation's
default ผลงาน all read the same one.

The bug of issue 13 (reproduced): November's report at 20 % is saved on 3 December; สยป.
reopens October; the staff correct October on 5 December to 5 %. Ordered by the day of
writing, October's correction came "last", and every page showed 5 %, though November is
the latest month.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from indicators import selectors as indicator_selectors
from projects import reporting, selectors, services
from projects.models import ProgressEntry, Project
from reports import dashboard, xlsx
from reports import selectors as report_selectors
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db

YEAR = 2570  # 1 Oct 2026 – 30 Sep 2027
OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)


def _report(project, user, *, period, steps, partial=None, today, entry=None):
    data = services.ReportInput(
        reported_on=today,
        period=period,
        completed_step_ids=[s.pk for s in steps],
        in_progress_step_id=partial[0].pk if partial else None,
        partial_percent=partial[1] if partial else None,
        narrative="ดำเนินการตามแผน",
    )
    return services.progress_entry_submit(
        project=project,
        user=user,
        data=data,
        loaded_entry_id=entry.pk if entry else None,
        loaded_version=entry.version if entry else 0,
        today=today,
    )


@pytest.fixture
def corrected():
    """October 11 % (2 Nov), November 20 % (3 Dec), October reopened and corrected to 5 %
    on 5 December."""
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR), code="50000000-13")
    steps = [
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
        for order, weight in enumerate((5, 15, 30, 50), start=1)
    ]
    staff = UserFactory(agency=project.agency)
    evaluator = UserFactory(evaluator=True)
    october = _report(
        project,
        staff,
        period=OCTOBER,
        steps=steps[:1],
        partial=(steps[1], Decimal(40)),
        today=dt.date(2026, 11, 2),
    )
    assert october.percent == Decimal("11.00")
    november = _report(project, staff, period=NOVEMBER, steps=steps[:2], today=dt.date(2026, 12, 3))
    assert november.percent == Decimal("20.00")
    services.month_reopen(
        project=project,
        period=OCTOBER,
        user=evaluator,
        until=dt.date(2026, 12, 12),
        reason="แก้ไขรายงานเดือนตุลาคม",
        today=dt.date(2026, 12, 4),
    )
    october = _report(
        project, staff, period=OCTOBER, steps=steps[:1], today=dt.date(2026, 12, 5), entry=october
    )
    assert october.percent == Decimal("5.00")
    return {"project": project, "steps": steps, "october": october, "november": november}


def test_the_latest_report_is_the_report_of_the_latest_month(corrected):
    project = Project.objects.with_latest_progress().get(pk=corrected["project"].pk)
    assert project.latest_percent == Decimal("20.00")
    assert project.latest_reported_on == dt.date(2026, 12, 3)
    assert ProgressEntry.objects.filter(project=project).latest_month() == corrected["november"]
    assert reporting.latest_entry(project) == corrected["november"]


def test_the_project_page_shows_the_latest_month(client, corrected):
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(f"/projects/{corrected['project'].code}/"))
    assert page.text(".gauge__value") == "20"
    assert page.text("#latest-report") == "3 ธันวาคม 2569"
    # The history is numbered newest month first, and the plan ticks November's steps.
    first = page.all(".entry")[0]
    assert "20.00" in " ".join(first.itertext())
    assert len(page.all("tr.steps__done")) == 2


def test_the_ticked_steps_are_those_of_the_latest_month(corrected):
    project = corrected["project"]
    assert reporting.done_steps(project) == {s.pk for s in corrected["steps"][:2]}


def test_the_project_list_shows_the_latest_month(client, corrected):
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get("/projects/", {"year": YEAR}))
    assert page.texts(".progress__num") == ["20%"]


def test_the_dashboard_counts_the_latest_month(corrected):
    fiscal_year = corrected["project"].fiscal_year
    filters = dashboard.parse_filters(
        {"year": str(YEAR)}, years=[fiscal_year], agencies=[], today=dt.date(2026, 12, 6)
    )
    (row,) = dashboard.project_rows(filters)
    assert row.actual == Decimal("20.00")
    (agency,) = dashboard.agency_rows(filters)
    assert agency.average_actual == Decimal("20.00")


def test_the_printed_report_and_its_workbook_show_the_latest_month(corrected):
    project = corrected["project"]
    report = report_selectors.project_report_for_code(project.code, today=dt.date(2026, 12, 6))
    assert report.actual == Decimal("20.00")
    assert report.actual_on == dt.date(2026, 12, 3)
    assert [e.period for e in report.entries] == [NOVEMBER, OCTOBER]  # (1) = newest month
    assert report.gauge.value == Decimal("20.00")

    agency = report_selectors.agency_report(
        fiscal_year=project.fiscal_year,
        quarter=None,
        agency=project.agency,
        today=dt.date(2026, 12, 6),
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.agency_workbook(agency)))["สรุป"]
    assert sheet.cell(row=5, column=6).value == 20


def test_the_quarter_result_defaults_to_the_latest_month_of_the_quarter(corrected):
    project = corrected["project"]
    row = indicator_selectors.evaluation_row(
        fiscal_year=project.fiscal_year, quarter=1, code=project.code
    )
    assert row.quarter_percent == Decimal("20.00")
    loaded = selectors.project_head(project.code)
    (q1, *_rest) = indicator_selectors.project_quarter_rows(
        loaded, selectors.progress_points(loaded), today=dt.date(2026, 12, 6)
    )
    assert q1.result_value == Decimal("20.00")
    assert q1.result_is_default


def test_the_history_names_the_month_of_a_report_written_later(client, corrected):
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get(f"/projects/{corrected['project'].code}/"))
    # November written on 3 Dec, October corrected on 5 Dec: each heads with its month.
    assert page.texts(".entry .entry__month") == ["รายงานเดือนพฤศจิกายน 2569", "รายงานเดือนตุลาคม 2569"]


def test_the_s_curve_ends_at_the_latest_month(corrected):
    project = selectors.project_head(corrected["project"].code)
    points = selectors.progress_points(project)
    assert [p.period for p in points] == [OCTOBER, NOVEMBER]
    # October's report sits at October's end, though corrected on 5 December.
    assert [p.day for p in points] == [dt.date(2026, 10, 31), dt.date(2026, 11, 30)]
    figure = selectors.project_scurve(project, points, today=dt.date(2026, 12, 6)).figure
    assert figure["data"][-1]["y"][-1] == 20.0


@pytest.mark.parametrize("seed", range(3))
def test_progress_at_in_python_and_in_sql_agree(seed):
    """ProjectQuerySet.with_latest_progress (SQL) and progress.progress_at (Python) answer
    the same for every project at every quarter's end and on any day, whatever the days
    the reports were written on."""
    import random

    from projects import progress, thaidates
    from tests.factories import ProgressEntryFactory

    rng = random.Random(seed)
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    projects = [ProjectFactory(fiscal_year=fiscal_year) for _ in range(6)]
    months = thaidates.fiscal_months(YEAR)
    for project in projects:
        for month in rng.sample(months, rng.randint(0, 8)):
            written = month + dt.timedelta(days=rng.randint(0, 70))
            ProgressEntryFactory(
                project=project,
                period=month,
                reported_on=written,
                percent=Decimal(rng.randint(0, 10000)) / 100,
            )
    days = [thaidates.quarter_bounds(YEAR, q)[1] for q in (1, 2, 3, 4)]
    days += [fiscal_year.starts_on + dt.timedelta(days=rng.randint(0, 364)) for _ in range(4)]
    for day in [None, *days]:
        annotated = Project.objects.filter(fiscal_year=fiscal_year).with_latest_progress(
            as_of=day, since=fiscal_year.starts_on
        )
        for project in annotated:
            points = selectors.progress_points(project)
            at = progress.progress_at(points, day or dt.date.max, since=fiscal_year.starts_on)
            expected = (at.percent, at.reported_on) if at else (None, None)
            found = (project.latest_percent, project.latest_reported_on)
            if found[0] is not None:
                found = (Decimal(found[0]).quantize(Decimal("0.01")), found[1])
            assert found == expected, (project.code, day)
