"""Fixtures of the hostile-input tests (a project of fiscal year 2569 with three steps and
February's report, its agency's staff), and the count of hostile inputs tried per form,
printed at the end of the run and written to test-results/hostile-inputs.json."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import (
    FiscalYearFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
)
from tests.hostile.http import tried

TODAY = dt.date(2026, 3, 5)  # fiscal year 2569; February's report is due until 10 March
FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture
def fixed_today(monkeypatch):
    """The report pages' today: 5 March 2026."""
    monkeypatch.setattr("projects.view_helpers.today", lambda: TODAY)


@pytest.fixture
def project():
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    for order, weight in enumerate((20, 30, 50), start=1):
        PlanStepFactory(
            project=project,
            order=order,
            weight=Decimal(weight),
            starts_on=dt.date(2025, 10, 1) + dt.timedelta(days=60 * (order - 1)),
            ends_on=dt.date(2025, 11, 30) + dt.timedelta(days=60 * (order - 1)),
        )
    ProgressEntryFactory(
        project=project,
        period=FEBRUARY,
        reported_on=dt.date(2026, 2, 20),
        percent=Decimal(20),
        completed_steps=[project.steps.order_by("order").first().pk],
    )
    return project


@pytest.fixture
def staff(project):
    return UserFactory(agency=project.agency)


RESULTS = Path(__file__).resolve().parent.parent.parent / "test-results"


def pytest_terminal_summary(terminalreporter):
    if not tried:
        return
    terminalreporter.section("hostile inputs tried")
    width = max(len(name) for name in tried)
    for name, count in sorted(tried.items()):
        terminalreporter.write_line(f"{name:<{width}}  {count:>6}")
    terminalreporter.write_line(f"{'total':<{width}}  {sum(tried.values()):>6}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hostile-inputs.json").write_text(
        json.dumps(dict(sorted(tried.items())), ensure_ascii=False, indent=1)
    )
