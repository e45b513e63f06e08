"""Versions of a project's plan and the baseline (issue 18).

The plan people edit is the project's ``PlanStep`` rows (the current plan). A version is a
copy of those steps sent for approval (ส่งอนุมัติ) with a reason; the head of the agency
(or a deputy in force, or สยป.) approves it or returns it with a comment. The version last
approved is the project's baseline (``is_baseline``, one per project): the plan that
"behind schedule" is measured against (projects/progress.py, measured_steps) and that the
S-curve draws beside the current plan. Until a newer version is approved, the older one
stays the baseline. The rules of the states live in projects/plan_versions.py.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.models.agencies import User
from projects.models.plans import Project


class PlanVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        SUBMITTED = "submitted", _("ส่งแล้ว รออนุมัติ")
        APPROVED = "approved", _("อนุมัติแล้ว")
        RETURNED = "returned", _("ส่งกลับแก้ไข")

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="plan_versions"
    )
    number = models.PositiveIntegerField(_("ฉบับที่"))
    reason = models.TextField(_("เหตุผลที่ปรับแผน"), blank=True)
    state = models.CharField(_("สถานะ"), max_length=12, choices=State.choices)
    is_baseline = models.BooleanField(_("แผนฐาน"), default=False)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้ส่ง"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("ผู้พิจารณา"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    comment = models.TextField(_("ความเห็น"), blank=True)

    class Meta:
        verbose_name = _("ฉบับของแผนการดำเนินงาน")
        verbose_name_plural = _("ฉบับของแผนการดำเนินงาน")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_baseline=True), name="one_baseline_per_project"
            ),
            models.CheckConstraint(
                condition=Q(is_baseline=False) | Q(state="approved"),
                name="baseline_is_approved",
            ),
        ]

    def __str__(self):
        return _("%(code)s ฉบับที่ %(number)s") % {"code": self.project.code, "number": self.number}

    @property
    def is_open(self) -> bool:
        """Sent and not yet decided, or returned to be changed and sent again."""
        return self.state in (self.State.SUBMITTED, self.State.RETURNED, self.State.DRAFT)


class PlanVersionStep(models.Model):
    """A step of a plan version, copied from the project's PlanStep (``source_step_id``
    names that step, so that two versions can be compared step by step)."""

    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("ฉบับของแผนการดำเนินงาน"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    source_step_id = models.PositiveIntegerField(_("รหัสขั้นตอนต้นทาง"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ขั้นตอนที่"))
    title = models.TextField(_("ขั้นตอน"))
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("เริ่มต้น"), null=True, blank=True)
    ends_on = models.DateField(_("สิ้นสุด"), null=True, blank=True)

    class Meta:
        verbose_name = _("ขั้นตอนของแผนฉบับ")
        verbose_name_plural = _("ขั้นตอนของแผนฉบับ")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="version_step_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="version_step_weight_0_100"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="version_step_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"
