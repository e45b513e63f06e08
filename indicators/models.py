from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project


class Indicator(models.Model):
    """A KPI (ตัวชี้วัด) of the development plan, e.g. 0100-814 อ.2/2."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("ตัวชี้วัดเชิงยุทธศาสตร์")
        ROUTINE = "routine", _("ตัวชี้วัดงานประจำ")

    class ResultLevel(models.TextChoices):
        OUTPUT = "output", _("ตัวชี้วัดระดับผลผลิต (output)")
        OUTCOME = "outcome", _("ตัวชี้วัดระดับผลลัพธ์ (outcome)")
        IMPACT = "impact", _("ตัวชี้วัดระดับผลกระทบ (impact)")

    class Unit(models.TextChoices):
        LEVEL = "level", _("ระดับ")
        PERCENT = "percent", _("ร้อยละ")
        AVERAGE = "average", _("ค่าเฉลี่ย")

    code = models.CharField(_("รหัสตัวชี้วัด"), max_length=30, unique=True)
    label = models.CharField(_("ชื่อย่อ"), max_length=30, blank=True, help_text=_("เช่น อ.2/2"))
    name = models.TextField(_("ชื่อตัวชี้วัด"))
    kind = models.CharField(_("ประเภทตัวชี้วัด"), max_length=20, choices=Kind.choices)
    result_level = models.CharField(_("ระดับผลของตัวชี้วัด"), max_length=20, choices=ResultLevel.choices)
    unit = models.CharField(_("หน่วยนับ"), max_length=20, choices=Unit.choices, default=Unit.LEVEL)
    target_level = models.PositiveSmallIntegerField(_("ค่าเป้าหมาย ระดับ"))
    achieved_level = models.PositiveSmallIntegerField(_("ผลงานที่ทำได้ ระดับ"), null=True, blank=True)
    definition = models.TextField(_("นิยาม หรือความหมายของตัวชี้วัด"), blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("โครงการที่สนับสนุน"), related_name="indicators", blank=True
    )

    history = HistoricalRecords(verbose_name=_("ประวัติตัวชี้วัด"))

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_level__gte=1) & Q(target_level__lte=5),
                name="indicator_target_level_1_5",
            ),
            models.CheckConstraint(
                condition=Q(achieved_level__isnull=True)
                | (Q(achieved_level__gte=1) & Q(achieved_level__lte=5)),
                name="indicator_achieved_level_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}".strip()


class QuarterEvaluation(models.Model):
    """สยป.'s result for one project in one fiscal quarter (ผลการประเมินโครงการรายไตรมาส).

    ``result_value`` is ผลงาน (by default the progress at the quarter's end);
    ``criterion_21`` and ``criterion_22`` are the scores 0–100 of criteria 2.1 and 2.2
    (None shows as 0, "not scored"); ``project_score`` makes the headline line
    "สยป. ประเมินโครงการ : ไตรมาสที่ N score".
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="quarter_evaluations",
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาสที่"))
    result_value = models.DecimalField(
        _("ผลงาน"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    criterion_21 = models.DecimalField(
        _("ผลประเมิน 2.1"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    criterion_22 = models.DecimalField(
        _("ผลประเมิน 2.2"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    project_score = models.DecimalField(
        _("คะแนนประเมินโครงการ"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("ความเห็นผู้ประเมิน"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ประเมิน"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("ประเมินเมื่อ"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("ประวัติการประเมิน"))

    class Meta:
        verbose_name = _("ผลการประเมินรายไตรมาส")
        verbose_name_plural = _("ผลการประเมินรายไตรมาส")
        ordering = ["project", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "quarter"], name="evaluation_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="evaluation_quarter_1_4"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | (Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})),
                    name=f"evaluation_{field}_0_100",
                )
                for field in ("criterion_21", "criterion_22", "project_score")
            ],
        ]

    def __str__(self):
        return f"{self.project.code} Q{self.quarter}"
