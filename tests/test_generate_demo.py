"""manage.py generate_demo: scale data by bulk inserts, realistic enough for the dashboard."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from indicators.models import Indicator, QuarterEvaluation
from projects import thaidates
from projects.demo import scale
from projects.models import Agency, FiscalYear, PlanStep, ProgressEntry, Project
from reports import dashboard

TODAY = dt.date(2026, 11, 25)  # fiscal year 2570 has begun; 2566–2569 are closed


@pytest.fixture
def generated(db):
    return scale.generate(projects=120, agencies=80, years=5, today=TODAY)


@pytest.mark.django_db
def test_projects_agencies_and_years(generated):
    assert Agency.objects.count() == 80
    assert Agency.objects.filter(name="สำนักงานเขตบางบอน").exists()  # all 50 districts
    assert Agency.objects.filter(name="สำนักการโยธา", code="09000000").exists()
    assert Project.objects.count() == 120
    per_year = dict(
        Project.objects.values_list("fiscal_year__year_be").annotate(n=Count("pk")).order_by()
    )
    assert per_year == {2566: 24, 2567: 24, 2568: 24, 2569: 24, 2570: 24}
    for project in Project.objects.select_related("agency", "fiscal_year"):
        assert re.fullmatch(
            rf"{project.agency.code}-{project.fiscal_year.year_be % 100}\d{{4}}", project.code
        )
        assert project.name.startswith("โครงการ") and "{place}" not in project.name


@pytest.mark.django_db
def test_ten_steps_weighing_100_within_the_year(generated):
    steps = PlanStep.objects.values("project").annotate(n=Count("pk"), total=Sum("weight"))
    assert {row["n"] for row in steps} == {10}
    assert {row["total"] for row in steps} == {Decimal(100)}
    for step in PlanStep.objects.select_related("project__fiscal_year")[:200]:
        fy = step.project.fiscal_year
        assert fy.starts_on <= step.starts_on <= step.ends_on <= fy.ends_on


@pytest.mark.django_db
def test_monthly_entries_up_to_today(generated):
    closed = ProgressEntry.objects.filter(project__fiscal_year__year_be__lt=2570)
    per_project = closed.values("project").annotate(n=Count("pk"))
    counts = [row["n"] for row in per_project]
    assert max(counts) == 12 and sum(counts) / len(counts) > 11.5
    assert not ProgressEntry.objects.filter(reported_on__gt=TODAY).exists()
    current = ProgressEntry.objects.filter(project__fiscal_year__year_be=2570)
    assert set(current.values_list("period", flat=True)) <= {
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
    }
    for entry in closed.select_related("project")[:300]:
        assert entry.reported_on >= entry.period
        assert thaidates.fiscal_year_of(entry.period) == entry.project.fiscal_year.year_be
        ticked = PlanStep.objects.filter(pk__in=entry.completed_steps).aggregate(w=Sum("weight"))[
            "w"
        ]
        assert (ticked or 0) <= entry.percent
    # Percents never go down within a project.
    for project in Project.objects.filter(fiscal_year__year_be=2569)[:10]:
        percents = list(project.entries.order_by("period").values_list("percent", flat=True))
        assert percents == sorted(percents)


@pytest.mark.django_db
def test_kpis_and_quarter_evaluations(generated):
    assert Indicator.objects.count() == 80 * 5 * 3
    assert Indicator.projects.through.objects.count() == 120
    assert not QuarterEvaluation.objects.filter(project__fiscal_year__year_be=2570).exists()
    closed = QuarterEvaluation.objects.filter(project__fiscal_year__year_be__lt=2570)
    assert closed.count() > 0.8 * 96 * 4
    assert not closed.filter(project_score__isnull=True).exists()


@pytest.mark.django_db
def test_dashboard_has_something_to_show(generated):
    years, agencies = list(FiscalYear.objects.all()), list(Agency.objects.all())
    filters = dashboard.parse_filters({"year": "2569"}, years=years, agencies=agencies, today=TODAY)
    total = dashboard.dashboard_summary(filters).total
    assert total.projects == 24
    assert 0 < total.behind < 24  # the slow ones
    assert 0 < total.evaluated <= 24


@pytest.mark.django_db
def test_command_refuses_twice_and_replaces(capsys):
    call_command("generate_demo", projects=30, agencies=60, years=2)
    out = capsys.readouterr().out
    assert "generate_demo took" in out and "projects 30" in out
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_demo", projects=10, agencies=60, years=2)
    call_command("generate_demo", projects=10, agencies=60, years=2, replace=True)
    assert Project.objects.count() == 10
    assert ProgressEntry.objects.filter(project__isnull=True).count() == 0
    assert PlanStep.objects.count() == 100
    assert Indicator.objects.count() == 60 * 2 * 3


@pytest.mark.django_db
def test_replace_keeps_other_projects(seed_project):
    call_command("generate_demo", projects=5, agencies=80, years=1)
    call_command("generate_demo", projects=5, agencies=80, years=1, replace=True)
    assert Project.objects.filter(code=seed_project.code).exists()
    assert seed_project.entries.count() == 12
    assert Project.objects.count() == 6
