"""A reporting month's state (projects/months.py) and the pages that read it: "missing"
(ขาดส่ง) and "due" (รอส่ง) follow the deadline rule everywhere.

The bug of issue 13 (reproduced): on 6 December the dashboard counted December's reports as
missing, though they are due on 10 January; November's are due, not missing, until
10 December.
"""

import datetime as dt
from decimal import Decimal

import pytest

from reports import dashboard
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2570  # 1 Oct 2026 – 30 Sep 2027, reports due on the 10th of the next month
OCTOBER, NOVEMBER, DECEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def reporting_year():
    fiscal_year = FiscalYearFactory(year_be=YEAR)
    agency = AgencyFactory()
    months = {
        "both": (OCTOBER, NOVEMBER),
        "october": (OCTOBER,),
        "silent": (),
        "december": (DECEMBER,),
    }
    projects = {}
    for name, periods in months.items():
        projects[name] = project = ProjectFactory(fiscal_year=fiscal_year, agency=agency)
        for period in periods:
            ProgressEntryFactory(
                project=project,
                period=period,
                reported_on=period + dt.timedelta(days=35),
                percent=Decimal(10),
            )
    return {"year": fiscal_year, **projects}


def filters_on(reporting_year, today, **params):
    return dashboard.parse_filters(
        {"year": str(YEAR), **params}, years=[reporting_year["year"]], agencies=[], today=today
    )


def test_on_6_december_missing_means_october_and_november_is_due(reporting_year):
    filters = filters_on(reporting_year, dt.date(2026, 12, 6))
    (row,) = dashboard.agency_rows(filters)
    # October's deadline (10 Nov) has passed: the silent project and the one that reported
    # only December lack it. December itself is not missing (due 10 January).
    assert row.missing == 2
    assert filters.missing_month == OCTOBER
    # November's reports are due until 10 December: waiting, not missing.
    assert filters.due_month == NOVEMBER
    assert row.due == 3

    missing = dashboard.project_rows(
        filters_on(reporting_year, dt.date(2026, 12, 6), status="missing")
    )
    assert {p.pk for p in missing} == {reporting_year["silent"].pk, reporting_year["december"].pk}
    due = dashboard.project_rows(filters_on(reporting_year, dt.date(2026, 12, 6), status="due"))
    assert {p.pk for p in due} == {
        reporting_year["october"].pk,
        reporting_year["silent"].pk,
        reporting_year["december"].pk,
    }


def test_on_11_december_november_is_missing(reporting_year):
    filters = filters_on(reporting_year, dt.date(2026, 12, 11))
    (row,) = dashboard.agency_rows(filters)
    assert filters.missing_month == NOVEMBER
    assert row.missing == 3
    assert filters.due_month is None  # December has not ended
    assert row.due is None


def test_in_the_first_month_nothing_is_missing_or_due(reporting_year):
    filters = filters_on(reporting_year, dt.date(2026, 10, 20))
    (row,) = dashboard.agency_rows(filters)
    assert (filters.missing_month, filters.due_month) == (None, None)
    assert (row.missing, row.due) == (None, None)


# --- The rule itself (projects/months.py) ---------------------------------------------------


def state_of(today, **kwargs):
    from projects import months

    kwargs.setdefault("deadline", dt.date(2026, 11, 10))
    return months.MonthState(period=OCTOBER, today=today, **kwargs)


@pytest.mark.parametrize(
    ("today", "status", "locked", "missing"),
    [
        (dt.date(2026, 9, 30), "upcoming", False, False),
        (dt.date(2026, 10, 1), "open", False, False),
        (dt.date(2026, 10, 31), "open", False, False),
        (dt.date(2026, 11, 1), "due", False, False),
        (dt.date(2026, 11, 10), "due", False, False),
        (dt.date(2026, 11, 11), "late", True, True),
        (dt.date(2027, 3, 1), "late", True, True),
    ],
)
def test_a_month_without_report_through_time(today, status, locked, missing):
    state = state_of(today)
    assert (state.status, state.locked, state.missing) == (status, locked, missing)
    assert state.reported is False


def test_a_reopened_month_is_open_to_staff_until_the_reopening_ends():
    state = state_of(dt.date(2026, 11, 20), reopened_until=dt.date(2026, 11, 25))
    assert (state.status, state.locked, state.missing) == ("reopened", False, True)
    assert state_of(dt.date(2026, 11, 26), reopened_until=dt.date(2026, 11, 25)).locked


@pytest.mark.parametrize(
    ("reported_on", "is_late", "status"),
    [
        (dt.date(2026, 11, 5), False, "reported"),
        (dt.date(2026, 11, 10), False, "reported"),
        (dt.date(2026, 11, 12), False, "reported-late"),  # dated after the deadline
        (dt.date(2026, 11, 5), True, "reported-late"),  # first saved after it
    ],
)
def test_a_reported_month_is_on_time_or_late(reported_on, is_late, status):
    from projects.models import ProgressEntry

    entry = ProgressEntry(period=OCTOBER, reported_on=reported_on, is_late=is_late)
    state = state_of(dt.date(2026, 12, 6), entry=entry)
    assert state.status == status
    assert not state.missing
    assert state.locked  # reported or not, the month is closed to staff after its deadline


def test_a_month_outside_the_projects_year():
    state = state_of(dt.date(2026, 12, 6), in_year=False)
    assert (state.status, state.label, state.missing, state.reportable) == (
        "outside",
        "นอกปีงบประมาณ",
        False,
        False,
    )


def test_deadlines_follow_the_year_and_the_moved_months(reporting_year):
    from projects import months
    from tests.factories import ReportingDeadlineFactory

    project = reporting_year["silent"]
    project.fiscal_year.report_deadline_day = 5
    project.fiscal_year.save()
    ReportingDeadlineFactory(period=NOVEMBER, due_on=dt.date(2026, 12, 15))
    FiscalYearFactory(year_be=YEAR - 1, report_deadline_day=20)
    september = dt.date(2026, 9, 1)  # of the year before, with its own day
    states = months.month_states(
        project, [september, OCTOBER, NOVEMBER], today=dt.date(2026, 12, 6)
    )
    assert [states[p].deadline for p in (september, OCTOBER, NOVEMBER)] == [
        dt.date(2026, 10, 20),
        dt.date(2026, 11, 5),
        dt.date(2026, 12, 15),
    ]
    assert [states[p].status for p in (september, OCTOBER, NOVEMBER)] == [
        "outside",
        "late",
        "due",
    ]


def test_states_of_many_projects_in_a_fixed_number_of_queries(
    reporting_year, django_assert_num_queries
):
    from projects import months
    from projects.models import Project

    periods = [OCTOBER, NOVEMBER, DECEMBER]
    for _extra in range(5):
        ProjectFactory(fiscal_year=reporting_year["year"])
    projects = list(Project.objects.select_related("fiscal_year"))
    # moved deadlines, reports, reopenings
    with django_assert_num_queries(3):
        states = months.month_states_for(projects, periods, today=dt.date(2026, 12, 6))
    assert len(states) == len(projects) * 3
    assert states[(reporting_year["both"].pk, NOVEMBER)].status == "reported"
    assert states[(reporting_year["october"].pk, NOVEMBER)].status == "due"
    assert states[(reporting_year["silent"].pk, OCTOBER)].status == "late"
    assert states[(reporting_year["december"].pk, DECEMBER)].status == "reported"


def test_the_dashboard_page_says_missing_and_due_in_thai(client, reporting_year, monkeypatch):
    from django.core.cache import cache

    from tests.factories import UserFactory
    from tests.html import page_of

    cache.clear()
    monkeypatch.setattr("reports.dashboard.timezone.localdate", lambda: dt.date(2026, 12, 6))
    client.force_login(UserFactory(manager=True))
    page = page_of(client.get("/dashboard/", {"year": YEAR}))
    tiles = page.texts(".tile")
    assert any("ขาดส่งรายงานเดือน ตุลาคม 2569 2 เลยกำหนดส่ง 10/11/2569" in t for t in tiles)
    assert any("รอส่งรายงานเดือน พฤศจิกายน 2569 3 ยังไม่ส่ง กำหนดส่ง 10/12/2569" in t for t in tiles)
    drilled = page_of(client.get("/dashboard/", {"year": YEAR, "status": "due", "order": "code"}))
    cells = drilled.texts(".dash-projects tbody tr td:nth-child(7)")
    assert sorted(cells) == ["ขาดส่ง ต.ค. รอส่ง พ.ย.", "ขาดส่ง ต.ค. รอส่ง พ.ย.", "รอส่ง พ.ย."]
    cache.clear()


def test_the_calendars_last_month_has_a_deadline_and_an_end():
    """A date typed in the preview may reach December 9999, which has no next month."""
    from projects import months, thaidates

    assert months.default_deadline(dt.date(9999, 12, 1), 10) == dt.date.max
    assert thaidates.month_end(dt.date(9999, 12, 5)) == dt.date(9999, 12, 31)
    assert thaidates.month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
