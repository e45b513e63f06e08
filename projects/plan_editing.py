"""Plan editing (the plan editor's one service): add, change, reorder and remove a
project's steps under the plan's optimistic lock (Project.plan_version). Once the plan has
a baseline, a change is sent for approval as a new version (projects/plan_versions.py).
Keyword-only, atomic, Thai ValidationErrors; EditConflict carries the stored plan."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from projects import permissions, plan_versions
from projects.locking import EditConflict, claim_version
from projects.models import PlanStep, Project, User
from projects.signals import rows_written


@dataclass(frozen=True)
class StepInput:
    step_id: int | None
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    delete: bool = False


@dataclass
class PlanSaveResult:
    version: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    steps: list[PlanStep] = field(default_factory=list)


_STEP_FIELDS = ("order", "title", "weight", "starts_on", "ends_on")
# Orders are unique per project; steps are moved out of the way before renumbering.
_PARKING = 20000


def _plan_conflict(project: Project) -> EditConflict:
    """The plan as stored now, and its version."""
    steps = list(PlanStep.objects.filter(project=project).order_by("order"))
    version = Project.objects.values_list("plan_version", flat=True).get(pk=project.pk)
    return EditConflict(steps, version=version)


def _renumber_unmentioned(existing: dict, seen: set, result: PlanSaveResult) -> None:
    """Steps the form did not mention (there should be none) are left as they were but
    renumbered after the others."""
    for step in sorted((s for pk, s in existing.items() if pk not in seen), key=lambda s: s.order):
        number = len(result.steps) + 1
        PlanStep.objects.filter(pk=step.pk).update(order=number)
        step.order = number
        result.steps.append(step)


def plan_save(
    *,
    project: Project,
    user: User,
    loaded_version: int,
    rows: Sequence[StepInput],
    reason: str = "",
) -> PlanSaveResult:
    """Replace the project's plan with ``rows``: add, change, reorder and remove steps.

    Steps are renumbered 1..n in the order of their ``order`` (ties keep the form's order).
    Weights need not sum to 100: such a plan is shown as incomplete. Refused with
    EditConflict when the plan was saved by somebody else since ``loaded_version``. Once
    the plan has a baseline, a change needs ``reason`` and is sent for approval as a new
    version (projects/plan_versions.py).
    """
    if not permissions.can_edit_plan(user, project):
        raise PermissionDenied
    with transaction.atomic():
        # The steps are moved with QuerySet.update() below, which sends no post_save.
        rows_written.send(sender=PlanStep, project_ids=[project.pk])
        claim_version(
            Project.objects.filter(pk=project.pk),
            field="plan_version",
            loaded=loaded_version,
            stored=lambda: _plan_conflict(project),
        )
        existing = {s.pk: s for s in PlanStep.objects.filter(project=project)}
        unknown = [r.step_id for r in rows if r.step_id is not None and r.step_id not in existing]
        if unknown:
            # A step removed by somebody else would have bumped the version; this is tampering.
            raise ValidationError(_("ขั้นตอนที่แก้ไขไม่ใช่ของโครงการนี้"))
        kept = [r for r in rows if not r.delete]
        kept = [r for _, _, r in sorted((r.order, i, r) for i, r in enumerate(kept))]
        result = PlanSaveResult(version=loaded_version + 1)

        seen = set()
        for row in rows:
            if row.delete and row.step_id is not None:
                step = existing[row.step_id]
                step._history_user = user
                step.delete()
                result.removed += 1
                seen.add(row.step_id)
        # Park every step that remains (those the form keeps and any it does not mention),
        # so that renumbering never meets the unique order.
        PlanStep.objects.filter(project=project).update(order=F("order") + _PARKING)
        for number, row in enumerate(kept, start=1):
            values = {
                "order": number,
                "title": row.title.strip(),
                "weight": row.weight,
                "starts_on": row.starts_on,
                "ends_on": row.ends_on,
            }
            if row.step_id is None:
                step = PlanStep(project=project, **values)
                step._history_user = user
                step.save()
                result.added += 1
            else:
                step = existing[row.step_id]
                changed = any(getattr(step, k) != v for k, v in values.items())
                for name, value in values.items():
                    setattr(step, name, value)
                if changed:
                    step._history_user = user
                    step.save()
                    result.changed += 1
                else:
                    # Back from the parking order without a history record.
                    PlanStep.objects.filter(pk=step.pk).update(order=number)
                seen.add(row.step_id)
            result.steps.append(step)
        _renumber_unmentioned(existing, seen, result)
        if result.added or result.changed or result.removed:
            # Refused here, the whole save is rolled back: a plan with a baseline changes
            # only with its reason.
            plan_versions.send_changed_plan(project=project, user=user, reason=reason)
    return result
