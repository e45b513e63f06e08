"""The dashboard's filters from a query string, and its numbers refreshed in the background.

The dashboard's numbers (the summary, the strategy groups' rows) are kept and, past their
fresh time, shown while they are computed again (reports/kept_numbers.py). With a shared
cache (BMA_DASHBOARD_REFRESH_IN_BACKGROUND) the request that takes a refresh queues it as a
task (``refresh_dashboard_numbers``, reports/tasks.py, queued by reports/dashboard_views.py)
with what the view read its filters from: the query string, the day and the language. A
worker rebuilds the same filters and computes the numbers, so no reader waits for them (an
agency's numbers take 50 to 100 ms at 20,000 projects, the whole BMA's about 2 s).
"""

import dataclasses
import datetime as dt

from django.http import QueryDict
from django.utils import translation

from projects import pagecache
from projects.models import Agency, FiscalYear
from reports import dashboard, dashboard_strategy

SUMMARY = "summary"
STRATEGY = "strategy"


def choices() -> tuple[list, list]:
    """The fiscal years and agencies the filters choose from, kept under the site's
    version (projects/pagecache.py): two queries once per change, not per view."""
    return pagecache.kept(
        ("dashboard-choices",),
        (pagecache.SITE,),
        lambda: (list(FiscalYear.objects.all()), list(Agency.objects.all())),
    )


def filters_of(params, today: dt.date):
    """(the dashboard's filters, None when there is no fiscal year at all; the years; the
    agencies), from the query string's parameters as ``dashboard.parse_filters`` reads them
    (an unknown value falls back to its default)."""
    years, agencies = choices()
    filters = dashboard.parse_filters(params, years=years, agencies=agencies, today=today)
    if filters is not None:
        filters = dataclasses.replace(filters, **dashboard_strategy.node_filters(params))
    return filters, years, agencies


def refresh(part: str, query: str, today: str, language: str) -> bool:
    """Compute ``part`` of the dashboard of ``query`` on ``today`` in ``language`` again and
    keep it (the task's work). False when there is no fiscal year any more."""
    with translation.override(language):
        filters, _years, _agencies = filters_of(QueryDict(query), dt.date.fromisoformat(today))
        if filters is None:
            return False
        if part == SUMMARY:
            dashboard.dashboard_summary(filters, refresh=True)
        else:
            dashboard_strategy.strategy_rows(
                filters,
                lambda: dashboard.dashboard_summary(filters, refresh=False).budget_target,
                refresh=True,
            )
    return True
