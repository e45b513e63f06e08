"""Forms of a project's budget (issue 16): amounts read only by projects/money.py
(parse_baht: hostile amounts refused in Thai), the budget fields of the new-project form
and the transfer form of the project page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.budgets import REASON_MAX
from projects.form_helpers import ErrorsDescribedMixin, LengthLimitsMixin, ThaiDateField
from projects.models import BudgetSource, BudgetType
from projects.money import parse_baht


class MoneyField(forms.Field):
    """Baht as typed (``1,234,567.89``): a Decimal, None when blank. No maxlength and no
    number input: what was typed comes back whole with the Thai message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "1,234,567.89"}
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value is None or not isinstance(value, str):
            value = "" if value is None else str(value)
        if "\x00" in value:
            raise ValidationError(_("กรุณากรอกจำนวนเงินเป็นตัวเลข เช่น 1,234,567.89"))
        return parse_baht(value)


class SignedMoneyField(MoneyField):
    """A transfer's amount in the admin: ``-50,000.00`` (out) or ``50,000.00`` (in); the
    digits are read by parse_baht as any amount; 0 is no transfer."""

    def to_python(self, value):
        text = ("" if value is None else str(value)).strip()
        sign = -1 if text[:1] in ("-", "−") else 1
        amount = parse_baht(text[1:] if sign < 0 else text)
        if amount is not None and amount == 0:
            raise ValidationError(_("จำนวนเงินที่โอนต้องไม่เป็น 0"))
        return None if amount is None else sign * amount

    def prepare_value(self, value):
        return value if isinstance(value, str) or value is None else f"{value:.2f}"


class ProjectBudgetFields(forms.Form):
    """The budget of a new project: allocated (blank: no budget, routine work), its type
    (the active BudgetTypes) and source."""

    budget_allocated = MoneyField(
        label=_("งบประมาณที่ได้รับจัดสรร (บาท)"),
        help_text=_("เช่น 1,234,567.89 เว้นว่างถ้าโครงการไม่มีงบประมาณ (งานประจำ)"),
    )
    budget_type = forms.ModelChoiceField(
        label=_("ประเภทงบประมาณ"),
        queryset=BudgetType.objects.filter(is_active=True),
        required=False,
        empty_label=_("— เลือกประเภทงบประมาณ —"),
        error_messages={"invalid_choice": _("เลือกประเภทงบประมาณจากรายการ")},
    )
    budget_source = forms.ChoiceField(
        label=_("แหล่งงบประมาณ"),
        choices=BudgetSource.choices,
        initial=BudgetSource.CURRENT,
        required=False,
        error_messages={"invalid_choice": _("เลือกแหล่งงบประมาณจากรายการ")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("budget_allocated") is None and cleaned.get("budget_type"):
            self.add_error(
                "budget_allocated",
                _("เลือกประเภทงบประมาณแล้ว กรุณากรอกงบประมาณที่ได้รับจัดสรร"),
            )
        cleaned["budget_source"] = cleaned.get("budget_source") or BudgetSource.CURRENT
        return cleaned


class BudgetTransferForm(LengthLimitsMixin, ErrorsDescribedMixin, forms.Form):
    """บันทึกการโอนเปลี่ยนแปลงงบประมาณ: a transfer in or out, its date and reason.
    ``signed_amount()`` is the amount with its sign (out: negative)."""

    IN, OUT = "in", "out"

    transferred_on = ThaiDateField(
        label=_("วันที่โอน"),
        help_text=_("วว/ดด/ปปปป (พ.ศ.)"),
        error_messages={"required": _("กรุณากรอกวันที่โอน")},
    )
    direction = forms.ChoiceField(
        label=_("การโอน"),
        choices=[(IN, _("โอนเข้า (เพิ่มงบประมาณ)")), (OUT, _("โอนออก (ลดงบประมาณ)"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("เลือกโอนเข้าหรือโอนออก"),
            "invalid_choice": _("เลือกโอนเข้าหรือโอนออก"),
        },
    )
    amount = MoneyField(
        label=_("จำนวนเงิน (บาท)"),
        required=True,
        error_messages={"required": _("กรุณากรอกจำนวนเงินที่โอน")},
    )
    reason = forms.CharField(
        label=_("เหตุผล"),
        max_length=REASON_MAX,
        error_messages={"required": _("กรุณากรอกเหตุผลของการโอน")},
    )

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount == 0:
            raise ValidationError(_("จำนวนเงินที่โอนต้องมากกว่า 0"))
        return amount

    def signed_amount(self):
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == self.OUT else amount
