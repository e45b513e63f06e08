"""Reporting rates per agency and month (DHIS2's "reporting rate" and "reporting rate on
time"; issue 15): how many monthly reports were expected, submitted, submitted on time and
approved.

For a fiscal year's month M and the projects of that year (of an agency):

- **expected**: every project of the year, once M has ended (months.MonthState.ended: the
  report is due, status รอส่ง or after); a month that has not ended expects nothing yet.
  Every month of a project's fiscal year is in its year, so the expected number is the
  number of the agency's projects.
- **submitted**: the month has its entry (ProgressEntry), or a submission that was sent
  (``submitted_at`` recorded, whatever became of it since: pending, returned, approved).
- **on time**: an entry that months.MonthState does not count late (not ``is_late`` and
  dated on or before the month's deadline), or a sent submission recorded on time
  (``is_late`` False: the deadline applies to submission).
- **approved**: the month has its entry (only an approved report becomes one; agencies
  that need no approval write it directly).
- **missing** = expected − submitted: the drill-down lists these projects (ขาดส่ง once the
  deadline has passed, รอส่ง before).

Everything is counted by the database in four queries (the moved deadlines, the projects
per agency, the entries, the sent submissions), whatever the number of agencies, projects
or reports: no loop over projects. The evaluation screen's mark of projects with reports
not yet approved (``unapproved_between``) lives here too.
"""

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from projects import months, thaidates
from projects.models import Agency, FiscalYear, ProgressEntry, Project, ReportSubmission

TENTH = Decimal("0.1")


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Counts:
    """The reports of one agency (or of all) for one month (or summed over months)."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            expected=self.expected + other.expected,
            submitted=self.submitted + other.submitted,
            on_time=self.on_time + other.on_time,
            approved=self.approved + other.approved,
        )

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(
            expected=self.expected - other.expected,
            submitted=self.submitted - other.submitted,
            on_time=self.on_time - other.on_time,
            approved=self.approved - other.approved,
        )

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def submitted_rate(self) -> Decimal | None:
        """อัตราการส่งรายงาน (ร้อยละ, one decimal); None when nothing is expected."""
        return _share(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _share(self.on_time, self.expected)

    @property
    def approved_rate(self) -> Decimal | None:
        return _share(self.approved, self.expected)


@dataclass(frozen=True)
class RateMonth:
    """A month of the year as the rates count it on ``today`` (months.MonthState without a
    project: its deadline and where the calendar stands)."""

    state: months.MonthState

    @property
    def period(self) -> dt.date:
        return self.state.period

    @property
    def deadline(self) -> dt.date:
        return self.state.deadline

    @property
    def counted(self) -> bool:
        """Reports are expected: the month has ended."""
        return self.state.ended

    @property
    def past_deadline(self) -> bool:
        return self.state.past_deadline


@dataclass(frozen=True)
class AgencyRates:
    """One agency's counts for each month of ``ReportingRates.months`` (same order; an
    uncounted month has zero counts) and their sum over the counted months."""

    agency_id: int | None
    agency_code: str
    agency_name: str
    agency_short_name: str
    cells: tuple[Counts, ...]
    total: Counts

    def cells_with_months(self, rate_months: list[RateMonth]) -> list[tuple[RateMonth, Counts]]:
        return list(zip(rate_months, self.cells, strict=True))


@dataclass(frozen=True)
class ReportingRates:
    fiscal_year: FiscalYear
    today: dt.date
    months: list[RateMonth]
    rows: list[AgencyRates]
    total: AgencyRates

    @property
    def counted_months(self) -> list[RateMonth]:
        return [month for month in self.months if month.counted]

    def month(self, period: dt.date) -> RateMonth | None:
        return next((month for month in self.months if month.period == period), None)

    def counted_cells(self, row: AgencyRates) -> list[tuple[RateMonth, Counts]]:
        """``row``'s counts of each counted month, with the month."""
        return [
            (month, counts) for month, counts in row.cells_with_months(self.months) if month.counted
        ]

    @property
    def monthly(self) -> list[tuple[RateMonth, Counts]]:
        """The all-agency counts of each counted month."""
        return self.counted_cells(self.total)

    @property
    def table(self) -> list[tuple[AgencyRates, list[tuple[RateMonth, Counts]]]]:
        """Each agency with its counted months, as the pages show them."""
        return [(row, self.counted_cells(row)) for row in self.rows]


# --- The rules in SQL --------------------------------------------------------------------


def entry_on_time(deadlines: dict[dt.date, dt.date]) -> Q:
    """An entry months.MonthState does not count late (``reported_late``): not ``is_late``
    and dated on or before its month's deadline. The SQL twin of that property, kept equal
    by tests/test_rates.py."""
    dated = reduce(
        operator.or_,
        (Q(period=period, reported_on__lte=deadline) for period, deadline in deadlines.items()),
        Q(pk__in=[]),
    )
    return Q(is_late=False) & dated


def _entries_of_month(deadlines=None) -> QuerySet[ProgressEntry]:
    """The entry of the outer row's project and period (on time only with ``deadlines``)."""
    entries = ProgressEntry.objects.filter(project=OuterRef("project"), period=OuterRef("period"))
    if deadlines is not None:
        entries = entries.filter(entry_on_time(deadlines))
    return entries


def sent(submissions: QuerySet[ReportSubmission]) -> QuerySet[ReportSubmission]:
    return submissions.filter(submitted_at__isnull=False)


def unreported(projects: QuerySet[Project], period: dt.date) -> QuerySet[Project]:
    """``projects`` without a submitted report of ``period``: neither an entry nor a sent
    submission."""
    return projects.exclude(
        Exists(ProgressEntry.objects.filter(project=OuterRef("pk"), period=period))
    ).exclude(Exists(sent(ReportSubmission.objects.filter(project=OuterRef("pk"), period=period))))


def unapproved_between(starts_on: dt.date, ends_on: dt.date) -> Exists:
    """For a Project queryset: the project has a report of a month from ``starts_on`` to
    ``ends_on`` that was sent to its head and is not approved yet (waiting, returned, or
    being corrected after a return). A draft never sent is the staff's work in progress,
    not a report: it is not marked. The evaluation screen marks these (มีรายงานรออนุมัติ)."""
    return Exists(
        ReportSubmission.objects.filter(
            project=OuterRef("pk"),
            period__range=(starts_on, ends_on),
            state__in=ReportSubmission.OPEN_STATES,
            submitted_at__isnull=False,
        )
    )


# --- Counting ----------------------------------------------------------------------------


def rate_months(
    fiscal_year: FiscalYear, *, today: dt.date, deadlines: dict | None = None
) -> list[RateMonth]:
    """The twelve months of the year with their deadlines (``deadlines`` when the caller
    has read them with months.deadlines or months.reporting_calendar, else one query)."""
    due = deadlines or months.deadlines(
        thaidates.fiscal_months(fiscal_year.year_be), fiscal_years=[fiscal_year]
    )
    return [
        RateMonth(months.MonthState(period=period, deadline=deadline, today=today))
        for period, deadline in due.items()
    ]


def _projects(fiscal_year: FiscalYear, agency: Agency | None, node_ids: tuple[int, ...]):
    """The projects counted: the year's, of ``agency`` when given, under the strategy
    tree's ``node_ids`` when given (the dashboard's ?node=)."""
    projects = Project.objects.filter(fiscal_year=fiscal_year)
    if agency is not None:
        projects = projects.filter(agency=agency)
    if node_ids:
        projects = projects.under_strategy(node_ids)
    return projects


def _expected(fiscal_year: FiscalYear, agency: Agency | None, node_ids=()) -> list[tuple]:
    projects = _projects(fiscal_year, agency, node_ids)
    return list(
        projects.values_list("agency_id", "agency__code", "agency__name", "agency__short_name")
        .annotate(n=Count("pk"))
        .order_by("agency__code")
    )


def _reported(
    fiscal_year, agency, periods, deadlines, node_ids=()
) -> dict[tuple[int, dt.date], Counts]:
    """(agency id, period) → submitted, on time and approved: two GROUP BY queries, one over
    the entries and one over the sent submissions of months without an entry (or, for on
    time, without an on-time entry), so that no project counts twice."""
    scope = Q(project__fiscal_year=fiscal_year, period__in=periods)
    if agency is not None:
        scope &= Q(project__agency=agency)
    if node_ids:
        scope &= Q(project__in=Project.objects.under_strategy(node_ids))
    found: dict[tuple[int, dt.date], Counts] = {}
    for agency_id, period, approved, on_time in (
        ProgressEntry.objects.filter(scope)
        .order_by()
        .values_list("project__agency_id", "period")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=entry_on_time(deadlines)))
    ):
        found[(agency_id, period)] = Counts(submitted=approved, on_time=on_time, approved=approved)
    for agency_id, period, submitted, on_time in (
        sent(ReportSubmission.objects.filter(scope))
        .order_by()
        .values_list("project__agency_id", "period")
        .annotate(
            n=Count("project", distinct=True, filter=~Q(Exists(_entries_of_month()))),
            on_time=Count(
                "project",
                distinct=True,
                filter=Q(is_late=False) & ~Q(Exists(_entries_of_month(deadlines))),
            ),
        )
    ):
        key = (agency_id, period)
        found[key] = found.get(key, Counts()) + Counts(submitted=submitted, on_time=on_time)
    return found


def reporting_rates(
    fiscal_year: FiscalYear,
    *,
    today: dt.date,
    agency: Agency | None = None,
    deadlines: dict | None = None,
    node_ids: tuple[int, ...] = (),
) -> ReportingRates:
    """The rates of every agency with projects in ``fiscal_year`` (only ``agency`` when
    given, only the projects under the strategy tree's ``node_ids`` when given), per
    month, on ``today``: four queries (three given the year's ``deadlines``, see
    rate_months)."""
    rate_months_ = rate_months(fiscal_year, today=today, deadlines=deadlines)
    counted = [month for month in rate_months_ if month.counted]
    deadlines = {month.period: month.deadline for month in counted}
    expected = _expected(fiscal_year, agency, node_ids)
    reported = (
        _reported(fiscal_year, agency, list(deadlines), deadlines, node_ids) if counted else {}
    )
    rows = []
    for agency_id, code, name, short_name, projects in expected:
        cells = tuple(
            Counts(expected=projects) + reported.get((agency_id, m.period), Counts())
            if m.counted
            else Counts()
            for m in rate_months_
        )
        rows.append(
            AgencyRates(
                agency_id=agency_id,
                agency_code=code,
                agency_name=name,
                agency_short_name=short_name,
                cells=cells,
                total=sum(cells, Counts()),
            )
        )
    total_cells = tuple(
        sum((row.cells[index] for row in rows), Counts()) for index in range(len(rate_months_))
    )
    total = AgencyRates(
        agency_id=None,
        agency_code="",
        agency_name=agency.name if agency is not None else gettext("ทุกหน่วยงาน"),
        agency_short_name="",
        cells=total_cells,
        total=sum(total_cells, Counts()),
    )
    return ReportingRates(
        fiscal_year=fiscal_year, today=today, months=rate_months_, rows=rows, total=total
    )


def missing_projects(
    fiscal_year: FiscalYear,
    period: dt.date,
    *,
    agency: Agency | None = None,
    node_ids: tuple[int, ...] = (),
) -> QuerySet[Project]:
    """The drill-down: projects of the year (of ``agency``, under ``node_ids``) expected to
    report ``period`` that have not submitted it, by agency and code, ready to paginate.
    Expected or not is the caller's to check (RateMonth.counted)."""
    projects = _projects(fiscal_year, agency, node_ids)
    return unreported(projects, period).select_related("agency").order_by("agency__code", "code")
