"""The data of the printed reports, built before anything is rendered.

A ``ProjectReport`` is everything the print view shows of one project; an
``AgencyReport`` is the summary of many projects plus their ``ProjectReport``s. Both are
built from prefetched projects in a fixed number of queries, whatever the number of
projects or entries, and rendered to HTML, PDF and XLSX by reports/render.py and
reports/xlsx.py.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors as evaluation
from projects import budgets, disbursement, months, progress, selectors, thaidates
from projects.models import Agency, FiscalYear, ProgressEntry, Project
from reports import budget_report, charts

# --- Reporting deadlines -----------------------------------------------------------------

# The rule is projects/months.py's: a report needs every project's months at once, so the
# deadlines of the period's months are read once (months.deadlines) and each project's
# months are MonthStates of its prefetched entries.


def reporting_deadlines(
    fiscal_year: FiscalYear, periods: Sequence[dt.date]
) -> dict[dt.date, dt.date]:
    """Deadline of each month (first days) of ``fiscal_year``: one query for the moved ones."""
    return months.deadlines(periods, fiscal_years=[fiscal_year])


@dataclass(frozen=True)
class LateReports:
    """The months of a period whose deadline had passed on the report's date: ``late``
    reported late (MonthState.reported_late), ``missing`` not reported (MonthState.missing)."""

    due: int
    late: int
    missing: int
    late_months: tuple[dt.date, ...] = ()
    missing_months: tuple[dt.date, ...] = ()

    @property
    def total(self) -> int:
        return self.late + self.missing


def late_reports(
    entries: Iterable[ProgressEntry], *, deadlines: dict[dt.date, dt.date], today: dt.date
) -> LateReports:
    """Count, over the months of ``deadlines`` past their deadline by ``today``, those
    reported late and those missing."""
    by_period = {entry.period: entry for entry in entries}
    states = [
        months.MonthState(
            period=period, deadline=deadline, today=today, entry=by_period.get(period)
        )
        for period, deadline in sorted(deadlines.items())
    ]
    closed = [s for s in states if s.past_deadline]
    late = tuple(s.period for s in closed if s.reported_late)
    missing = tuple(s.period for s in closed if s.missing)
    return LateReports(
        due=len(closed),
        late=len(late),
        missing=len(missing),
        late_months=late,
        missing_months=missing,
    )


# --- Periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A fiscal year, or one quarter of it, seen on ``as_of`` (today, or the period's end
    when that has passed)."""

    year_be: int
    quarter: int | None
    starts_on: dt.date
    ends_on: dt.date
    as_of: dt.date
    today: dt.date

    @classmethod
    def of(cls, year_be: int, quarter: int | None = None, *, today: dt.date | None = None):
        if quarter:
            starts_on, ends_on = thaidates.quarter_bounds(year_be, quarter)
        else:
            starts_on, ends_on = thaidates.fiscal_year_bounds(year_be)
        today = today or timezone.localdate()
        return cls(
            year_be=year_be,
            quarter=quarter or None,
            starts_on=starts_on,
            ends_on=ends_on,
            as_of=min(today, ends_on),
            today=today,
        )

    @property
    def label(self) -> str:
        if self.quarter:
            return _("ไตรมาสที่ %(quarter)s ปีงบประมาณ %(year)s") % {
                "quarter": self.quarter,
                "year": self.year_be,
            }
        return _("ปีงบประมาณ %(year)s") % {"year": self.year_be}

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def months(self) -> list[dt.date]:
        found, month = [], self.starts_on.replace(day=1)
        while month <= self.ends_on:
            found.append(month)
            month = thaidates.add_months(month, 1)
        return found


# --- One project --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectReport:
    project: Project
    period: ReportPeriod
    entries: list[ProgressEntry]  # newest month first; (1) is the newest
    plan: selectors.PlanSummary
    indicators: list
    quarters: list[evaluation.QuarterRow]
    headline: evaluation.QuarterRow | None
    actual: Decimal | None
    actual_on: dt.date | None
    planned: Decimal | None
    late: LateReports
    gauge: charts.Gauge
    curve: charts.SCurve
    budget: budgets.BudgetSummary
    # Issue 16: the project's print only (a project with a budget): disbursement against
    # the quarter targets. Agency reports leave it out (no query per project).
    disbursement: charts.DisbursementCurve | None = None
    # The agency reports' budget columns (reports/budget_report.py); None without a budget.
    budget: budget_report.ProjectBudget | None = None

    @property
    def has_schedule(self) -> bool:
        return self.curve.has_schedule

    @property
    def behind(self) -> bool:
        return progress.is_behind(self.actual, self.planned)

    @property
    def variance(self) -> Decimal | None:
        if self.planned is None:
            return None
        return (self.actual or Decimal(0)) - self.planned

    @property
    def score_row(self) -> evaluation.QuarterRow | None:
        """The score the summary shows: the period's quarter, or the headline for a year."""
        if self.period.quarter:
            return self.quarters[self.period.quarter - 1]
        return self.headline

    @property
    def score(self) -> Decimal | None:
        row = self.score_row
        return row.project_score if row else None


def project_report(
    project: Project,
    period: ReportPeriod,
    *,
    deadlines: dict[dt.date, dt.date],
    only_period_entries: bool = False,
) -> ProjectReport:
    """The report of a project prefetched by ``_report_queryset`` (no further queries).

    ``only_period_entries`` keeps the reports of the period's months (agency reports); the
    project's own print shows its whole history. ``actual`` is the report of the latest
    month that has begun by the period's ``as_of`` (progress.progress_at).
    """
    # Oldest month first (the prefetch's order, ProgressEntryQuerySet.oldest_first).
    all_entries = list(project.entries.all())
    points = [progress.ProgressPoint(e.period, e.reported_on, e.percent) for e in all_entries]
    plan = selectors.plan_summary(project)
    baseline_steps = selectors.baseline_steps(project)
    blocks = evaluation.project_blocks(project, points, today=period.today)
    at = progress.progress_at(points, period.as_of)
    actual, actual_on = (at.percent, at.reported_on) if at else (None, None)
    shown = all_entries
    if only_period_entries:
        shown = [e for e in all_entries if period.contains(e.period)]
    year_entries = [e for e in all_entries if period.contains(e.period)]
    return ProjectReport(
        project=project,
        period=period,
        entries=list(reversed(shown)),
        plan=plan,
        indicators=blocks.indicators,
        quarters=blocks.quarters,
        headline=blocks.headline,
        actual=actual,
        actual_on=actual_on,
        planned=progress.planned_percent(
            progress.measured_steps(plan.steps, baseline_steps), period.as_of
        ),
        late=late_reports(year_entries, deadlines=deadlines, today=period.today),
        gauge=charts.gauge(actual),
        curve=charts.s_curve(
            year_be=project.fiscal_year.year_be,
            steps=plan.steps,
            points=points,
            as_of=period.as_of,
            baseline_steps=baseline_steps,
        ),
        budget=budgets.budget_summary(project, entries=all_entries),
    )


def _report_queryset():
    return Project.objects.select_related("agency", "fiscal_year", "budget_type").prefetch_related(
        *selectors.page_list_prefetches(),
        "budget_transfers",
        *evaluation.project_prefetches(),
        Prefetch("entries", queryset=ProgressEntry.objects.oldest_first()),
    )


def project_report_for_code(code: str, *, today: dt.date | None = None) -> ProjectReport:
    """ "พิมพ์ข้อมูล" of one project: its fiscal year seen today, with its whole history."""
    project = get_object_or_404(_report_queryset(), code=code)
    period = ReportPeriod.of(project.fiscal_year.year_be, today=today)
    deadlines = reporting_deadlines(project.fiscal_year, period.months)
    report = project_report(project, period, deadlines=deadlines)
    chart = disbursement.disbursement_chart(project, entries=project.entries.all())
    if chart is None:
        return report
    curve = charts.disbursement_curve(chart, as_of=period.as_of)
    return dataclasses.replace(report, disbursement=curve)


# --- Agency and whole-BMA reports -----------------------------------------------------------


@dataclass(frozen=True)
class AgencyTotals:
    projects: int
    average_actual: Decimal | None
    average_planned: Decimal | None
    behind: int
    late: int
    missing: int
    scored: int


@dataclass(frozen=True)
class AgencyReport:
    """Projects of one agency (or of every agency when ``agency`` is None) in a period."""

    period: ReportPeriod
    agency: Agency | None
    projects: list[ProjectReport] = field(default_factory=list)
    # The quarter's disbursement targets (reports/budget_report.target_for).
    budget_target: budget_report.QuarterTarget | None = None

    @property
    def budget_totals(self) -> budget_report.BudgetTotals:
        return budget_report.totals_of((r.budget for r in self.projects), self.budget_target)

    @property
    def title(self) -> str:
        if self.agency is None:
            return _("รายงานความคืบหน้าโครงการ กรุงเทพมหานคร")
        return _("รายงานความคืบหน้าโครงการ %(agency)s") % {"agency": self.agency.name}

    @property
    def totals(self) -> AgencyTotals:
        return totals_of(self.projects)

    @property
    def by_agency(self) -> list[tuple[Agency, list[ProjectReport]]]:
        groups: dict[int, tuple[Agency, list[ProjectReport]]] = {}
        for report in self.projects:
            agency = report.project.agency
            groups.setdefault(agency.pk, (agency, []))[1].append(report)
        return list(groups.values())


def _average(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return progress.quantize(sum(values, Decimal(0)) / len(values))


def totals_of(reports: Sequence[ProjectReport]) -> AgencyTotals:
    planned = [r.planned for r in reports if r.planned is not None]
    return AgencyTotals(
        projects=len(reports),
        average_actual=_average([r.actual or Decimal(0) for r in reports]),
        average_planned=_average(planned),
        behind=sum(1 for r in reports if r.behind),
        late=sum(r.late.late for r in reports),
        missing=sum(r.late.missing for r in reports),
        scored=sum(1 for r in reports if r.score is not None),
    )


def report_project_ids(*, fiscal_year: FiscalYear, agency: Agency | None) -> list[int]:
    """The projects of an agency (or of the BMA) in a fiscal year, in report order."""
    projects = Project.objects.filter(fiscal_year=fiscal_year)
    if agency is not None:
        projects = projects.filter(agency=agency)
    return list(projects.order_by("agency__code", "code").values_list("pk", flat=True))


def agency_report(
    *,
    fiscal_year: FiscalYear,
    quarter: int | None,
    agency: Agency | None,
    project_ids: Sequence[int] | None = None,
    today: dt.date | None = None,
) -> AgencyReport:
    """The report of ``project_ids`` (default: all of the agency's projects that year)."""
    period = ReportPeriod.of(fiscal_year.year_be, quarter, today=today)
    projects = (
        _report_queryset().filter(fiscal_year=fiscal_year).prefetch_related("budget_transfers")
    )
    if agency is not None:
        projects = projects.filter(agency=agency)
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    projects = projects.order_by("agency__code", "code")
    deadlines = reporting_deadlines(fiscal_year, period.months)
    target = budget_report.target_for(fiscal_year, period.as_of)
    return AgencyReport(
        period=period,
        agency=agency,
        projects=[
            dataclasses.replace(
                project_report(p, period, deadlines=deadlines, only_period_entries=True),
                budget=budget_report.project_budget(p, target, period.as_of),
            )
            for p in projects
        ],
        budget_target=target,
    )
