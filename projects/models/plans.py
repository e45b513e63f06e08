"""Projects and their plans: the project, its objectives, strategy links and plan steps."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.models.agencies import Agency, FiscalYear
from projects.models.budget import BudgetSource, BudgetType, money_field
from projects.models.reports import ProgressEntry
from projects.models.strategy import StrategyNode

MONEY = money_field(None)


class ProjectQuerySet(models.QuerySet):
    def for_agency(self, agency):
        return self.filter(agency=agency)

    def under_strategy(self, node_ids):
        """The projects with a strategy link to one of ``node_ids`` (a node and its
        subtree: StrategyNode.subtree_ids)."""
        from projects.models.plans import StrategyLink

        return self.filter(
            Exists(StrategyLink.objects.filter(project=OuterRef("pk"), node_id__in=node_ids))
        )

    def with_budget(self):
        """Annotate ``budget_after`` (the allocated amount plus every transfer; None for a
        project without a budget), as Project.budget_after_transfers in Python."""
        from projects.models.budget import BudgetTransfer

        transfers = (
            BudgetTransfer.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=models.Sum("amount"))
            .values("total")
        )
        return self.annotate(
            budget_after=F("budget_allocated")
            + Coalesce(Subquery(transfers), Value(Decimal("0.00")), output_field=MONEY)
        )

    def with_latest_progress(
        self, *, as_of: dt.date | None = None, since: dt.date | None = None, prefix="latest"
    ):
        """Annotate ``<prefix>_percent`` and ``<prefix>_reported_on`` from the project's
        latest report (ProgressEntryQuerySet.newest_first: its latest *month*), among the
        months from ``since`` to ``as_of`` when given. ``as_of=<a quarter's last day>`` is
        the progress reported at the quarter's end (domain.md)."""
        entries = ProgressEntry.objects.filter(project=OuterRef("pk"))
        if as_of is not None:
            entries = entries.filter(period__lte=as_of)
        if since is not None:
            entries = entries.filter(period__gte=since)
        newest = entries.newest_first()
        return self.annotate(
            **{
                f"{prefix}_percent": Subquery(newest.values("percent")[:1]),
                f"{prefix}_reported_on": Subquery(newest.values("reported_on")[:1]),
            }
        )


class Project(models.Model):
    code = models.CharField(_("รหัสโครงการ"), max_length=30, unique=True)
    name = models.CharField(_("ชื่อโครงการ"), max_length=500)
    agency = models.ForeignKey(
        Agency, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="projects"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="projects"
    )
    responsible = models.CharField(_("ผู้รับผิดชอบ"), max_length=255, blank=True)
    responsible_phone = models.CharField(_("โทรศัพท์ผู้รับผิดชอบ"), max_length=50, blank=True)
    rationale = models.TextField(_("หลักการและเหตุผล"), blank=True)
    budget_code = models.CharField(_("รหัสงบประมาณ"), max_length=30, blank=True)
    # The budget (projects/models/budget.py): none allocated is a project without a budget.
    budget_allocated = money_field(_("งบประมาณที่ได้รับจัดสรร (บาท)"), null=True, blank=True)
    budget_type = models.ForeignKey(
        BudgetType,
        verbose_name=_("ประเภทงบประมาณ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    budget_source = models.CharField(
        _("แหล่งงบประมาณ"),
        max_length=20,
        choices=BudgetSource.choices,
        default=BudgetSource.CURRENT,
    )
    organisation_code = models.CharField(_("รหัสหน่วยงานเจ้าของงบ"), max_length=30, blank=True)
    targets = models.TextField(_("เป้าหมายของโครงการ"), blank=True)
    # Optimistic lock of the plan: every change to the steps bumps it, and a save made
    # from an older version is refused (projects/plan_editing.py).
    plan_version = models.PositiveIntegerField(_("รุ่นของแผน"), default=1, editable=False)
    is_internal = models.BooleanField(
        _("ไม่เผยแพร่ต่อสาธารณะ"),
        default=False,
        help_text=_("โครงการที่เลือกไว้จะไม่แสดงในหน้าสาธารณะ API แบบไม่ระบุตัวตน และข้อมูลเปิด"),
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("ประวัติโครงการ"))
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "โครงการ")
        verbose_name_plural = pgettext_lazy("plural", "โครงการ")
        ordering = ["code"]
        indexes = [models.Index(fields=["fiscal_year", "agency"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def has_budget(self) -> bool:
        return self.budget_allocated is not None

    def budget_after_transfers(self) -> Decimal | None:
        """The allocated amount plus every transfer (prefetch ``budget_transfers`` for many
        projects); None without a budget. In SQL: ProjectQuerySet.with_budget."""
        if self.budget_allocated is None:
            return None
        return self.budget_allocated + sum(
            (t.amount for t in self.budget_transfers.all()), Decimal("0.00")
        )


class ProjectObjective(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="objectives"
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    text = models.TextField(_("วัตถุประสงค์"))

    class Meta:
        verbose_name = _("วัตถุประสงค์ของโครงการ")
        verbose_name_plural = pgettext_lazy("plural", "วัตถุประสงค์ของโครงการ")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="objective_order_unique")
        ]

    def __str__(self):
        return f"{self.order} {self.text}"


class StrategyLink(models.Model):
    """A line of สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ: ด้าน → มิติ → เป้าหมาย, or routine work."""

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="strategy_links"
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    text = models.CharField(_("ยุทธศาสตร์"), max_length=500)
    # The node the text names (projects.strategy.match_code); None until matched, by the
    # importers or by an administrator (ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่). The text is kept.
    node = models.ForeignKey(
        StrategyNode,
        verbose_name=_("ยุทธศาสตร์ในแผนพัฒนา"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="links",
    )

    class Meta:
        verbose_name = _("การสนับสนุนยุทธศาสตร์")
        verbose_name_plural = pgettext_lazy("plural", "การสนับสนุนยุทธศาสตร์")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="strategy_order_unique")
        ]

    def __str__(self):
        return self.text


class UnmatchedStrategyLink(StrategyLink):
    """The admin's list of links whose text names no node (ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่)."""

    class Meta:
        proxy = True
        verbose_name = _("ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่")
        verbose_name_plural = pgettext_lazy("plural", "ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่")


class PlanStep(models.Model):
    """A step of แผนการดำเนินงาน; the weights of a project's steps should sum to 100."""

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("ขั้นตอนที่"))
    title = models.TextField(_("ขั้นตอน"))
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("เริ่มต้น"), null=True, blank=True)
    ends_on = models.DateField(_("สิ้นสุด"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("ประวัติขั้นตอน"))

    class Meta:
        verbose_name = _("ขั้นตอนการดำเนินงาน")
        verbose_name_plural = pgettext_lazy("plural", "ขั้นตอนการดำเนินงาน")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="step_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="step_weight_0_100"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="step_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


def weights_total(steps) -> Decimal:
    return sum((step.weight for step in steps), Decimal(0))
