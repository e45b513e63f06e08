"""Reporting rates (projects/rates.py) on the hand-built set of tests/rates_data.py: the
numbers checked by hand, the drill-down to the missing projects, the on-time rule equal to
months.py's, and a query count that does not grow with agencies or projects."""

import datetime as dt
from decimal import Decimal

import pytest

from projects import months, rates
from projects.models import ProgressEntry
from tests import rates_data
from tests.factories import AgencyFactory, ProgressEntryFactory, ProjectFactory
from tests.rates_data import DEC, JAN, NOV, OCT, TODAY


@pytest.fixture
def data(db):
    return rates_data.build()


def counts(expected, submitted, on_time, approved):
    return rates.Counts(expected=expected, submitted=submitted, on_time=on_time, approved=approved)


def cell(result, code, period):
    row = next(r for r in result.rows if r.agency_code == code) if code else result.total
    return dict(row.cells_with_months(result.months))[result.month(period)]


def test_hand_checked_numbers_per_agency_and_month(data):
    result = rates.reporting_rates(data.fiscal_year, today=TODAY)
    assert [row.agency_code for row in result.rows] == [data.a.code, data.b.code]  # no C
    assert cell(result, data.a.code, OCT) == counts(3, 2, 2, 1)
    assert cell(result, data.b.code, OCT) == counts(2, 2, 0, 2)
    assert cell(result, data.a.code, NOV) == counts(3, 3, 2, 2)
    assert cell(result, data.b.code, NOV) == counts(2, 1, 1, 1)
    assert cell(result, data.a.code, DEC) == counts(3, 2, 2, 2)
    assert cell(result, data.b.code, DEC) == counts(2, 0, 0, 0)
    # January has not ended: nothing expected, its entry not counted.
    assert cell(result, data.b.code, JAN) == counts(0, 0, 0, 0)
    assert cell(result, "", OCT) == counts(5, 4, 2, 3)
    assert cell(result, "", NOV) == counts(5, 4, 3, 3)
    assert cell(result, "", DEC) == counts(5, 2, 2, 2)


def test_hand_checked_totals_and_percentages(data):
    result = rates.reporting_rates(data.fiscal_year, today=TODAY)
    a, b = result.rows
    assert a.total == counts(9, 7, 6, 5)
    assert b.total == counts(6, 3, 1, 3)
    assert result.total.total == counts(15, 10, 7, 8)
    assert a.total.submitted_rate == Decimal("77.8")
    assert a.total.on_time_rate == Decimal("66.7")
    assert a.total.approved_rate == Decimal("55.6")
    assert b.total.submitted_rate == Decimal("50.0")
    assert b.total.missing == 3
    assert result.total.total.on_time_rate == Decimal("46.7")
    assert counts(0, 0, 0, 0).submitted_rate is None


def test_months_counted_and_their_deadlines(data):
    result = rates.reporting_rates(data.fiscal_year, today=TODAY)
    assert [m.period for m in result.counted_months] == [OCT, NOV, DEC]
    assert result.month(NOV).deadline == dt.date(2025, 12, 15)  # moved
    assert [m.past_deadline for m in result.counted_months] == [True, True, False]
    assert len(result.months) == 12
    assert [m for m, _c in result.monthly] == result.counted_months


def test_one_agency_only(data):
    result = rates.reporting_rates(data.fiscal_year, today=TODAY, agency=data.b)
    assert [row.agency_code for row in result.rows] == [data.b.code]
    assert result.total.total == counts(6, 3, 1, 3)
    assert result.total.agency_name == data.b.name


def test_before_the_first_month_ends_nothing_is_expected(data):
    result = rates.reporting_rates(data.fiscal_year, today=dt.date(2025, 10, 31))
    assert result.counted_months == []
    assert result.total.total == counts(0, 0, 0, 0)


@pytest.mark.parametrize(
    ("period", "agency", "expected"),
    [
        (OCT, None, ["A3"]),
        (NOV, None, ["B2"]),
        (DEC, None, ["A3", "B1", "B2"]),
        (DEC, "b", ["B1", "B2"]),
        (DEC, "a", ["A3"]),
    ],
)
def test_drill_down_lists_the_expected_projects_without_a_submitted_report(
    data, period, agency, expected
):
    projects = rates.missing_projects(
        data.fiscal_year, period, agency=getattr(data, agency) if agency else None
    )
    assert [p.code.split("-")[1] for p in projects] == expected


def test_drill_down_agrees_with_the_counts(data):
    result = rates.reporting_rates(data.fiscal_year, today=TODAY)
    for month, total in result.monthly:
        assert rates.missing_projects(data.fiscal_year, month.period).count() == total.missing


@pytest.mark.parametrize(
    ("reported_on", "late", "moved"),
    [
        (dt.date(2025, 11, 10), False, None),  # on the deadline
        (dt.date(2025, 11, 11), False, None),  # a day after
        (dt.date(2025, 11, 5), True, None),  # recorded late
        (dt.date(2025, 11, 14), False, dt.date(2025, 11, 14)),  # moved deadline, on it
        (dt.date(2025, 11, 15), False, dt.date(2025, 11, 14)),
    ],
)
def test_entry_on_time_is_months_rule_in_sql(db, reported_on, late, moved):
    from tests.factories import FiscalYearFactory, ReportingDeadlineFactory

    fiscal_year = FiscalYearFactory(year_be=2569)
    if moved:
        ReportingDeadlineFactory(period=OCT, due_on=moved)
    project = ProjectFactory(fiscal_year=fiscal_year)
    ProgressEntryFactory(project=project, period=OCT, reported_on=reported_on, is_late=late)
    state = months.month_state(project, OCT, today=TODAY)
    deadlines = months.deadlines([OCT], fiscal_years=[fiscal_year])
    in_sql = ProgressEntry.objects.filter(rates.entry_on_time(deadlines)).exists()
    assert in_sql == (not state.reported_late)


def add_agencies(fiscal_year, n):
    """``n`` more agencies of three projects each, reported on time in October and
    November and sent in December."""
    for _agency in range(n):
        agency = AgencyFactory()
        for _project in range(3):
            project = ProjectFactory(agency=agency, fiscal_year=fiscal_year)
            for period in (OCT, NOV):
                ProgressEntryFactory(
                    project=project, period=period, reported_on=period + dt.timedelta(days=20)
                )
            rates_data.submission(
                project, DEC, rates_data.State.SUBMITTED, sent_on=dt.date(2026, 1, 2)
            )


def test_query_count_does_not_grow_with_agencies_or_projects(data, django_assert_num_queries):
    with django_assert_num_queries(4):
        # the moved deadlines, the projects per agency, entries, sent submissions
        small = rates.reporting_rates(data.fiscal_year, today=TODAY)
    add_agencies(data.fiscal_year, 5)
    with django_assert_num_queries(4):
        large = rates.reporting_rates(data.fiscal_year, today=TODAY)
    assert len(large.rows) == len(small.rows) + 5
    assert large.total.total - small.total.total == counts(45, 45, 45, 30)
