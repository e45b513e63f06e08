"""The demo's budgets (issue 16, projects/demo/budgets.py): generate_demo gives most
projects a budget (routine ones none), types spread, some transfers, and monthly
figures that spend late in the year and obey the monthly report's rules; the demo years
get the DEMO targets of fixtures/demo/budget.toml; `manage.py demo` gives its current
projects budgets and figures."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from projects import thaidates
from projects.demo import budgets, scale
from projects.demo.load import make_demo
from projects.models import BudgetTransfer, DisbursementTarget, FiscalYear, Project

TODAY = dt.date(2026, 11, 25)  # fiscal year 2570 has begun; 2566–2569 are closed


def assert_obeys_the_rules(project):
    """services.progress_entry_check's budget rules, report after report."""
    after = project.budget_after_transfers()
    previous = None
    for entry in project.entries.order_by("period"):
        if project.budget_allocated is None:
            assert entry.committed is None and entry.disbursed is None
            continue
        if entry.disbursed is None:
            continue
        assert Decimal(0) <= entry.disbursed <= after
        assert entry.committed + entry.disbursed <= after
        if previous is not None:
            assert entry.disbursed >= previous.disbursed
            if entry.committed < previous.committed:
                assert entry.budget_lower_reason
        previous = entry


@pytest.fixture
def generated(db):
    return scale.generate(projects=200, agencies=80, years=3, today=TODAY)


@pytest.mark.django_db
def test_most_projects_have_a_budget_of_spread_types(generated):
    projects = Project.objects.filter(code__regex=scale.GENERATED_PROJECT_CODE)
    with_budget = projects.filter(budget_allocated__isnull=False)
    assert 0.75 < with_budget.count() / projects.count() < 0.97
    types = Counter(with_budget.values_list("budget_type__name", flat=True))
    assert len(types) >= 4 and None not in types
    assert BudgetTransfer.objects.filter(project__in=with_budget).count() >= 10


@pytest.mark.django_db
def test_generated_figures_obey_the_rules(generated):
    projects = Project.objects.filter(code__regex=scale.GENERATED_PROJECT_CODE)
    for project in projects.prefetch_related("budget_transfers"):
        assert_obeys_the_rules(project)


@pytest.mark.django_db
def test_a_closed_year_spends_late(generated):
    """Summed over the year 2569's projects, less than a third is paid by the end of March
    and most of it by September."""
    year = FiscalYear.objects.get(year_be=2569)
    projects = Project.objects.filter(
        fiscal_year=year, budget_allocated__isnull=False
    ).prefetch_related("entries", "budget_transfers")
    march, september = thaidates.fiscal_months(2569)[5], thaidates.fiscal_months(2569)[11]
    total = sum(p.budget_after_transfers() for p in projects)
    paid = {march: Decimal(0), september: Decimal(0)}
    for project in projects:
        for entry in project.entries.all():
            if entry.period in paid and entry.disbursed is not None:
                paid[entry.period] += entry.disbursed
    assert paid[march] / total < Decimal("0.35")
    assert paid[september] / total > Decimal("0.7")


@pytest.mark.django_db
def test_demo_years_get_the_demo_targets_only_once(generated):
    year = FiscalYear.objects.get(year_be=2570)
    overall = dict(
        DisbursementTarget.objects.filter(fiscal_year=year, budget_type=None).values_list(
            "quarter", "percent"
        )
    )
    assert overall == {q: p for q, name, p in budgets.demo_targets() if name is None}
    assert budgets.ensure_targets([year]) == 0


def test_plans_are_the_same_on_every_run():
    assert budgets.plan_for("01000000-700001", 2570) == budgets.plan_for("01000000-700001", 2570)
    assert budgets.plan_for("01000000-700001", 2570, "routine") is None


@pytest.mark.django_db
def test_manage_demo_gives_its_current_projects_budgets_and_figures():
    make_demo(today=TODAY)
    current = Project.objects.filter(fiscal_year__year_be=2570)
    budgeted = current.filter(budget_allocated__isnull=False)
    assert budgeted.count() == current.count() > 0
    # the previous year's by-law training is routine work: no budget
    previous = Project.objects.filter(fiscal_year__year_be=2569)
    assert previous.filter(budget_allocated__isnull=True).count() == 1
    reported = budgeted.filter(entries__disbursed__isnull=False).distinct()
    assert reported.exists()
    for project in Project.objects.prefetch_related("budget_transfers"):
        assert_obeys_the_rules(project)
    assert DisbursementTarget.objects.filter(fiscal_year__year_be=2570).exists()
    make_demo(today=TODAY)  # again: nothing doubled
    assert (
        DisbursementTarget.objects.filter(fiscal_year__year_be=2570, budget_type=None).count() == 4
    )


@pytest.mark.django_db
def test_generated_figures_pass_the_monthly_reports_check(generated):
    """The very rules of the monthly report (projects/report_budget.budget_errors, which
    services.progress_entry_check runs), report after report, on 40 budgeted projects."""
    from types import SimpleNamespace

    from projects import report_budget

    projects = Project.objects.filter(
        code__regex=scale.GENERATED_PROJECT_CODE, budget_allocated__isnull=False
    ).order_by("code")[:40]
    checked = 0
    for project in projects:
        for entry in project.entries.order_by("period"):
            data = SimpleNamespace(
                committed=entry.committed,
                disbursed=entry.disbursed,
                budget_lower_reason=entry.budget_lower_reason,
            )
            errors, _lower, _previous = report_budget.budget_errors(project, entry.period, data)
            assert errors == {}, (project.code, entry.period)
            checked += 1
    assert checked > 100
