""" "Behind on disbursement" and the disbursed percent have two homes: SQL for the dashboard
(reports.dashboard_budget.with_disbursement, over 20,000 projects) and Python for the agency
reports (reports.budget_report.project_budget, over prefetched projects). This test keeps
the two equal on many generated projects: budgets with and without transfers, types with
their own target or the overall one, reports with blank figures, never-reported projects,
figures on the boundary of the target."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from projects.models import BudgetType, DisbursementTarget, Project
from projects.money import percent_of
from reports import budget_report, dashboard_budget
from tests.test_dashboard import YEAR, make_project
from tests.test_dashboard import year_data as year_data  # noqa: F401 (a fixture)
from tests.test_dashboard_budget import budget

D = Decimal
AS_OF = dt.date(2026, 9, 30)  # after every report below: both homes see the same latest figures
DAYS = [dt.date(2026, 3, 20), dt.date(2026, 6, 20), dt.date(2026, 8, 20)]


def _random_budget(rng: random.Random, project, type_names):
    allocated = rng.choice([1, 99, 100_000, 1_000_000, 2_345_678])
    transfers = (
        []
        if allocated < 100
        else rng.choice([[], [str(allocated // 10)], [str(-(allocated // 4)), "333.33"]])
    )
    after = D(allocated) + sum((D(t) for t in transfers), D(0))
    figures = []
    for day in rng.sample(DAYS, rng.randint(0, len(DAYS))):
        if rng.random() < 0.25:
            figures.append((day, None, None))  # a report that left the figures blank
            continue
        # Around the targets (55, 60, 80 %): exactly on one, just below, just above.
        share = D(rng.choice(["0", "0.5499", "0.55", "0.5999", "0.6", "0.7999", "0.8", "1"]))
        disbursed = (after * share).quantize(D("0.01"))
        figures.append((day, str(D(0)), str(disbursed)))
    figures.sort()
    return budget(
        project,
        str(allocated),
        type_name=rng.choice([None, *type_names]),
        transfers=transfers,
        figures=figures,
    )


@pytest.mark.parametrize("targets", ["overall and by type", "by type only", "overall only", "none"])
def test_behind_and_percent_are_the_same_in_sql_and_python(year_data, targets):  # noqa: F811
    year, council = year_data["year"], year_data["council"]
    invest = BudgetType.objects.get(name="งบลงทุน")
    if targets in ("overall and by type", "overall only"):
        DisbursementTarget.objects.create(fiscal_year=year, quarter=4, percent=D(80))
    if targets in ("overall and by type", "by type only"):
        DisbursementTarget.objects.create(
            fiscal_year=year, quarter=4, budget_type=invest, percent=D(60)
        )
    rng = random.Random(f"{YEAR}-{targets}")
    type_names = ["งบลงทุน", "งบดำเนินงาน"]
    codes = []
    for number in range(40):
        project = make_project(council, year, f"01000000-{100 + number}")
        _random_budget(rng, project, type_names)
        codes.append(project.code)

    target = budget_report.target_for(year, AS_OF)
    assert target.quarter == 4
    in_sql = {
        p.code: p
        for p in dashboard_budget.with_disbursement(Project.objects.filter(code__in=codes), target)
    }
    in_python = Project.objects.filter(code__in=codes).prefetch_related(
        "entries", "budget_transfers"
    )
    compared = 0
    for project in in_python:
        python = budget_report.project_budget(project, target, AS_OF)
        sql = in_sql[project.code]
        assert sql.budget_after == python.after, project.code
        assert sql.disbursed_latest == python.disbursed, project.code
        assert bool(sql.budget_behind) == bool(python.behind), (
            project.code,
            python,
            sql.budget_target,
        )
        sql_percent = (
            None
            if sql.disbursed_percent is None
            else percent_of(sql.disbursed_latest, sql.budget_after)
        )
        assert sql_percent == python.disbursed_percent, project.code
        if sql.disbursed_percent is not None:
            assert abs(sql.disbursed_percent - python.disbursed_percent) < D("0.01")
        compared += 1
    assert compared == 40
    behind = sum(1 for p in in_sql.values() if p.budget_behind)
    if targets == "none":
        assert behind == 0
    else:  # the generated data do put some projects on each side
        assert 0 < behind < 40
