"""A project's budget and its disbursement (issue 16; domain.md, Budget).

A project with a budget has an allocated amount (งบประมาณที่ได้รับจัดสรร), a budget type
from the list administrators keep (``BudgetType``) and a source (this year's money or money
carried over, กันเงินไว้เบิกเหลื่อมปี); transfers (``BudgetTransfer``, a signed amount with
its date and reason) give the amount after transfers (งบประมาณหลังโอนเปลี่ยนแปลง): the
allocated amount plus every transfer. A project without an allocated amount (routine work)
has no budget: its monthly report has no budget block.

Each month's report carries the cumulative committed (ก่อหนี้ผูกพัน: POs and contracts) and
disbursed (เบิกจ่าย) amounts to the month's end (``ProgressEntry.committed`` and
``.disbursed``; blank is "not reported", never zero). Administrators set each fiscal
year's quarterly disbursement targets (``DisbursementTarget``: percent of the budget by a
quarter's end, overall or per budget type); a year without targets has none, no default
is invented.

Amounts are baht with satang: Decimal with two places (projects/money.py reads and writes
them the Thai way)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects import thaidates
from projects.models.agencies import FiscalYear
from projects.money import MONEY_DIGITS, MONEY_PLACES, format_amount


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class BudgetType(models.Model):
    """ประเภทงบประมาณ (งบดำเนินงาน, งบลงทุน…): a list the administrators keep."""

    name = models.CharField(_("ชื่อประเภทงบประมาณ"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("ประเภทงบประมาณ")
        verbose_name_plural = pgettext_lazy("plural", "ประเภทงบประมาณ")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class BudgetSource(models.TextChoices):
    CURRENT = "current", _("งบประมาณประจำปี")
    CARRIED_OVER = "carried_over", _("เงินกันไว้เบิกเหลื่อมปี")


class BudgetTransfer(models.Model):
    """A transfer in (positive) or out (negative) of a project's budget
    (การโอนเปลี่ยนแปลงงบประมาณ)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        related_name="budget_transfers",
    )
    transferred_on = models.DateField(_("วันที่โอน"))
    amount = money_field(_("จำนวนเงิน (บาท; โอนออกเป็นค่าลบ)"))
    reason = models.CharField(_("เหตุผล"), max_length=500)
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การโอนเปลี่ยนแปลงงบประมาณ")
        verbose_name_plural = pgettext_lazy("plural", "การโอนเปลี่ยนแปลงงบประมาณ")
        ordering = ["project", "transferred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="transfer_amount_not_zero"),
        ]

    def __str__(self):
        day, amount = thaidates.format_be(self.transferred_on), format_amount(self.amount)
        return f"{self.project.code} {day} {amount}"


class DisbursementTarget(models.Model):
    """เป้าหมายการเบิกจ่าย: the percent of the budget to be disbursed by the end of a quarter
    of a fiscal year, for every budget (no type) or for one budget type."""

    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name=_("ปีงบประมาณ"),
        on_delete=models.CASCADE,
        related_name="disbursement_targets",
    )
    quarter = models.PositiveSmallIntegerField(
        _("ไตรมาส"), choices=[(q, str(q)) for q in (1, 2, 3, 4)]
    )
    budget_type = models.ForeignKey(
        BudgetType,
        verbose_name=_("ประเภทงบประมาณ (ว่าง: ทุกประเภท)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    percent = models.DecimalField(_("เป้าหมาย (ร้อยละ)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("เป้าหมายการเบิกจ่ายรายไตรมาส")
        verbose_name_plural = pgettext_lazy("plural", "เป้าหมายการเบิกจ่ายรายไตรมาส")
        ordering = ["fiscal_year", "quarter", "budget_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "quarter"],
                condition=Q(budget_type__isnull=True),
                name="target_one_overall_per_quarter",
                violation_error_message=_(
                    "มีเป้าหมายรวมทุกประเภทของปีงบประมาณและไตรมาสนี้แล้ว แก้ไขรายการเดิมแทน"
                ),
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "quarter", "budget_type"],
                condition=Q(budget_type__isnull=False),
                name="target_one_per_type_and_quarter",
                violation_error_message=_(
                    "มีเป้าหมายของปีงบประมาณ ไตรมาส และประเภทงบประมาณนี้แล้ว แก้ไขรายการเดิมแทน"
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="target_percent_0_100",
                violation_error_message=_("เป้าหมายต้องอยู่ระหว่างร้อยละ 0 ถึง 100"),
            ),
        ]

    def __str__(self):
        kind = self.budget_type or _("ทุกประเภท")
        return _("%(year)s ไตรมาส %(quarter)s %(kind)s: %(percent)s%%") % {
            "year": self.fiscal_year,
            "quarter": self.quarter,
            "kind": kind,
            "percent": self.percent,
        }
