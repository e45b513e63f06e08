"""What the head's queue (รออนุมัติ, projects/approval_views.py) reads: the submitted reports
of the agencies one may approve, each beside the report of the month before, in a fixed
number of queries whatever the queue's length (count, page, previous reports, step titles)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, Subquery

from projects import permissions
from projects.models import EvidenceFile, PlanStep, ProgressEntry, ReportSubmission
from projects.plan_version_selectors import waiting_plans

PER_PAGE = 20


@dataclass
class QueueRow:
    """A submitted report and what the head compares it with: the approved report of the
    month before (``previous``), the change of percent, the steps newly ticked."""

    submission: ReportSubmission
    previous: ProgressEntry | None
    new_steps: list[PlanStep] = field(default_factory=list)
    error: str = ""  # a refusal to show by its comment field

    @property
    def status_id(self) -> str:
        return f"status-{self.submission.pk}"

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.submission.percent - self.previous.percent


def waiting(agency_ids):
    """The submitted reports of ``agency_ids``, oldest submission first."""
    return ReportSubmission.objects.filter(
        state=ReportSubmission.State.SUBMITTED, project__agency_id__in=agency_ids
    )


def plan_agencies(user, agency_ids):
    """Whose plans wait for ``user``: every agency's for สยป. (permissions.can_approve_plan:
    None), else those of the agencies whose reports they approve."""
    return None if permissions.can_evaluate(user) else agency_ids


def waiting_count(user, *, today: dt.date) -> int:
    """How many reports and plans (issue 18) wait for ``user`` (the top bar's
    «รออนุมัติ (N)»): what the approvals page lists."""
    agency_ids = permissions.agencies_to_approve(user, today=today)
    plans = plan_agencies(user, agency_ids)
    reports = waiting(agency_ids).count() if agency_ids else 0
    return reports + (waiting_plans(plans).count() if plans is None or plans else 0)


def approval_queue(agency_ids, *, page_number, per_page: int = PER_PAGE) -> tuple[Page, list]:
    """One page of the queue: (the page, a QueueRow per report on it)."""
    previous = ProgressEntry.objects.filter(
        project=OuterRef("project"), period__lt=OuterRef("period")
    ).order_by("-period", "-pk")
    submissions = (
        waiting(agency_ids)
        .select_related("project__agency", "submitted_by", "in_progress_step", "entry")
        .annotate(previous_id=Subquery(previous.values("pk")[:1]))
        .prefetch_related(Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk")))
        .order_by("submitted_at", "pk")
    )
    page = Paginator(submissions, per_page).get_page(page_number)
    shown = list(page.object_list)
    entries = ProgressEntry.objects.in_bulk({s.previous_id for s in shown if s.previous_id})
    step_ids = {pk for s in shown for pk in s.completed_steps}
    steps = PlanStep.objects.in_bulk(step_ids) if step_ids else {}
    rows = []
    for submission in shown:
        before = entries.get(submission.previous_id)
        done_before = set(before.completed_steps) if before else set()
        new_steps = [
            steps[pk] for pk in submission.completed_steps if pk in steps and pk not in done_before
        ]
        new_steps.sort(key=lambda step: step.order)
        rows.append(QueueRow(submission, before, new_steps))
    return page, rows
