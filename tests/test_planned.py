"""Planned against actual: the S-curve of the project page, and the SQL planned percent of
the dashboard, which must agree with projects.progress on every project and every day."""

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from django.test import override_settings

from projects import progress, selectors
from projects.models import Agency, FiscalYear, PlanStep, ProgressEntry, Project
from reports import dashboard
from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html import page_of

YEAR = 2569  # 1 Oct 2025 – 30 Sep 2026
START = dt.date(2025, 10, 1)


def steps_of_four(project, *, dates=True):
    """Four steps of 10, 20, 30, 40 points, one quarter each."""
    quarters = [
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ]
    for order, (weight, (starts_on, ends_on)) in enumerate(
        zip((10, 20, 30, 40), quarters, strict=True), 1
    ):
        PlanStepFactory(
            project=project,
            order=order,
            weight=Decimal(weight),
            starts_on=starts_on if dates else dt.date(2020, 10, 1),
            ends_on=ends_on if dates else dt.date(2020, 10, 1),
        )


def page_project(code):
    project = selectors.project_for_page(code)
    return project, selectors.progress_points(project)


# --- S-curve on the project page ---------------------------------------------------------


@pytest.mark.django_db
def test_scurve_behind_when_actual_trails_plan_by_more_than_threshold():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 1, 20), percent=Decimal(10))
    loaded, points = page_project(project.code)

    # 31 Mar 2026: the first two steps are over, 10 + 20 = 30 planned; actual 10.
    curve = selectors.project_scurve(loaded, points, today=dt.date(2026, 3, 31))

    assert curve.has_schedule
    assert curve.planned == Decimal("30.00")
    assert curve.actual == Decimal("10.00")
    assert curve.gap == Decimal("20.00")
    assert curve.behind


@pytest.mark.django_db
@override_settings(BMA_BEHIND_THRESHOLD=25)
def test_scurve_threshold_comes_from_the_setting():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 1, 20), percent=Decimal(10))
    loaded, points = page_project(project.code)

    curve = selectors.project_scurve(loaded, points, today=dt.date(2026, 3, 31))

    assert curve.gap == Decimal("20.00")
    assert not curve.behind


@pytest.mark.django_db
def test_scurve_planned_line_bends_at_step_boundaries_and_matches_planned_percent():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    for month, percent in ((10, 5), (11, 10), (12, 10)):
        ProgressEntryFactory(
            project=project, reported_on=dt.date(2025, month, 25), percent=Decimal(percent)
        )
    loaded, points = page_project(project.code)
    steps = list(loaded.steps.all())

    figure = selectors.project_scurve(loaded, points, today=dt.date(2025, 11, 15)).figure
    planned, actual = figure["data"]

    assert planned["x"][0] == "2025-09-30" and planned["y"][0] == 0
    assert planned["x"][-1] == "2026-09-30" and planned["y"][-1] == 100
    for day, value in zip(planned["x"], planned["y"], strict=True):
        assert Decimal(str(value)) == progress.planned_percent(steps, dt.date.fromisoformat(day))
    # From 0 on the year's first day (no marker there), then each report.
    assert actual["x"] == ["2025-10-01", "2025-10-25", "2025-11-25", "2025-12-25"]
    assert actual["y"] == [0.0, 5.0, 10.0, 10.0]
    assert actual["marker"]["size"] == [0, 8, 8, 8]
    assert actual["customdata"][1] == "รายงาน 25/10/2568"  # BE dates in the hover text
    assert figure["layout"]["shapes"][0]["x0"] == "2025-11-15"  # the measuring day
    json.dumps(figure)  # json_script must be able to write it


@pytest.mark.django_db
def test_scurve_after_the_year_is_measured_on_its_last_day():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 9, 25), percent=Decimal(100))
    loaded, points = page_project(project.code)

    curve = selectors.project_scurve(loaded, points, today=dt.date(2027, 5, 1))

    assert curve.day == dt.date(2026, 9, 30)
    assert curve.planned == Decimal(100)
    assert not curve.behind


@pytest.mark.django_db
def test_scurve_without_schedule_shows_only_actual_and_is_never_behind():
    """The seed's steps all carry the placeholder date 2020-10-01."""
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2564))
    steps_of_four(project, dates=False)
    ProgressEntryFactory(project=project, reported_on=dt.date(2021, 9, 22), percent=Decimal(5))
    loaded, points = page_project(project.code)

    curve = selectors.project_scurve(loaded, points, today=dt.date(2026, 11, 1))

    assert not curve.has_schedule
    assert curve.planned is None
    assert not curve.behind
    assert [trace["name"] for trace in curve.figure["data"]] == ["ผลการดำเนินงาน"]


@pytest.mark.django_db
def test_scurve_needs_no_query_of_its_own(django_assert_num_queries):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    ProgressEntryFactory(project=project, reported_on=dt.date(2026, 1, 20), percent=Decimal(10))
    loaded, points = page_project(project.code)

    with django_assert_num_queries(0):
        selectors.project_scurve(loaded, points, today=dt.date(2026, 3, 31))


@pytest.mark.django_db
def test_project_page_shows_behind_alert_and_the_curve(client):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=YEAR))
    steps_of_four(project)
    ProgressEntryFactory(project=project, reported_on=dt.date(2025, 10, 20), percent=Decimal(0))
    client.force_login(UserFactory())

    # Today is after 30 Sep 2026, so the year is measured on its last day: planned 100.
    page = page_of(client.get(f"/projects/{project.code}/"))

    section = page.text("#scurve")
    assert "ความคืบหน้าเทียบกับแผน" in section
    assert "ล่าช้ากว่าแผน" in section
    assert "100.00 จุด" in section
    assert "30 ก.ย. 2569" in section
    figure = json.loads(page.one("#scurve-figure").text)
    assert [trace["name"] for trace in figure["data"]] == ["แผน", "ผลการดำเนินงาน"]
    assert page.one("#scurve [data-figure]").get("data-figure") == "scurve-figure"


@pytest.mark.django_db
def test_project_page_says_when_the_plan_has_no_dates(client):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2564))
    steps_of_four(project, dates=False)
    client.force_login(UserFactory())

    page = page_of(client.get(f"/projects/{project.code}/"))

    assert "ยังคำนวณความคืบหน้าตามแผนไม่ได้" in page.text("#scurve")
    assert "ล่าช้ากว่าแผน" not in page.text("#scurve")


# --- The SQL planned percent (projects/progress_sql.py) against projects.progress ----------


def random_plan(rng: random.Random, project: Project) -> list[PlanStep]:
    """Steps of random weights and dates, with the odd undated or placeholder step."""
    kind = rng.choice(["dated", "dated", "dated", "placeholder", "none", "mixed", "one-day"])
    count = rng.randint(1, 8)
    weights = [
        Decimal(rng.randint(1, 40)) + Decimal(rng.choice([0, 25, 50, 75])) / 100
        for _ in range(count)
    ]
    steps = []
    for order, weight in enumerate(weights, 1):
        if kind == "placeholder":
            starts_on = ends_on = dt.date(2020, 10, 1)
        elif kind == "none" or (kind == "mixed" and rng.random() < 0.4):
            starts_on = ends_on = None
        elif kind == "one-day":
            starts_on = ends_on = START + dt.timedelta(days=rng.randint(0, 364))
        else:
            starts_on = START + dt.timedelta(days=rng.randint(-20, 340))
            ends_on = starts_on + dt.timedelta(days=rng.randint(0, 120))
        steps.append(
            PlanStep(
                project=project,
                order=order,
                title=f"ขั้นตอนที่ {order}",
                weight=weight,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return PlanStep.objects.bulk_create(steps)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_planned_and_behind_agree_with_progress_module(seed):
    rng = random.Random(seed)
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    agency = Agency.objects.create(code="77000000", name="สำนักงานทดสอบแผน")
    expected_steps = {}
    latest = {}
    for number in range(40):
        project = ProjectFactory(agency=agency, fiscal_year=fiscal_year, code=f"77000000-{number}")
        expected_steps[project.pk] = random_plan(rng, project)
        if rng.random() < 0.8:
            percent = Decimal(rng.randint(0, 10000)) / 100
            ProgressEntry.objects.create(
                project=project,
                reported_on=START + dt.timedelta(days=rng.randint(0, 300)),
                period=START,
                percent=percent,
            )
            latest[project.pk] = percent
    years, agencies = list(FiscalYear.objects.all()), list(Agency.objects.all())

    for today in (
        dt.date(2025, 9, 1),  # before the year: measured today, nothing planned yet
        START,
        START + dt.timedelta(days=rng.randint(1, 363)),
        START + dt.timedelta(days=rng.randint(1, 363)),
        dt.date(2026, 9, 30),
    ):
        filters = dashboard.parse_filters(
            {"year": str(YEAR)}, years=years, agencies=agencies, today=today
        )
        rows = {p.pk: p for p in dashboard.projects_with_status(filters)}
        behind = 0
        for pk, steps in expected_steps.items():
            planned = progress.planned_percent(steps, filters.day)
            actual = latest.get(pk)
            assert rows[pk].planned == planned, (
                pk,
                today,
                [(s.weight, s.starts_on, s.ends_on) for s in steps],
            )
            assert rows[pk].actual == (actual or Decimal(0))
            assert rows[pk].behind == progress.is_behind(actual, planned)
            behind += progress.is_behind(actual, planned)
        (row,) = dashboard.agency_rows(filters)
        assert row.behind == behind
        assert row.scheduled == sum(
            progress.planned_percent(s, filters.day) is not None for s in expected_steps.values()
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actual", "behind"),
    [("0.00", True), ("19.99", True), ("20.00", True), ("20.01", False), ("20.02", False)],
)
def test_behind_threshold_edge_in_sql(actual, behind):
    """planned 30.01, threshold 10: a gap of exactly 10.00 is not behind, 10.01 is."""
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    project = ProjectFactory(fiscal_year=fiscal_year)
    PlanStepFactory(
        project=project, order=1, weight=Decimal("30.01"), starts_on=START, ends_on=START
    )
    PlanStepFactory(
        project=project,
        order=2,
        weight=Decimal("69.99"),
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    ProgressEntryFactory(project=project, reported_on=START, percent=Decimal(actual))
    filters = dashboard.parse_filters(
        {}, years=[fiscal_year], agencies=[], today=dt.date(2026, 3, 1)
    )

    (row,) = dashboard.projects_with_status(filters)

    assert row.planned == Decimal("30.01")
    assert row.behind is behind
    assert dashboard.agency_rows(filters)[0].behind == int(behind)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [4, 5])
def test_sql_planned_percent_equals_python_on_a_grid_of_days(seed):
    """The two homes of planned percent, side by side: every project, every tenth day of
    the year and its edges (projects.progress.planned_percent, progress_sql.planned_percent)."""
    from projects import progress_sql

    rng = random.Random(seed)
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    plans = {}
    for number in range(25):
        project = ProjectFactory(fiscal_year=fiscal_year, code=f"78000000-{number}")
        plans[project.pk] = random_plan(rng, project)
    days = [START + dt.timedelta(days=n) for n in range(-1, 370, 10)] + [dt.date(2026, 9, 30)]
    for day in days:
        found = dict(
            Project.objects.filter(fiscal_year=fiscal_year)
            .annotate(planned=progress_sql.planned_percent(day))
            .values_list("pk", "planned")
        )
        for pk, steps in plans.items():
            expected = progress.planned_percent(steps, day)
            value = found[pk]
            if value is not None:
                value = Decimal(str(value)).quantize(Decimal("0.01"))
            assert value == expected, (day, [(s.weight, s.starts_on, s.ends_on) for s in steps])
