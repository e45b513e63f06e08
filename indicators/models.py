from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.models import FiscalYear, Project, StrategyNode

LEVEL_RANGE = range(1, 6)
QUARTERS = range(1, 5)


def _score_field(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class ScoredQuarterRow(models.Model):
    """What สยป. enters for one fiscal quarter, of a project (QuarterEvaluation) or of a
    KPI (IndicatorQuarterResult): the scores 0–100 of criteria 2.1 and 2.2 (None shows as
    0, "not scored"), a comment, who and when, and the version that optimistic locking
    checks (projects/locking.py). Saved by indicators.services._save_versioned, edited
    through indicators.forms.ScoredQuarterForm."""

    quarter = models.PositiveSmallIntegerField(_("ไตรมาสที่"))
    criterion_21 = _score_field(_("ผลประเมิน 2.1"))
    criterion_22 = _score_field(_("ผลประเมิน 2.2"))
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
    version = models.PositiveIntegerField(_("รุ่นของข้อมูล"), default=0)

    class Meta:
        abstract = True

    @staticmethod
    def row_constraints(prefix: str, scores: tuple[str, ...]) -> list[models.CheckConstraint]:
        """Quarter 1–4 and every score 0–100 (or empty), named ``<prefix>_…``."""
        return [
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name=f"{prefix}_quarter_1_4"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | (Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})),
                    name=f"{prefix}_{field}_0_100",
                )
                for field in scores
            ],
        ]


class IndicatorQuerySet(models.QuerySet):
    """Whose and which year's a KPI is. A KPI has no year of its own (its results are kept
    per fiscal year): it is of a fiscal year when it supports a project of that year or
    has a quarter result in it. It is an agency's when its code starts with the agency's
    four-digit prefix (0100-814: domain.md)."""

    def of_agency(self, agency):
        return self.filter(code__startswith=f"{agency.kpi_prefix}-")

    def of_year(self, fiscal_year):
        return self.filter(_of_year(fiscal_year))

    def supportable_by(self, *, agency, fiscal_year):
        """What a project of ``agency`` in ``fiscal_year`` may support: the agency's KPIs of
        that year, and its KPIs of no year yet (new ones, that no project supports and
        nobody has scored)."""
        unused = ~Exists(Project.objects.filter(indicators=OuterRef("pk"))) & ~Exists(
            IndicatorQuarterResult.objects.filter(indicator=OuterRef("pk"))
        )
        return self.of_agency(agency).filter(_of_year(fiscal_year) | unused)


def _of_year(fiscal_year) -> Q:
    return Q(
        Exists(Project.objects.filter(indicators=OuterRef("pk"), fiscal_year=fiscal_year))
    ) | Q(
        Exists(
            IndicatorQuarterResult.objects.filter(indicator=OuterRef("pk"), fiscal_year=fiscal_year)
        )
    )


class Indicator(models.Model):
    """A KPI (ตัวชี้วัด) of the development plan, e.g. 0100-814 อ.2/2."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("ตัวชี้วัดเชิงยุทธศาสตร์")
        ROUTINE = "routine", _("ตัวชี้วัดงานประจำ")

    class ResultLevel(models.TextChoices):
        # Thai only (issue 14, item 8): the old system's page adds "(output)".
        OUTPUT = "output", _("ตัวชี้วัดระดับผลผลิต")
        OUTCOME = "outcome", _("ตัวชี้วัดระดับผลลัพธ์")
        IMPACT = "impact", _("ตัวชี้วัดระดับผลกระทบ")

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
    is_internal = models.BooleanField(
        _("ไม่เผยแพร่ต่อสาธารณะ"),
        default=False,
        help_text=_("ตัวชี้วัดที่เลือกไว้จะไม่แสดงในหน้าสาธารณะ API แบบไม่ระบุตัวตน และข้อมูลเปิด"),
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("โครงการที่สนับสนุน"), related_name="indicators", blank=True
    )
    # For the API's updated_since (issue 17); the KPI's own row only, not its levels.
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)
    strategy_nodes = models.ManyToManyField(
        StrategyNode,
        verbose_name=_("ยุทธศาสตร์ที่สนับสนุน"),
        related_name="indicators",
        blank=True,
    )

    history = HistoricalRecords(verbose_name=_("ประวัติตัวชี้วัด"))
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = pgettext_lazy("plural", "ตัวชี้วัด")
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


class QuarterEvaluation(ScoredQuarterRow):
    """สยป.'s result for one project in one fiscal quarter (ผลการประเมินโครงการรายไตรมาส).

    ``result_value`` is ผลงาน (by default the progress at the quarter's end);
    ``project_score`` makes the headline line "สยป. ประเมินโครงการ : ไตรมาสที่ N score".
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="quarter_evaluations",
    )
    result_value = models.DecimalField(
        _("ผลงาน"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    project_score = _score_field(_("คะแนนประเมินโครงการ"))

    history = HistoricalRecords(verbose_name=_("ประวัติการประเมิน"))

    class Meta:
        verbose_name = _("ผลการประเมินรายไตรมาส")
        verbose_name_plural = pgettext_lazy("plural", "ผลการประเมินรายไตรมาส")
        ordering = ["project", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "quarter"], name="evaluation_one_per_quarter"
            ),
            *ScoredQuarterRow.row_constraints(
                "evaluation", ("criterion_21", "criterion_22", "project_score")
            ),
        ]

    def __str__(self):
        return f"{self.project.code} Q{self.quarter}"


class IndicatorLevel(models.Model):
    """What reaching level 1–5 of a KPI means (เกณฑ์การประเมิน), e.g. 1 plan … 5 report."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("ระดับ"))
    description = models.TextField(_("เกณฑ์การประเมิน"))

    class Meta:
        verbose_name = _("เกณฑ์การประเมินระดับ")
        verbose_name_plural = pgettext_lazy("plural", "เกณฑ์การประเมินระดับ")
        ordering = ["indicator", "level"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="indicator_level_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="indicator_level_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.level}"


class IndicatorQuarterResult(ScoredQuarterRow):
    """สยป.'s result for one KPI in one fiscal quarter: the achieved level (1–5) and the
    criteria 2.1 / 2.2 (ผลงานเทียบกับเป้าหมายรายไตรมาส)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("ตัวชี้วัด"),
        on_delete=models.CASCADE,
        related_name="quarter_results",
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="+"
    )
    achieved_level = models.PositiveSmallIntegerField(_("ผลงานที่ทำได้ ระดับ"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("ประวัติผลตัวชี้วัดรายไตรมาส"))

    class Meta:
        verbose_name = _("ผลตัวชี้วัดรายไตรมาส")
        verbose_name_plural = pgettext_lazy("plural", "ผลตัวชี้วัดรายไตรมาส")
        ordering = ["indicator", "fiscal_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "quarter"],
                name="indicator_result_one_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(achieved_level__isnull=True)
                | (Q(achieved_level__gte=1) & Q(achieved_level__lte=5)),
                name="indicator_result_level_1_5",
            ),
            *ScoredQuarterRow.row_constraints("indicator_result", ("criterion_21", "criterion_22")),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year.year_be} Q{self.quarter}"


class QuarterLock(models.Model):
    """Whether a fiscal quarter is closed (ปิดไตรมาส): its project and KPI results are then
    read-only for everybody. Every close and reopen is kept in QuarterLockEvent."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาสที่"))
    is_locked = models.BooleanField(_("ปิดแล้ว"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ปิดโดย"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("ปิดเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การปิดไตรมาส")
        verbose_name_plural = pgettext_lazy("plural", "การปิดไตรมาส")
        ordering = ["-fiscal_year__year_be", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "quarter"], name="lock_one_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="lock_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year.year_be} Q{self.quarter}"


class QuarterLockEvent(models.Model):
    """One close or reopen of a quarter: who, when and (for a reopen) why."""

    class Action(models.TextChoices):
        LOCK = "lock", _("ปิดไตรมาส")
        REOPEN = "reopen", _("เปิดไตรมาสอีกครั้ง")

    lock = models.ForeignKey(
        QuarterLock, verbose_name=_("การปิดไตรมาส"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("การดำเนินการ"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("โดย"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("เมื่อ"), default=timezone.now)
    reason = models.TextField(_("เหตุผล"), blank=True)

    class Meta:
        verbose_name = _("บันทึกการปิด/เปิดไตรมาส")
        verbose_name_plural = pgettext_lazy("plural", "บันทึกการปิด/เปิดไตรมาส")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.lock} {self.action} {self.at:%Y-%m-%d %H:%M}"
