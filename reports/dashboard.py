"""Reads for the managers' dashboard (/dashboard/): per agency, for one fiscal year, the
number of projects, average progress against plan, how many are behind schedule, how many
reports are missing (ขาดส่ง: the latest month past its deadline) and due (รอส่ง: the latest
ended month still before its deadline), as projects/months.py defines them, and how many
สยป. has evaluated; and the projects behind each number.

Everything is computed by the database in a fixed number of queries, whatever the number
of projects, steps or entries: the planned percent of each project is
projects.progress_sql.measured_planned_percent (the SQL twin of projects.progress.planned_percent
of the steps measured against: the baseline, progress.measured_steps),
and the per-agency numbers are one GROUP BY over the per-project values. Nothing loops over
projects in Python.
"""

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from indicators.models import QuarterEvaluation
from projects import money, months, progress_sql, rates, thaidates
from projects.models import Agency, FiscalYear, ProgressEntry, Project, StrategyNode
from reports import dashboard_budget, kept_numbers

PERCENT = progress_sql.PERCENT
CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


# --- Filters -----------------------------------------------------------------------------


class Status:
    """The project filter of the drill-down, as it stays in the URL (?status=behind)."""

    BEHIND = "behind"
    ON_TRACK = "on_track"
    UNSCHEDULED = "unscheduled"
    MISSING = "missing"
    DUE = "due"
    UNEVALUATED = "unevaluated"
    DISBURSEMENT = "disbursement"

    CHOICES = (
        (BEHIND, _("ล่าช้ากว่าแผน")),
        (ON_TRACK, _("เป็นไปตามแผน")),
        (UNSCHEDULED, _("แผนยังไม่มีกำหนดวัน")),
        (MISSING, _("ขาดส่งรายงาน (เลยกำหนดส่ง)")),
        (DUE, _("รอส่งรายงาน (ยังไม่ถึงกำหนดส่ง)")),
        (UNEVALUATED, _("สยป. ยังไม่ประเมิน")),
        (DISBURSEMENT, _("เบิกจ่ายต่ำกว่าเป้าหมายไตรมาส")),
    )


AGENCY_SORTS = {
    # ?sort= value: (key on AgencyRow, descending first)
    "agency": ("agency_code", False),
    "projects": ("projects", True),
    "actual": ("average_actual", False),
    "gap": ("average_gap", True),
    "behind": ("behind", True),
    "missing": ("missing", True),
    "due": ("due", True),
    "evaluated": ("evaluated_share", False),
    "disbursed": ("disbursed_percent", False),
    "disbursement": ("disbursement_behind", True),
}
PROJECT_SORTS = {
    "gap": (F("gap").desc(nulls_last=True), "code"),
    "actual": (F("actual").asc(), "code"),
    "code": ("code",),
    "agency": ("agency__code", "code"),
}


@dataclass(frozen=True)
class DashboardFilters:
    fiscal_year: FiscalYear
    agency: Agency | None
    status: str
    agency_sort: str
    project_sort: str
    # Planned progress is measured on this day: today, or the last day of a past year.
    day: dt.date
    # The months the missing (ขาดส่ง) and due (รอส่ง) counts are about today, with their
    # deadlines (months.reporting_calendar); None when no month of the year is so.
    missing_month: dt.date | None = None
    missing_deadline: dt.date | None = None
    due_month: dt.date | None = None
    due_deadline: dt.date | None = None
    # "Evaluated": สยป. has scored the project for the latest quarter that has ended by
    # ``day`` (Q4 for a closed year); None before the first quarter ends.
    evaluation_quarter: int | None = None
    # The day the numbers are read (the reporting rates count the months ended by then).
    today: dt.date | None = None
    # (month, deadline) of the year's twelve months (months.reporting_calendar), read once
    # for the rates too.
    deadlines: tuple[tuple[dt.date, dt.date], ...] = ()
    # A node of the strategy tree (?node=5.5): only the projects linked to it or under it,
    # its ids in node_ids; ?group= the level its table groups by (dashboard_strategy.py).
    node: StrategyNode | None = None
    node_ids: tuple[int, ...] = ()
    group: str = ""

    @property
    def current_month(self) -> dt.date | None:
        """The month of the measuring day (the monthly chart stops there), None before the
        year starts."""
        return self.day.replace(day=1) if self.fiscal_year.contains(self.day) else None

    @property
    def drilled(self) -> bool:
        return self.agency is not None or bool(self.status) or self.node is not None

    def as_query(self, **changes) -> dict[str, str]:
        """The URL parameters of these filters, with ``changes`` applied (None removes)."""
        query = {
            "year": str(self.fiscal_year.year_be),
            "agency": self.agency.code if self.agency else None,
            "status": self.status or None,
            "node": self.node.code if self.node else None,
            "group": self.group or None,
        }
        query.update(changes)
        return {key: value for key, value in query.items() if value}


def measuring_day(fiscal_year: FiscalYear, today: dt.date) -> dt.date:
    return min(today, fiscal_year.ends_on)


def evaluation_quarter_for(fiscal_year: FiscalYear, day: dt.date) -> int | None:
    ended = [
        quarter
        for quarter in (1, 2, 3, 4)
        if thaidates.quarter_bounds(fiscal_year.year_be, quarter)[1] <= day
    ]
    return ended[-1] if ended else None


def parse_filters(
    params, *, years: list[FiscalYear], agencies: list[Agency], today: dt.date | None = None
) -> DashboardFilters | None:
    """Read the dashboard's GET parameters; unknown values fall back to the defaults.

    The default year is the current fiscal year when it has projects in ``years``, else the
    newest one. None when there is no fiscal year at all. One query (the year's moved
    deadlines, for the missing and due months).
    """
    if not years:
        return None
    today = today or timezone.localdate()
    by_year = {str(year.year_be): year for year in years}
    fiscal_year = by_year.get(params.get("year") or "") or by_year.get(
        str(thaidates.fiscal_year_of(today)), years[0]
    )
    agency = next((a for a in agencies if a.code == params.get("agency")), None)
    status = params.get("status") or ""
    if status not in dict(Status.CHOICES):
        status = ""
    agency_sort = params.get("sort") or ""
    if agency_sort.lstrip("-") not in AGENCY_SORTS:
        agency_sort = "agency"
    project_sort = params.get("order") or ""
    if project_sort not in PROJECT_SORTS:
        project_sort = "gap"
    day = measuring_day(fiscal_year, today)
    calendar = months.reporting_calendar(fiscal_year, today=today)
    return DashboardFilters(
        fiscal_year=fiscal_year,
        agency=agency,
        status=status,
        agency_sort=agency_sort,
        project_sort=project_sort,
        day=day,
        missing_month=calendar.missing_month,
        missing_deadline=calendar.missing_deadline,
        due_month=calendar.due_month,
        due_deadline=calendar.due_deadline,
        evaluation_quarter=evaluation_quarter_for(fiscal_year, day),
        today=today,
        deadlines=tuple(calendar.deadlines.items()),
    )


# --- Per-project values in SQL -----------------------------------------------------------


def behind_margin() -> Decimal:
    """Behind means planned − actual > BMA_BEHIND_THRESHOLD. Both are two-place numbers,
    so "> T" is "> T + 0.005": the half cent keeps SQLite's float arithmetic from
    counting a gap of exactly T (e.g. 30.01 − 20.01) as behind."""
    return Decimal(str(settings.BMA_BEHIND_THRESHOLD)) + Decimal("0.005")


def _without_report(month: dt.date | None):
    """True for a project without a report of ``month``; False for all when no month."""
    if month is None:
        return Value(False, output_field=BooleanField())
    return ~Exists(ProgressEntry.objects.filter(project=OuterRef("pk"), period=month))


def projects_with_status(filters: DashboardFilters) -> QuerySet[Project]:
    """The projects of the filters' year (and agency) annotated with ``actual`` (latest
    percent, 0 when never reported), ``planned`` (None without a schedule), ``gap``,
    ``behind``, ``missing`` (no report of the missing month: ขาดส่ง), ``due`` (no report
    of the due month yet: รอส่ง) and ``evaluated`` (สยป. has scored the latest ended
    quarter; False before one has ended)."""
    projects = Project.objects.filter(fiscal_year=filters.fiscal_year)
    if filters.agency is not None:
        projects = projects.filter(agency=filters.agency)
    if filters.node is not None:
        projects = projects.under_strategy(filters.node_ids)
    if filters.evaluation_quarter is not None:
        evaluated = Exists(
            QuarterEvaluation.objects.filter(
                project=OuterRef("pk"),
                quarter=filters.evaluation_quarter,
                project_score__isnull=False,
            )
        )
    else:
        evaluated = Value(False, output_field=BooleanField())
    projects = (
        projects.with_latest_progress()
        .annotate(
            actual=Coalesce(F("latest_percent"), Value(ZERO), output_field=PERCENT),
            planned=progress_sql.measured_planned_percent(filters.day),
        )
        .annotate(
            gap=ExpressionWrapper(F("planned") - F("actual"), output_field=PERCENT),
            behind=Case(
                When(
                    Q(planned__isnull=False) & Q(planned__gt=F("actual") + behind_margin()),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            missing=_without_report(filters.missing_month),
            due=_without_report(filters.due_month),
            evaluated=evaluated,
        )
    )
    return projects


def filter_status(projects: QuerySet[Project], filters: DashboardFilters) -> QuerySet[Project]:
    status = filters.status
    if status == Status.BEHIND:
        return projects.filter(behind=True)
    if status == Status.ON_TRACK:
        return projects.filter(planned__isnull=False, behind=False)
    if status == Status.UNSCHEDULED:
        return projects.filter(planned__isnull=True)
    if status == Status.MISSING:
        return projects.filter(missing=True)
    if status == Status.DUE:
        return projects.filter(due=True)
    if status == Status.UNEVALUATED:
        if filters.evaluation_quarter is None:
            return projects.none()  # no quarter has ended: nothing to evaluate yet
        return projects.filter(evaluated=False)
    if status == Status.DISBURSEMENT:
        return dashboard_budget.behind_projects(projects, filters)
    return projects


def project_rows(filters: DashboardFilters) -> QuerySet[Project]:
    """The drill-down: the projects behind a number of the dashboard, ordered by the
    ``?order=`` of the filters (largest gap first by default), ready to paginate."""
    projects = filter_status(projects_with_status(filters), filters)
    return projects.select_related("agency").order_by(*PROJECT_SORTS[filters.project_sort])


# --- Per-agency aggregates ---------------------------------------------------------------


def _percent(total: Decimal | float | None, count: int) -> Decimal | None:
    if not count or total is None:
        return None
    return (Decimal(str(total)) / count).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AgencyRow:
    agency_id: int | None
    agency_code: str
    agency_name: str
    agency_short_name: str
    projects: int
    actual_total: Decimal
    scheduled: int
    scheduled_actual_total: Decimal
    planned_total: Decimal
    behind: int
    # Projects without the report of the missing (ขาดส่ง) and due (รอส่ง) months; None when
    # the filters have no such month.
    missing: int | None
    due: int | None
    evaluated: int | None
    # The budget columns (reports/dashboard_budget.py), set by dashboard_summary.
    budget: dashboard_budget.BudgetRow = dashboard_budget.EMPTY

    @property
    def disbursed_percent(self) -> Decimal | None:
        return self.budget.disbursed_percent

    @property
    def disbursement_behind(self) -> int | None:
        return self.budget.behind

    @property
    def average_actual(self) -> Decimal | None:
        return _percent(self.actual_total, self.projects)

    @property
    def average_planned(self) -> Decimal | None:
        """Average plan of the projects that have a schedule."""
        return _percent(self.planned_total, self.scheduled)

    @property
    def average_scheduled_actual(self) -> Decimal | None:
        """Average progress of the same projects as average_planned, to compare like with like."""
        return _percent(self.scheduled_actual_total, self.scheduled)

    @property
    def average_gap(self) -> Decimal | None:
        if self.average_planned is None:
            return None
        return self.average_planned - self.average_scheduled_actual

    @property
    def vs_plan(self) -> Decimal | None:
        """Average progress against the average plan in points, to one decimal, as the
        dashboard shows it: negative below the plan, positive above (never "-0.0")."""
        if self.average_gap is None:
            return None
        return (-self.average_gap).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) + 0

    @property
    def on_track(self) -> int:
        return self.scheduled - self.behind

    @property
    def unscheduled(self) -> int:
        return self.projects - self.scheduled

    @property
    def evaluated_share(self) -> Decimal | None:
        if self.evaluated is None:
            return None
        return _percent(Decimal(self.evaluated) * HUNDRED, self.projects)

    @property
    def behind_share(self) -> Decimal | None:
        return _percent(Decimal(self.behind) * HUNDRED, self.projects)


def _count(value, applies: bool) -> int | None:
    return int(value or 0) if applies else None


def _sum_rows(rows: list[AgencyRow], filters: DashboardFilters) -> AgencyRow:
    return AgencyRow(
        agency_id=None,
        agency_code="",
        agency_name=str(_("ทุกหน่วยงาน")),
        agency_short_name="",
        projects=sum(r.projects for r in rows),
        actual_total=sum((r.actual_total for r in rows), ZERO),
        scheduled=sum(r.scheduled for r in rows),
        scheduled_actual_total=sum((r.scheduled_actual_total for r in rows), ZERO),
        planned_total=sum((r.planned_total for r in rows), ZERO),
        behind=sum(r.behind for r in rows),
        missing=_count(sum(r.missing or 0 for r in rows), filters.missing_month is not None),
        due=_count(sum(r.due or 0 for r in rows), filters.due_month is not None),
        evaluated=_count(
            sum(r.evaluated or 0 for r in rows), filters.evaluation_quarter is not None
        ),
    )


def agency_rows(filters: DashboardFilters) -> list[AgencyRow]:
    """One row per agency that has projects in the year (only the filters' agency when
    set), in one query: a GROUP BY over the per-project values of projects_with_status.

    The per-project query is the ORM's; the outer aggregate is written by hand so that
    each correlated subquery runs once per project (an ORM aggregate over annotations
    would repeat the planned-percent subquery in every expression that uses it).
    """
    per_project = (
        projects_with_status(filters)
        .order_by()
        .values("agency_id", "actual", "planned", "missing", "due", "evaluated")
    )
    inner_sql, inner_params = per_project.query.sql_with_params()
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    sql = f"""
        SELECT a.id, a.code, a.name, a.short_name,
               COUNT(*),
               SUM(p.actual),
               COUNT(p.planned),
               SUM(CASE WHEN p.planned IS NOT NULL THEN p.actual END),
               SUM(p.planned),
               SUM(CASE WHEN p.planned - p.actual > %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.missing = {true} THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.due = {true} THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.evaluated = {true} THEN 1 ELSE 0 END)
        FROM ({inner_sql}) p
        JOIN {Agency._meta.db_table} a ON a.id = p.agency_id
        GROUP BY a.id, a.code, a.name, a.short_name
        ORDER BY a.code
    """
    # A float: SQLite compares a Decimal parameter as text.
    params = (float(behind_margin()), *inner_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    return [
        AgencyRow(
            agency_id=agency_id,
            agency_code=code,
            agency_name=name,
            agency_short_name=short_name,
            projects=projects,
            actual_total=money.sql_cents(actual),
            scheduled=scheduled,
            scheduled_actual_total=money.sql_cents(scheduled_actual),
            planned_total=money.sql_cents(planned),
            behind=int(behind or 0),
            missing=_count(missing, filters.missing_month is not None),
            due=_count(due, filters.due_month is not None),
            evaluated=_count(evaluated, filters.evaluation_quarter is not None),
        )
        for (
            agency_id,
            code,
            name,
            short_name,
            projects,
            actual,
            scheduled,
            scheduled_actual,
            planned,
            behind,
            missing,
            due,
            evaluated,
        ) in raw
    ]


def monthly_reporting(filters: DashboardFilters) -> list[tuple[dt.date, int]]:
    """(month, projects that reported on it) for the twelve months of the year: one query."""
    entries = ProgressEntry.objects.filter(project__fiscal_year=filters.fiscal_year)
    if filters.agency is not None:
        entries = entries.filter(project__agency=filters.agency)
    if filters.node is not None:
        entries = entries.filter(project__in=Project.objects.under_strategy(filters.node_ids))
    counts = dict(
        entries.order_by().values("period").annotate(n=Count("pk")).values_list("period", "n")
    )
    return [
        (month, counts.get(month, 0))
        for month in thaidates.fiscal_months(filters.fiscal_year.year_be)
    ]


@dataclass(frozen=True)
class DashboardSummary:
    rows: list[AgencyRow]
    total: AgencyRow
    monthly: list[tuple[dt.date, int]]
    computed_at: dt.datetime
    charts: dict = field(default_factory=dict)
    # Reports expected, submitted, on time and approved per agency and month (issue 15).
    reporting_rates: rates.ReportingRates | None = None
    # The quarter's disbursement targets and the budget per type (issue 16).
    budget_target: dashboard_budget.QuarterTarget | None = None
    budget_types: list[dashboard_budget.TypeRow] = field(default_factory=list)
    budget_monthly: list[tuple[dt.date, Decimal | None]] = field(default_factory=list)


def _sorted(rows: list[AgencyRow], sort: str) -> list[AgencyRow]:
    key, descending_first = AGENCY_SORTS[sort.lstrip("-")]
    descending = descending_first != sort.startswith("-")
    present = [r for r in rows if getattr(r, key) is not None]
    absent = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.agency_code), reverse=descending)
    return present + absent


def cache_seconds() -> int:
    return settings.BMA_DASHBOARD_CACHE_SECONDS


def next_agency_sorts(current: str) -> dict[str, str]:
    """The ?sort= of each column header: a second click on the sorted column reverses it."""
    return {key: f"-{key}" if current == key else key for key in AGENCY_SORTS}


def cache_key(filters: DashboardFilters) -> str:
    return ":".join(
        str(part)
        for part in (
            "dashboard",
            filters.fiscal_year.pk,
            filters.agency.pk if filters.agency else "all",
            filters.node.pk if filters.node else "-",
            filters.day.isoformat(),
            filters.missing_month or "-",
            filters.due_month or "-",
            filters.evaluation_quarter or "-",
            settings.BMA_BEHIND_THRESHOLD,
            # The summary holds its charts, whose labels and month names are in the
            # reader's language.
            translation.get_language(),
            settings.BMA_BEHIND_AGAINST,
        )
    )


def dashboard_summary(filters: DashboardFilters, *, refresh=None) -> DashboardSummary:
    """The per-agency rows, their total, the monthly reporting counts and the reporting
    rates (projects/rates.py): five queries, kept for BMA_DASHBOARD_CACHE_SECONDS, then
    refreshed by one request or task while the others show them (reports/kept_numbers.py,
    its ``refresh``; kept_summary queues the task; the page says when). The numbers change only when
    somebody reports or scores, while every manager's view would otherwise aggregate the
    whole year. The rates' months follow from the key's months."""
    if not (seconds := cache_seconds()):
        return _with_sort(_computed_summary(filters), filters)
    compute, stamp = functools.partial(_computed_summary, filters), attrgetter("computed_at")
    summary, _at = kept_numbers.kept(cache_key(filters), compute, seconds, refresh, stamp)
    return _with_sort(summary, filters)


def _computed_summary(filters: DashboardFilters) -> DashboardSummary:
    from reports import dashboard_charts

    rows, target, types = dashboard_budget.with_budget(agency_rows(filters), filters)
    summary = DashboardSummary(
        rows=rows,
        total=dataclasses.replace(
            _sum_rows(rows, filters),
            budget=dashboard_budget.total_row((r.budget for r in rows), target),
        ),
        budget_target=target,
        budget_types=types,
        budget_monthly=dashboard_budget.monthly_disbursement(filters),
        monthly=monthly_reporting(filters),
        computed_at=timezone.now(),
        reporting_rates=rates.reporting_rates(
            filters.fiscal_year,
            today=filters.today or timezone.localdate(),
            agency=filters.agency,
            deadlines=dict(filters.deadlines) or None,
            node_ids=filters.node_ids,
        ),
    )
    return dataclasses.replace(summary, charts=dashboard_charts.figures(summary, filters))


def kept_summary(filters: DashboardFilters, background=None) -> tuple[object, dt.datetime]:
    """The summary, read from the cache only when used, and when it was computed (the small
    entry beside it: the key of the overview's kept HTML). A kept overview then never
    unpickles the summary (90 KB, 3 to 7 ms a view at 20,000 projects). ``background``: as
    ``kept_numbers.stamp``'s."""
    seconds = cache_seconds()
    at = kept_numbers.stamp(cache_key(filters), seconds, background) if seconds else None
    # Without a stamp this request computes the summary (nothing kept, or it took the refresh).
    summary = SimpleLazyObject(lambda: dashboard_summary(filters, refresh=at is None))
    return summary, at or summary.computed_at


def _with_sort(summary: DashboardSummary, filters: DashboardFilters) -> DashboardSummary:
    return dataclasses.replace(summary, rows=_sorted(summary.rows, filters.agency_sort))
