"""Reads of plan versions (issue 18): a project's versions with what changed against the
version before each, and the versions waiting for a decision in some agencies."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from projects import permissions
from projects.models import PlanVersion, PlanVersionStep
from projects.plan_diff import PlanDiff, plan_diff


@dataclass
class VersionRow:
    version: PlanVersion
    diff: PlanDiff | None  # None for the first version: nothing before it
    total: Decimal
    can_decide: bool = False


def _with_steps(versions: QuerySet) -> QuerySet:
    return versions.select_related("submitted_by", "decided_by").prefetch_related(
        Prefetch("steps", queryset=PlanVersionStep.objects.order_by("order"))
    )


def version_rows(project, *, user, today: dt.date) -> list[VersionRow]:
    """The project's versions, newest first, each with its changes against the one before
    it, and whether ``user`` may approve or return it (three queries)."""
    versions = list(_with_steps(PlanVersion.objects.filter(project=project)).order_by("number"))
    rows = []
    previous = None
    for version in versions:
        version.project = project
        steps = list(version.steps.all())
        rows.append(
            VersionRow(
                version=version,
                diff=None if previous is None else plan_diff(previous, steps),
                total=sum((s.weight for s in steps), Decimal(0)),
                can_decide=version.state == PlanVersion.State.SUBMITTED
                and permissions.can_decide_plan(user, version, today=today),
            )
        )
        previous = steps
    return list(reversed(rows))


def waiting_plans(agency_ids) -> QuerySet[PlanVersion]:
    """The plan versions sent and not yet decided of the agencies ``agency_ids`` (every
    agency's when None: สยป.'s list), the approvals queue's list of plans, oldest sent
    first."""
    versions = PlanVersion.objects.filter(state=PlanVersion.State.SUBMITTED)
    if agency_ids is not None:
        versions = versions.filter(project__agency_id__in=agency_ids)
    return versions.select_related("project__agency", "submitted_by").order_by("submitted_at", "pk")
