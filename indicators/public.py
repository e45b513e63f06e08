"""The KPIs a visitor may see (issue 17): those an administrator has not marked internal.
The rule for projects and monthly reports is projects.public; this is its KPI half."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet

from indicators import selectors
from indicators.models import Indicator
from indicators.selectors import ProjectBlocks
from projects import public
from projects.models import FiscalYear


def public_indicators(indicators: QuerySet[Indicator] | None = None) -> QuerySet[Indicator]:
    qs = Indicator.objects.all() if indicators is None else indicators
    return qs.filter(is_internal=False)


def public_blocks(blocks: ProjectBlocks) -> ProjectBlocks:
    """A project's KPI and quarter blocks as a visitor sees them: without the KPIs an
    administrator marked internal, and without who evaluated each quarter and when (the
    scores themselves are public, as on the page the system replaces)."""
    quarters = [
        dataclasses.replace(row, evaluated_by=None, evaluated_at=None) for row in blocks.quarters
    ]
    headline = blocks.headline
    if headline is not None:
        headline = dataclasses.replace(headline, evaluated_by=None, evaluated_at=None)
    return ProjectBlocks(
        indicators=[indicator for indicator in blocks.indicators if not indicator.is_internal],
        quarters=quarters,
        headline=headline,
    )


def indicator_page(indicator: Indicator, *, year: str | None, page_number) -> dict:
    """What the public KPI page shows: the KPI's levels, its quarter results of a year
    (levels and the two criteria; not the evaluator, nor when, nor the evaluator's
    comment) and the public projects that support it, a page at a time."""
    years = list(FiscalYear.objects.all())
    fiscal_year = next((y for y in years if str(y.year_be) == year), None) or (
        selectors.indicator_default_year(indicator, years)
    )
    rows = []
    if fiscal_year is not None:
        rows = [
            {
                "quarter": row.quarter,
                "achieved_level": row.result.achieved_level if row.result else None,
                "criterion_21": row.result.criterion_21 if row.result else None,
                "criterion_22": row.result.criterion_22 if row.result else None,
            }
            for row in selectors.indicator_quarter_rows(indicator, fiscal_year)
        ]
    projects = public.public_projects(selectors.indicator_projects(indicator))
    return {
        "indicator": indicator,
        "levels": list(indicator.levels.order_by("level")),
        "years": years,
        "fiscal_year": fiscal_year,
        "rows": rows,
        "projects": Paginator(projects, settings.BMA_PROJECTS_PAGE_SIZE).get_page(page_number),
    }
