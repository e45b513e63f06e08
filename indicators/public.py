"""The KPIs a visitor may see (issue 17): those an administrator has not marked internal.
The rule for projects and monthly reports is projects.public; this is its KPI half."""

from __future__ import annotations

from django.db.models import QuerySet

from indicators.models import Indicator


def public_indicators(indicators: QuerySet[Indicator] | None = None) -> QuerySet[Indicator]:
    qs = Indicator.objects.all() if indicators is None else indicators
    return qs.filter(is_internal=False)
