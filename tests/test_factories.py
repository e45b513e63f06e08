"""Every factory makes a row that passes the model's validation and database constraints."""

import datetime as dt

import pytest

from tests import factories

FACTORIES = [
    factories.AgencyFactory,
    factories.FiscalYearFactory,
    factories.UserFactory,
    factories.ProjectFactory,
    factories.ProjectObjectiveFactory,
    factories.StrategyLinkFactory,
    factories.PlanStepFactory,
    factories.ProgressEntryFactory,
    factories.IndicatorFactory,
    factories.QuarterEvaluationFactory,
    factories.IndicatorLevelFactory,
    factories.IndicatorQuarterResultFactory,
    factories.QuarterLockFactory,
    factories.QuarterLockEventFactory,
    factories.ReportingDeadlineFactory,
    factories.MonthReopeningFactory,
    factories.EvidenceFileFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_makes_a_valid_row(db, settings, tmp_path, factory):
    settings.MEDIA_ROOT = tmp_path
    instance = factory()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()


def test_users_log_in_with_the_demo_password(db):
    staff = factories.UserFactory()
    evaluator = factories.UserFactory(evaluator=True)
    assert staff.check_password("demo") and evaluator.check_password("demo")
    assert staff.role == "staff" and staff.agency is not None
    assert evaluator.role == "evaluator" and evaluator.agency is None


def test_entry_period_is_the_first_of_the_reported_month(db):
    entry = factories.ProgressEntryFactory(reported_on=dt.date(2024, 2, 29))
    assert entry.period == dt.date(2024, 2, 1)


def test_dates_of_steps_and_entries_fall_in_the_project_year(db):
    project = factories.ProjectFactory(fiscal_year__year_be=2564)
    step = factories.PlanStepFactory(project=project)
    entry = factories.ProgressEntryFactory(project=project)
    assert project.fiscal_year.contains(step.starts_on)
    assert project.fiscal_year.contains(step.ends_on)
    assert project.fiscal_year.contains(entry.reported_on)


def test_indicator_links_projects(db):
    projects = factories.ProjectFactory.create_batch(2)
    indicator = factories.IndicatorFactory(projects=projects)
    assert set(indicator.projects.all()) == set(projects)
