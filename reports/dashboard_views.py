"""The managers' dashboard: one page for a fiscal year, drilled down by agency and status
through URL parameters, with the same rows exported as CSV or XLSX."""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.vary import vary_on_headers

from projects import pagecache, rates, view_helpers
from projects.permissions import can_view_dashboards, require
from reports import (
    dashboard,
    dashboard_export,
    dashboard_refresh,
    dashboard_strategy,
    kept_numbers,
    tasks,
)

# What the drill-down's kept table shows: the projects, and names of the site.
DRILLDOWN_SCOPES = (pagecache.SITE, pagecache.PROJECTS)


def _filters(request):
    return dashboard_refresh.filters_of(request.GET, view_helpers.today())


@login_required
@require(can_view_dashboards)
@vary_on_headers("HX-Request")
def dashboard_index(request):
    # Read before anything the drill-down shows: it is kept with them (_drilldown).
    versions = pagecache.versions(*DRILLDOWN_SCOPES)
    filters, years, agencies = _filters(request)
    context = {"filters": filters}
    if filters is not None:
        # Numbers past their fresh time: refreshed by a task with a shared cache, else here
        # (reports/dashboard_refresh.py).
        background = functools.partial(_in_background, request, today=filters.today)
        context["summary"], context["summary_at"] = dashboard.kept_summary(
            filters, background(dashboard_refresh.SUMMARY)
        )
        context["behind_threshold"] = settings.BMA_BEHIND_THRESHOLD
        context["behind_against_baseline"] = settings.BMA_BEHIND_AGAINST == "baseline"
        context["sort_next"] = dashboard.next_agency_sorts(filters.agency_sort)
        context["status_label"] = dict(dashboard.Status.CHOICES).get(filters.status, "")
        # The overview (tiles, charts, agency table) is a function of the cached summary and
        # of the URL (its links keep the filters): its HTML is kept as long as the summary.
        context["summary_key"] = dashboard.cache_key(filters)
        context["cache_seconds"] = kept_numbers.keep_seconds(dashboard.cache_seconds())
        level, context["strategy_rows"] = dashboard_strategy.strategy_rows(
            filters,
            lambda: context["summary"].budget_target,
            background=background(dashboard_refresh.STRATEGY),
        )
        context["strategy_level"] = level
        context["strategy_level_label"] = dashboard_strategy.level_label(level)
        if filters.drilled:
            context["kept_projects"] = _drilldown(request, filters, context, versions)
    template_name = "reports/dashboard.html"
    if request.htmx:
        template_name += "#body"
    elif filters is not None:
        context["kept_form"] = _filter_form(request, filters, years, agencies, level)
    return render(request, template_name, context)


def _in_background(request, part: str, today) -> Callable[[], object] | None:
    """What queues the refresh of ``part`` (dashboard_refresh.SUMMARY or STRATEGY) of the
    request's dashboard: kept_numbers' ``background``; None (computed in the request)
    without BMA_DASHBOARD_REFRESH_IN_BACKGROUND (no shared cache)."""
    if not settings.BMA_DASHBOARD_REFRESH_IN_BACKGROUND:
        return None
    return functools.partial(
        tasks.refresh_dashboard_numbers.enqueue,
        part,
        request.GET.urlencode(),
        today.isoformat(),
        translation.get_language(),
    )


def _filter_form(request, filters, years, agencies, level) -> str:
    """The filters' form (a GET form, nobody's own): its HTML is kept under the site's
    version for the year shown and the query string. Its 80 agencies and the strategy
    tree's options cost some milliseconds per view to render."""

    def render_form():
        context = {
            "filters": filters,
            "years": years,
            "agency_options": [
                (agency.code, agency.name, agency == filters.agency) for agency in agencies
            ],
            "statuses": dashboard.Status.CHOICES,
            "node_options": dashboard_strategy.node_options(filters),
            "strategy_level": level,
            "strategy_levels": [
                (value, dashboard_strategy.level_label(value))
                for value in dashboard_strategy.GROUP_LEVELS
            ],
        }
        return render_to_string("reports/dashboard.html#filters", context, request)

    parts = ("dashboard-form", filters.fiscal_year.pk, pagecache.query(request))
    return pagecache.kept(parts, (pagecache.SITE,), render_form)


def _drilldown(request, filters, context, versions) -> str:
    """The table of the projects drilled down to, kept with the versions of the projects
    and the site read before the filters, for the day and the query string
    (projects/pagecache.py): exact, unlike the overview's numbers."""
    # The missing and due months follow today, not only the measuring day (a past year's).
    parts = (
        "dashboard-projects",
        filters.day,
        filters.missing_month,
        filters.due_month,
        pagecache.query(request),
    )

    def render_table():
        paginator = Paginator(dashboard.project_rows(filters), settings.BMA_PROJECTS_PAGE_SIZE)
        return render_to_string(
            "reports/dashboard.html#projects",
            {**context, "page": paginator.get_page(request.GET.get("page"))},
            request,
        )

    return pagecache.kept(parts, DRILLDOWN_SCOPES, render_table, versions=versions)


@login_required
@require(can_view_dashboards)
def dashboard_download(request, fmt):
    filters, _years, _agencies = _filters(request)
    if filters is None:
        raise Http404
    return _download(dashboard_export.tables_for(filters), fmt)


def _download(tables, fmt) -> HttpResponse:
    """The first table as CSV, or every table (one sheet each) as XLSX."""
    if fmt == "csv":
        content, content_type = dashboard_export.as_csv(tables[0]), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = dashboard_export.as_xlsx(*tables)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{tables[0].filename}.{fmt}"'
    return response


def _rate_months(request, filters) -> tuple[rates.RateMonth | None, list[rates.RateMonth]]:
    """The ended month of ``?month=`` (2026-01), else the latest ended month (None when no
    month of the year has ended), and every ended month (the deadlines read with the
    filters: no query)."""
    counted = rates.rate_months(
        filters.fiscal_year, today=filters.today, deadlines=dict(filters.deadlines)
    )
    counted = [month for month in counted if month.counted]
    period = view_helpers.period_param(request.GET.get("month"))
    chosen = next((month for month in counted if month.period == period), None)
    return chosen or (counted[-1] if counted else None), counted


@login_required
@require(can_view_dashboards)
def rates_missing(request):
    """The reporting rates' drill-down: the projects (of an agency) expected to report a
    month that have not submitted it, paginated."""
    filters, years, _agencies = _filters(request)
    if filters is None:
        raise Http404
    month, counted = _rate_months(request, filters)
    context = {"filters": filters, "years": years, "month": month, "months": counted}
    if month is not None:
        projects = rates.missing_projects(
            filters.fiscal_year, month.period, agency=filters.agency, node_ids=filters.node_ids
        )
        paginator = Paginator(projects, settings.BMA_PROJECTS_PAGE_SIZE)
        context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "reports/dashboard_rates_missing.html", context)


@login_required
@require(can_view_dashboards)
def rates_download(request, fmt):
    """The reporting rates (agency × month), or with ``?month=`` the projects that have not
    reported that month, as CSV or XLSX."""
    filters, _years, _agencies = _filters(request)
    if filters is None:
        raise Http404
    if request.GET.get("month"):
        month, _counted = _rate_months(request, filters)
        if month is None:
            raise Http404
        projects = rates.missing_projects(
            filters.fiscal_year, month.period, agency=filters.agency, node_ids=filters.node_ids
        )
        table = dashboard_export.missing_table(filters, month, projects)
    else:
        table = dashboard_export.rates_table(
            filters,
            rates.reporting_rates(
                filters.fiscal_year,
                today=filters.today,
                agency=filters.agency,
                deadlines=dict(filters.deadlines),
                node_ids=filters.node_ids,
            ),
        )
    return _download([table], fmt)
