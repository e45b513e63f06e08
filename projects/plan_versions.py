"""The rules of plan versions and the baseline (issue 18): the one home of every write to
PlanVersion and PlanVersionStep (projects/models/plan_versions.py).

- A plan is sent for approval (ส่งแผนให้อนุมัติ) as a version: a copy of its current steps.
  Once the project has a baseline, every change to the plan needs a reason and is sent as
  a new version by the plan editor itself (plan_editing.plan_save); the first version may be
  sent without one. While a version is open (sent or returned), further changes replace
  its copy and send it again: there is at most one open version per project.
- Whoever approves the agency's reports, or สยป., approves it (it becomes the baseline,
  the previous one stays approved as a record) or returns it with a comment
  (permissions.can_decide_plan: never the one who sent it).
- An imported plan is an approved baseline at once (baselines_from_steps).
"""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import permissions
from projects.models import PlanStep, PlanVersion, PlanVersionStep, Project, User
from projects.signals import rows_written

COMMENT_MAX = 2000
REASON_MAX = 2000
State = PlanVersion.State


def baseline_of(project: Project) -> PlanVersion | None:
    return PlanVersion.objects.filter(project=project, is_baseline=True).first()


def open_version_of(project: Project) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(
            project=project, state__in=(State.DRAFT, State.SUBMITTED, State.RETURNED)
        )
        .order_by("-number")
        .first()
    )


def reason_errors(*, project: Project, reason: str) -> list[ValidationError]:
    """A change to a plan that has a baseline needs its reason (the plan editor asks)."""
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        return [ValidationError(_("เหตุผลยาวเกิน %(n)s ตัวอักษร"), params={"n": f"{REASON_MAX:,}"})]
    if not reason and PlanVersion.objects.filter(project=project, is_baseline=True).exists():
        return [ValidationError(_("กรุณาระบุเหตุผลที่ปรับแผน (แผนนี้อนุมัติเป็นแผนฐานแล้ว)"))]
    return []


def _copy_steps(version: PlanVersion, steps: Sequence[PlanStep]) -> None:
    rows_written.send(sender=PlanVersionStep, project_ids=[version.project_id])
    PlanVersionStep.objects.filter(version=version).delete()
    PlanVersionStep.objects.bulk_create(_copy(version, s) for s in steps)


def _copy(version: PlanVersion, step: PlanStep) -> PlanVersionStep:
    """The version's copy of ``step`` (which it names: plan_diff follows it by that)."""
    return PlanVersionStep(
        version=version,
        source_step_id=step.pk,
        order=step.order,
        title=step.title,
        weight=step.weight,
        starts_on=step.starts_on,
        ends_on=step.ends_on,
    )


def plan_version_submit(*, project: Project, user: User, reason: str = "") -> PlanVersion:
    """Send the project's current plan for approval: a new version, or the open one with
    its copy replaced. Refused for a plan without steps, and without a reason once the
    project has a baseline."""
    if not permissions.can_submit_plan(user, project):
        raise PermissionDenied
    if errors := reason_errors(project=project, reason=reason):
        raise ValidationError({"reason": errors})
    with transaction.atomic():
        # One sender at a time per project: the row lock orders two sends of a plan.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        steps = list(PlanStep.objects.filter(project=project).order_by("order"))
        if not steps:
            raise ValidationError({"steps": _("แผนยังไม่มีขั้นตอน จึงส่งอนุมัติไม่ได้")})
        version = open_version_of(project)
        if version is None:
            last = PlanVersion.objects.filter(project=project).aggregate(n=Max("number"))["n"]
            version = PlanVersion(project=project, number=(last or 0) + 1)
        version.reason = reason.strip()
        version.state = State.SUBMITTED
        version.submitted_by = user
        version.submitted_at = timezone.now()
        version.decided_by = None
        version.decided_at = None
        version.comment = ""
        version.save()
        _copy_steps(version, steps)
    return version


def send_changed_plan(*, project: Project, user: User, reason: str) -> PlanVersion | None:
    """After the plan editor changed the steps (plan_editing.plan_save): send them as a version
    where the project has a baseline or an open version; a plan never sent stays as it is."""
    versions = PlanVersion.objects.filter(project=project)
    if not versions.filter(Q(is_baseline=True) | ~Q(state=State.APPROVED)).exists():
        return None
    return plan_version_submit(project=project, user=user, reason=reason)


def _claim(
    version: PlanVersion, user: User, today: dt.date, seen_sent_at: dt.datetime | None
) -> PlanVersion:
    """The version locked for a decision, checked: still sent, ``user`` may decide, and
    (``seen_sent_at``: when the version the decider looked at was sent) not sent again
    since with other steps."""
    locked = (
        PlanVersion.objects.select_for_update()
        .select_related("project")
        .filter(pk=version.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("ไม่พบแผนฉบับนี้"))
    if not permissions.can_decide_plan(user, locked, today=today):
        raise PermissionDenied
    if locked.state != State.SUBMITTED:
        raise ValidationError(
            _("แผนฉบับที่ %(n)s ไม่ได้รออนุมัติแล้ว (สถานะ: %(state)s)")
            % {"n": locked.number, "state": locked.get_state_display()}
        )
    if seen_sent_at is not None and locked.submitted_at != seen_sent_at:
        raise ValidationError(
            _("แผนฉบับที่ %(n)s ถูกส่งใหม่หลังจากที่คุณเปิดหน้านี้ กรุณาตรวจสอบอีกครั้ง") % {"n": locked.number}
        )
    return locked


def plan_version_approve(
    *,
    version: PlanVersion,
    user: User,
    today: dt.date,
    seen_sent_at: dt.datetime | None = None,
) -> PlanVersion:
    """Approve a sent version: it becomes the project's baseline."""
    with transaction.atomic():
        version = _claim(version, user, today, seen_sent_at)
        rows_written.send(sender=PlanVersion, project_ids=[version.project_id])
        # The old baseline steps down (not a claim: _claim above took the row lock).
        former = PlanVersion.objects.filter(project_id=version.project_id, is_baseline=True)
        former.update(is_baseline=False)
        version.state = State.APPROVED
        version.is_baseline = True
        version.decided_by = user
        version.decided_at = timezone.now()
        version.comment = ""
        version.save()
    return version


def plan_version_return(
    *,
    version: PlanVersion,
    user: User,
    comment: str,
    today: dt.date,
    seen_sent_at: dt.datetime | None = None,
) -> PlanVersion:
    """Return a sent version for changes, with the comment (required); the baseline stays."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("กรุณาระบุเหตุผลที่ส่งกลับแก้ไข")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("ความเห็นยาวเกิน %(n)s ตัวอักษร") % {"n": f"{COMMENT_MAX:,}"}}
        )
    with transaction.atomic():
        version = _claim(version, user, today, seen_sent_at)
        version.state = State.RETURNED
        version.decided_by = user
        version.decided_at = timezone.now()
        version.comment = comment
        version.save()
    return version


def baselines_from_steps(
    *, project_ids: Sequence[int], user: User | None, reason: str | None = None
) -> int:
    """An approved baseline from each project's current steps, as the importers write
    plans (an imported plan is approved): a new version of each project with steps, its
    open version (if any) returned as overtaken. In bulk: a few queries, whatever the
    number of projects. Returns the number of versions made."""
    if not project_ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        rows_written.send(sender=PlanVersion, project_ids=list(project_ids))
        steps_of: dict[int, list[PlanStep]] = {}
        for step in PlanStep.objects.filter(project_id__in=project_ids).order_by("order"):
            steps_of.setdefault(step.project_id, []).append(step)
        last = dict(
            PlanVersion.objects.filter(project_id__in=project_ids)
            .values("project_id")
            .annotate(n=Max("number"))
            .values_list("project_id", "n")
        )
        PlanVersion.objects.filter(project_id__in=project_ids, is_baseline=True).update(
            is_baseline=False
        )
        # An open version is overtaken by the imported plan.
        PlanVersion.objects.filter(
            project_id__in=project_ids, state__in=(State.SUBMITTED, State.RETURNED, State.DRAFT)
        ).update(state=State.RETURNED, comment=_("แทนที่ด้วยแผนที่นำเข้า"), decided_at=now)
        versions = PlanVersion.objects.bulk_create(
            PlanVersion(
                project_id=pk,
                number=last.get(pk, 0) + 1,
                reason=_("นำเข้าแผน") if reason is None else reason,
                state=State.APPROVED,
                is_baseline=True,
                submitted_by=user,
                submitted_at=now,
                decided_by=user,
                decided_at=now,
            )
            for pk in project_ids
            if steps_of.get(pk)
        )
        if versions and versions[0].pk is None:
            numbers = {v.project_id: v.number for v in versions}
            versions = [
                v
                for v in PlanVersion.objects.filter(project_id__in=numbers)
                if numbers[v.project_id] == v.number
            ]
        PlanVersionStep.objects.bulk_create(
            _copy(v, s) for v in versions for s in steps_of[v.project_id]
        )
    return len(versions)
