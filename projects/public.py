"""What the public may see (issue 17): the one home of the rule for the public pages, the
anonymous API and the open-data export.

A visitor who has not logged in sees, when ``settings.BMA_PUBLIC_SITE`` is on:
- projects an administrator has not marked internal (``Project.is_internal``);
- of their monthly reports, only the approved ones: ``ProgressEntry`` rows (a report that
  needs approval becomes an entry only when the head of agency approves it; drafts,
  submissions and returned reports live in ``ReportSubmission`` and are never public);
- never evidence files, reopen reasons, change history, the names or telephone numbers of
  staff (``Project.responsible`` / ``responsible_phone``, who saved or approved a report,
  who evaluated), or anything else listed in ``PRIVATE_PROJECT_FIELDS``.
KPIs follow the same rule through ``indicators.public.public_indicators``.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from projects.models import ProgressEntry, Project

# Project fields never shown to the public, whatever page, API or file shows a project.
PRIVATE_PROJECT_FIELDS = frozenset(
    {"responsible", "responsible_phone", "is_internal", "plan_version", "created_at"}
)
# Monthly report fields never shown to the public (who saved it).
PRIVATE_ENTRY_FIELDS = frozenset({"created_by", "updated_by"})


def enabled() -> bool:
    """Are the public pages (and the anonymous API and open data) on?"""
    return bool(getattr(settings, "BMA_PUBLIC_SITE", False))


def public_projects(projects: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects a visitor may see."""
    qs = Project.objects.all() if projects is None else projects
    return qs.filter(is_internal=False)


def is_public(project: Project) -> bool:
    return not project.is_internal


def public_entries(entries: QuerySet[ProgressEntry] | None = None) -> QuerySet[ProgressEntry]:
    """The monthly reports a visitor may see: approved entries of public projects."""
    qs = ProgressEntry.objects.all() if entries is None else entries
    return qs.filter(project__is_internal=False)


def public_project_fields(model=Project) -> list[str]:
    """Concrete field names of ``model`` a visitor may see."""
    return [f.name for f in model._meta.concrete_fields if f.name not in PRIVATE_PROJECT_FIELDS]
