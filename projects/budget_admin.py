"""The budget in the admin (issue 16): a project's allocated amount, type and source with
its transfers inline, the budget types, the quarterly disbursement targets. Amounts are
read by projects/money.py (budget_forms' fields) and refused in Thai, as on the screen."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects import budgets
from projects.admin_dates import ThaiDatesAdmin
from projects.budget_forms import MoneyField, SignedMoneyField
from projects.models import BudgetTransfer, BudgetType, DisbursementTarget, Project
from projects.money import check_amount, format_baht

BUDGET_FIELDSET = (
    _("งบประมาณ"),
    {"fields": ("budget_allocated", "budget_type", "budget_source")},
)


class ProjectBudgetForm(forms.ModelForm):
    budget_allocated = MoneyField(
        label=_("งบประมาณที่ได้รับจัดสรร (บาท)"),
        help_text=_("เช่น 1,234,567.89 เว้นว่างถ้าโครงการไม่มีงบประมาณ (งานประจำ)"),
    )

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the admin shows every field of the project


class BudgetTransferForm(forms.ModelForm):
    amount = SignedMoneyField(
        label=_("จำนวนเงิน (บาท; โอนออกเป็นค่าลบ)"),
        required=True,
        error_messages={"required": _("กรุณากรอกจำนวนเงินที่โอน")},
    )

    class Meta:
        model = BudgetTransfer
        fields = ("transferred_on", "amount", "reason")


class BudgetTransferFormSet(forms.BaseInlineFormSet):
    """The transfers kept leave the amount after transfers at 0 or more and at least what
    the latest approved report has committed and disbursed, and only a project with a
    budget has any (the project's own form has set its allocated amount)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        allocated = self.instance.budget_allocated
        if allocated is None:
            if kept:
                raise ValidationError(_("โครงการที่ไม่มีงบประมาณที่ได้รับจัดสรร บันทึกการโอนไม่ได้"))
            return
        after = allocated + sum((data["amount"] for data in kept), Decimal("0.00"))
        if after < 0:
            raise ValidationError(
                _("งบประมาณหลังโอนเปลี่ยนแปลงติดลบ (%(after)s) กรุณาแก้ไขการโอน")
                % {"after": format_baht(after)}
            )
        check_amount(after)
        if self.instance.pk and (
            message := budgets.used_beyond(budgets.budget_summary(self.instance), after)
        ):
            raise ValidationError(message)


class BudgetTransferInline(ThaiDatesAdmin, admin.TabularInline):
    model = BudgetTransfer
    form = BudgetTransferForm
    formset = BudgetTransferFormSet
    extra = 0


@admin.register(BudgetType)
class BudgetTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name",)


class DisbursementTargetForm(forms.ModelForm):
    percent = forms.DecimalField(
        label=_("เป้าหมาย (ร้อยละ)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": _("กรุณากรอกตัวเลข เช่น 54 หรือ 54.50"),
            "min_value": _("ต้องไม่น้อยกว่า 0"),
            "max_value": _("ต้องไม่เกิน 100"),
            "max_digits": _("ต้องไม่เกิน 100"),
            "max_whole_digits": _("ต้องไม่เกิน 100"),
            "max_decimal_places": _("ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
        },
    )

    class Meta:
        model = DisbursementTarget
        fields = ("fiscal_year", "quarter", "budget_type", "percent")


@admin.register(DisbursementTarget)
class DisbursementTargetAdmin(admin.ModelAdmin):
    form = DisbursementTargetForm
    list_display = ("fiscal_year", "quarter", "budget_type", "percent")
    list_filter = ("fiscal_year", "quarter", "budget_type")
    list_select_related = ("fiscal_year", "budget_type")
    ordering = ("-fiscal_year__year_be", "quarter", "budget_type__order")
