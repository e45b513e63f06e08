"""Which rows a request to the API may read: the rules of the pages, nothing restated.

- A request with a token reads what its user reads on the pages: every project, internal
  ones included (``permissions.can_read``: a project as published is read by everybody
  logged in), its approved monthly reports (``ProgressEntry``; reports on their way to
  approval are ``ReportSubmission`` rows, which the API never shows), every KPI.
- An anonymous request reads what the public pages show (``projects.public``,
  ``indicators.public``), and only while ``BMA_PUBLIC_SITE`` is on; never the fields of
  ``PRIVATE_PROJECT_FIELDS`` / ``PRIVATE_ENTRY_FIELDS`` nor who evaluated.
"""

from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from indicators import public as indicators_public
from indicators.models import Indicator, IndicatorQuarterResult, QuarterEvaluation
from projects import permissions, public
from projects.models import ProgressEntry, Project


def is_reader(user) -> bool:
    """Reads as a person logged in on the pages (else: as the public)."""
    return permissions.can_read(user)


class MayRead(BasePermission):
    """A reader, or anybody while the public site is on (401 otherwise)."""

    def has_permission(self, request, view):
        return is_reader(request.user) or public.enabled()


def projects(user) -> QuerySet[Project]:
    return Project.objects.all() if is_reader(user) else public.public_projects()


def entries(user) -> QuerySet[ProgressEntry]:
    return ProgressEntry.objects.all() if is_reader(user) else public.public_entries()


def indicators(user) -> QuerySet[Indicator]:
    if is_reader(user):
        return Indicator.objects.all()
    return indicators_public.public_indicators()


def evaluations(user) -> QuerySet[QuarterEvaluation]:
    rows = QuarterEvaluation.objects.all()
    return rows if is_reader(user) else rows.filter(project__in=public.public_projects())


def indicator_results(user) -> QuerySet[IndicatorQuarterResult]:
    rows = IndicatorQuarterResult.objects.all()
    if is_reader(user):
        return rows
    return rows.filter(indicator__in=indicators_public.public_indicators())
