"""Small helpers the project's views share: today, a project or 404, dates and months
read from a query string."""

import contextlib
import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone

from projects import budgets, disbursement, progress, selectors, thaidates
from projects.charts import gauge_figure
from projects.models import Project


def today() -> dt.date:
    return timezone.localdate()


def date_param(raw: str | None) -> dt.date | None:
    if raw:
        with contextlib.suppress(ValueError):
            return thaidates.parse_date(raw)
    return None


# Months a query string may name: the pages count deadlines a month later and show the
# month before, which year 1 or 9999 would take out of the calendar (a 500).
PERIOD_YEARS = range(1900, 9000)


def period_param(raw: str | None) -> dt.date | None:
    """A month from the query string: 2026-10 or 2026-10-01."""
    if raw:
        with contextlib.suppress(ValueError):
            period = dt.date.fromisoformat(raw[:7] + "-01")
            if period.year in PERIOD_YEARS:
                return period
    return None


def project_or_404(code: str) -> Project:
    return get_object_or_404(Project.objects.select_related("agency", "fiscal_year"), code=code)


def pick(options, attribute, raw):
    """The option whose attribute equals the raw GET value, or None."""
    if not raw:
        return None
    for option in options:
        if str(getattr(option, attribute)) == raw:
            return option
    return None


def project_charts(project: Project, points: list[progress.ProgressPoint]) -> dict:
    """What a project page shows of ``project`` (fetched with selectors.with_page_lists)
    besides its KPI and quarter blocks, for the logged-in page and the public one alike:
    the plan, the gauge, the S-curve over ``points`` (selectors.progress_points), the
    budget block and (issue 16) the disbursement chart of a project with a budget."""
    chart = disbursement.disbursement_chart(project)
    return {
        "project": project,
        "plan": selectors.plan_summary(project),
        "gauge": gauge_figure(project.latest_percent),
        "scurve": selectors.project_scurve(project, points),
        "budget": budgets.budget_summary(project),
        "disbursement": (
            None
            if chart is None
            else {"chart": chart, "figure": disbursement.disbursement_figure(chart)}
        ),
    }
