"""The public pages' data (issue 17), read through the selectors the logged-in pages use
and cut to what a visitor may see by projects.public and indicators.public (the one home
of that rule): the project page, its print, and the summary of one agency."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from indicators import public as indicators_public
from indicators import selectors as evaluation_selectors
from projects import public, rates, selectors, view_helpers
from projects.models import Agency, FiscalYear, ProgressEntry, Project
from reports import dashboard
from reports.selectors import ProjectReport, project_report_for_code

CENT = Decimal("0.01")


def _without_staff(project: Project) -> Project:
    """The project as a visitor reads it: the responsible person's name and telephone
    (PRIVATE_PROJECT_FIELDS) are blanked on this copy, so that no template can show them."""
    project.responsible = ""
    project.responsible_phone = ""
    return project


def public_project(code: str) -> Project:
    """The project page's head (one query): 404 for an internal project."""
    project = selectors.project_head(code)
    if not public.is_public(project):
        raise Http404
    return _without_staff(project)


def project_page(project: Project, page_number) -> dict:
    """Everything the public project page shows of ``project`` (from public_project): the
    logged-in page's blocks (gauge, S-curve, plan, budget, disbursement, approved monthly
    reports) with the KPI and quarter blocks cut by indicators.public."""
    project = selectors.with_page_lists(project)
    points = selectors.progress_points(project)
    blocks = indicators_public.public_blocks(evaluation_selectors.project_blocks(project, points))
    return {
        **view_helpers.project_charts(project, points),
        "quarters": blocks.quarters,
        "headline": blocks.headline,
        "indicators": blocks.indicators,
        # ProgressEntry rows only: approved reports (drafts and submissions are never here).
        "history": selectors.progress_history(project, page_number),
    }


def public_project_report(code: str, *, today: dt.date | None = None) -> ProjectReport:
    """ "พิมพ์ข้อมูล" of a public project as a visitor may read it (404 when internal)."""
    report = project_report_for_code(code, today=today)
    if not public.is_public(report.project):
        raise Http404
    blocks = indicators_public.public_blocks(
        evaluation_selectors.ProjectBlocks(
            indicators=report.indicators, quarters=report.quarters, headline=report.headline
        )
    )
    _without_staff(report.project)
    return dataclasses.replace(
        report, indicators=blocks.indicators, quarters=blocks.quarters, headline=blocks.headline
    )


def project_list(*, fiscal_year, agency, query: str) -> QuerySet[Project]:
    """The logged-in list's query (filters and search: projects.search), public projects
    only."""
    return public.public_projects(
        selectors.project_list(fiscal_year=fiscal_year, agency=agency, query=query)
    )


# --- One agency -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AgencySummary:
    agency: Agency
    fiscal_year: FiscalYear
    projects: Page  # the agency's public projects of the year, worst gap first
    count: int
    average_actual: Decimal | None
    behind: int
    # Approved monthly reports of the months ended (rates.RateMonth.counted) against one a
    # month for each project: what a visitor can check on the project pages.
    reported: int
    expected: int

    @property
    def reporting_rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.reported) * 100 / self.expected).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def agency_summary(
    agency: Agency, fiscal_year: FiscalYear, *, today: dt.date, page_number
) -> AgencySummary:
    """An agency's public projects of ``fiscal_year`` with the dashboard's per-project
    values (dashboard.projects_with_status: actual, planned, behind), their average
    progress, how many are behind, and the reporting rate (a fixed number of queries)."""
    filters = dashboard.parse_filters(
        {"year": str(fiscal_year.year_be), "agency": agency.code},
        years=[fiscal_year],
        agencies=[agency],
        today=today,
    )
    projects = public.public_projects(dashboard.projects_with_status(filters))
    values = list(projects.order_by().values_list("pk", "actual", "behind"))
    count = len(values)
    average = None
    if count:
        average = (sum((v[1] for v in values), Decimal(0)) / count).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    counted = [
        month.period
        for month in rates.rate_months(fiscal_year, today=today, deadlines=dict(filters.deadlines))
        if month.counted
    ]
    reported = 0
    if counted and count:
        reported = public.public_entries(
            ProgressEntry.objects.filter(project__in=[v[0] for v in values], period__in=counted)
        ).count()
    page = Paginator(
        projects.select_related("agency", "fiscal_year").order_by("-behind", "-gap", "code"),
        settings.BMA_PROJECTS_PAGE_SIZE,
    ).get_page(page_number)
    return AgencySummary(
        agency=agency,
        fiscal_year=fiscal_year,
        projects=page,
        count=count,
        average_actual=average,
        behind=sum(1 for v in values if v[2]),
        reported=reported,
        expected=count * len(counted),
    )
