"""Forms of the projects app: parse and check what was typed, in Thai; the rules of the
domain (deadlines, lower percent, conflicts) are in services.py. Helpers shared with other
apps' forms are in projects/form_helpers.py."""

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects import evidence, money, thaidates, uploads
from projects.budget_forms import ProjectBudgetFields
from projects.form_helpers import (
    ErrorsDescribedMixin,
    LengthLimitsMixin,
    ThaiDateField,
    hidden_errors_to_form,
)
from projects.models import Agency, FiscalYear
from projects.plan_editing import StepInput
from projects.services import ReportInput

PERCENT_ERRORS = {
    "invalid": _("กรุณากรอกตัวเลข เช่น 45 หรือ 45.50"),
    "min_value": _("ต้องไม่น้อยกว่า 0"),
    "max_value": _("ต้องไม่เกิน 100"),
    "max_decimal_places": _("ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
    "max_digits": _("ต้องไม่เกิน 100"),
    "max_whole_digits": _("ต้องไม่เกิน 100"),
}


def percent_field(label, *, required=False, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=help_text,
        error_messages=PERCENT_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
    )


class BahtField(forms.Field):
    """An amount of baht read the Thai way (projects/money.parse_baht: hostile amounts are
    refused in Thai); blank is None, "not reported". Shown as ``1,234,567.89``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            # Text, not number: 1,234,567.89 is typed with its commas. No maxlength.
            forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("เช่น 1,234,567.89")}),
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return money.format_amount(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        return money.parse_baht(str(value or "")[:100])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each identified by its content (projects/evidence.py). Files
    the upload handler refused (projects/uploads.py: too many, too big, too much in all)
    arrive without content and refuse the whole form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned, errors = [], []
        if too_many := uploads.refused(files, uploads.RefusedUpload.COUNT):
            errors.append(
                ValidationError(
                    _(
                        "แนบไฟล์หลักฐานได้ครั้งละไม่เกิน %(limit)s ไฟล์ (เลือกมา %(count)s ไฟล์) "
                        "กรุณาแนบไฟล์ที่เหลือเมื่อแก้ไขรายงานนี้อีกครั้ง"
                    )
                    % {"limit": too_many[0].limits.files, "count": uploads.files_sent(too_many)},
                    code="evidence_count",
                )
            )
        if too_much := uploads.refused(files, uploads.RefusedUpload.TOTAL):
            errors.append(
                ValidationError(
                    _(
                        "ไฟล์ที่แนบรวมกันเกิน %(limit)s MB ต่อครั้ง (ไม่ได้รับ: %(names)s) "
                        "กรุณาแบ่งแนบเมื่อแก้ไขรายงานนี้อีกครั้ง"
                    )
                    % {
                        "limit": uploads.megabytes(too_much[0].limits.total_bytes),
                        "names": ", ".join(f.name for f in too_much),
                    },
                    code="evidence_total",
                )
            )
        for uploaded in files:
            if getattr(uploaded, "refused", False) and not uploaded.oversized:
                continue  # said above
            uploaded = super().clean(uploaded, initial)
            try:
                # An oversized file is refused here by its size, with the others' reasons.
                cleaned.append((uploaded, evidence.identify(uploaded)))
            except evidence.EvidenceRejected as rejected:
                errors.append(ValidationError(str(rejected), code="evidence"))
        if errors:
            raise ValidationError(errors)
        return cleaned


class ProgressReportForm(LengthLimitsMixin, ErrorsDescribedMixin, forms.Form):
    """รายงานผลการดำเนินงาน: tick the steps done, the percent is computed from them."""

    period = forms.TypedChoiceField(
        label=_("รายงานผลของเดือน"),
        coerce=dt.date.fromisoformat,
        empty_value=None,
        error_messages={
            "required": _("เลือกเดือนที่รายงาน"),
            "invalid_choice": _("เลือกเดือนในปีงบประมาณของโครงการ"),
        },
    )
    reported_on = ThaiDateField(
        label=_("วันที่รายงาน"),
        error_messages={"required": _("กรุณากรอกวันที่รายงาน")},
        help_text=_("วว/ดด/ปปปป (พ.ศ.) เช่น 22/09/2564"),
    )
    completed_steps = forms.TypedMultipleChoiceField(
        label=_("ขั้นตอนที่ดำเนินการแล้วเสร็จ"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("ขั้นตอนที่เลือกไม่ใช่ของโครงการนี้")},
    )
    in_progress_step = forms.TypedChoiceField(
        label=_("ขั้นตอนที่กำลังดำเนินการ"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("ขั้นตอนที่เลือกไม่ใช่ของโครงการนี้")},
    )
    partial_percent = percent_field(
        _("ความคืบหน้าของขั้นตอนที่กำลังดำเนินการ (ร้อยละของขั้นตอน)"),
        help_text=_("เช่น 40 = ขั้นตอนนี้ทำไปแล้ว 40%"),
    )
    percent = percent_field(
        _("ความคืบหน้าโครงการ (ร้อยละ)"),
        help_text=_("ใช้เมื่อโครงการยังไม่มีขั้นตอนการดำเนินงาน"),
    )
    narrative = forms.CharField(
        label=_("ผลการดำเนินงาน"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("กรุณากรอกผลการดำเนินงาน")},
        max_length=20000,
    )
    problems = forms.CharField(
        label=_("ปัญหาของโครงการ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("ไม่มี")}),
        max_length=5000,
    )
    obstacles = forms.CharField(
        label=_("อุปสรรคของโครงการ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("ไม่มี")}),
        max_length=5000,
    )
    lower_reason = forms.CharField(
        label=_("เหตุผลที่ความคืบหน้าลดลง"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("กรอกเมื่อความคืบหน้าน้อยกว่ารายงานครั้งก่อน"),
        max_length=5000,
    )
    # Projects with a budget (issue 16): cumulative to the month's end, blank = not reported.
    committed = BahtField(
        label=_("ก่อหนี้ผูกพันสะสม (บาท)"),
        required=False,
        help_text=_("ยอดสะสมถึงสิ้นเดือนที่รายงาน (PO/สัญญา) เว้นว่างหากยังไม่รายงาน"),
    )
    disbursed = BahtField(
        label=_("เบิกจ่ายสะสม (บาท)"),
        required=False,
        help_text=_("ยอดสะสมถึงสิ้นเดือนที่รายงาน เว้นว่างหากยังไม่รายงาน"),
    )
    budget_lower_reason = forms.CharField(
        label=_("เหตุผลที่ยอดสะสมลดลง"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("กรอกเมื่อยอดก่อหนี้ผูกพันหรือเบิกจ่ายสะสมน้อยกว่ารายงานครั้งก่อน"),
        max_length=5000,
    )
    evidence = EvidenceField(label=_("ไฟล์หลักฐาน"), required=False)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # Agencies whose reports need approval (issue 15): the version of the month's open
    # submission the form shows (empty: none), and the button pressed.
    submission_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        required=False,
        choices=[("draft", _("บันทึกร่าง")), ("submit", _("ส่งให้หัวหน้าหน่วยงานอนุมัติ"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, steps, months=(), budget=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        self.budget = budget
        self.fields["period"].choices = [
            (month.isoformat(), thaidates.month_label(month)) for month in months
        ]
        choices = [(step.pk, f"{step.order}. {step.title}") for step in self.steps]
        self.fields["completed_steps"].choices = choices
        self.fields["in_progress_step"].choices = [("", _("— ไม่มี —")), *choices]
        limits = evidence.upload_limits()
        self.fields["evidence"].help_text = _(
            "PDF, รูปภาพ, Word, Excel, PowerPoint ไม่เกิน %(size)s MB ต่อไฟล์ ครั้งละไม่เกิน %(count)s ไฟล์"
        ) % {"size": uploads.megabytes(limits.file_bytes), "count": limits.files}
        # The page shows either the steps to tick or, for a plan without steps, the percent:
        # a field it does not show could only refuse the form with a message nobody sees.
        hidden = (
            ("percent",)
            if self.steps
            else ("completed_steps", "in_progress_step", "partial_percent")
        )
        if not budget:  # no budget, no block (routine work)
            hidden = (*hidden, "committed", "disbursed", "budget_lower_reason")
        for name in hidden:
            del self.fields[name]
        # Typing in these updates the live preview (see hx-trigger in _report_form.html).
        for name in ("reported_on", "partial_percent", "percent", "committed", "disbursed"):
            if name not in self.fields:
                continue
            css = self.fields[name].widget.attrs.get("class", "")
            self.fields[name].widget.attrs["class"] = f"{css} report__live".strip()

    def clean(self):
        cleaned = super().clean()
        in_progress = cleaned.get("in_progress_step")
        partial = cleaned.get("partial_percent")
        if in_progress is not None and in_progress in (cleaned.get("completed_steps") or []):
            self.add_error(
                "in_progress_step",
                _("ขั้นตอนนี้ถูกทำเครื่องหมายว่าแล้วเสร็จ เลือกขั้นตอนที่ยังไม่เสร็จ"),
            )
        if partial is not None and in_progress is None and "partial_percent" not in self.errors:
            self.add_error("in_progress_step", _("เลือกขั้นตอนที่กำลังดำเนินการ"))
        if in_progress is not None and partial is None and "partial_percent" not in self.errors:
            self.add_error("partial_percent", _("กรอกความคืบหน้าของขั้นตอนนี้ (ร้อยละ 0–100)"))
        if not self.steps and cleaned.get("percent") is None and "percent" not in self.errors:
            self.add_error("percent", _("กรุณากรอกความคืบหน้า (ร้อยละ 0–100)"))
        hidden_errors_to_form(self)
        return cleaned

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            reported_on=data["reported_on"],
            period=data["period"],
            completed_step_ids=data.get("completed_steps") or [],
            in_progress_step_id=data.get("in_progress_step"),
            partial_percent=data.get("partial_percent"),
            manual_percent=data.get("percent") if not self.steps else None,
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
            obstacles=data.get("obstacles", ""),
            lower_reason=data.get("lower_reason", ""),
            committed=data.get("committed"),
            disbursed=data.get("disbursed"),
            budget_lower_reason=data.get("budget_lower_reason", ""),
        )


class PreviewForm(ProgressReportForm):
    """The same fields, read leniently for the live preview: nothing is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False

    def clean(self):
        return self.cleaned_data


class MonthReopenForm(LengthLimitsMixin, ErrorsDescribedMixin, forms.Form):
    period = forms.DateField(
        label=_("เดือนที่เปิดรับรายงาน"),
        widget=forms.Select,
        error_messages={"required": _("เลือกเดือน"), "invalid": _("เลือกเดือน")},
    )
    until = ThaiDateField(label=_("เปิดรับถึงวันที่"), error_messages={"required": _("กรุณากรอกวันที่")})
    reason = forms.CharField(
        label=_("เหตุผล"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("กรุณาระบุเหตุผลที่เปิดรับรายงานย้อนหลัง")},
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.choices = [
            (m.period.isoformat(), thaidates.month_label(m.period)) for m in months
        ]


_NUMBERED_LINE = re.compile(r"^(\d{1,3})\s*[.)]?\s+(.*)$")


def typed_lines(text: str) -> list[str]:
    """A list typed one item per line: blank lines dropped, "-" alone is none, and the
    numbers 1., 2., … before the lines dropped when every line has its own in order (the
    page numbers them)."""
    lines = [line.strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if lines == ["-"]:
        return []
    numbered = [_NUMBERED_LINE.match(line) for line in lines]
    if lines and all(m and int(m.group(1)) == i for i, m in enumerate(numbered, start=1)):
        return [m.group(2).strip() for m in numbered]
    return lines


def _text(label, *, max_length, required=False, rows=None, **kwargs):
    # The length message is LengthLimitsMixin's, as on every form.
    messages = kwargs.pop("error_messages", {})
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows, **kwargs.pop("attrs", {})})
    elif "attrs" in kwargs:
        kwargs["widget"] = forms.TextInput(attrs=kwargs.pop("attrs"))
    return forms.CharField(
        label=label, max_length=max_length, required=required, error_messages=messages, **kwargs
    )


class ProjectCreateForm(LengthLimitsMixin, ErrorsDescribedMixin, ProjectBudgetFields):
    """โครงการใหม่: what the project page shows before its plan, and its budget
    (ProjectBudgetFields). The code's rules (the agency's prefix, no other project with it)
    are services.project_create's; the KPIs offered are the agency's of the year (the view
    gives them)."""

    agency = forms.ModelChoiceField(
        label=_("หน่วยงาน"),
        queryset=Agency.objects.all(),
        to_field_name="code",
        empty_label=_("— เลือกหน่วยงาน —"),
        error_messages={"required": _("เลือกหน่วยงาน"), "invalid_choice": _("เลือกหน่วยงาน")},
    )
    fiscal_year = forms.ModelChoiceField(
        label=_("ปีงบประมาณ"),
        queryset=FiscalYear.objects.all(),
        to_field_name="year_be",
        empty_label=_("— เลือกปีงบประมาณ —"),
        error_messages={
            "required": _("เลือกปีงบประมาณ"),
            "invalid_choice": _("เลือกปีงบประมาณที่มีในระบบ"),
        },
    )
    code = _text(
        _("รหัสโครงการ"),
        max_length=30,
        required=True,
        help_text=_("รหัสหน่วยงาน 8 หลัก ขีด และเลขลำดับ เช่น 01000000-2570"),
        attrs={"autocomplete": "off", "spellcheck": "false"},
        error_messages={"required": _("กรุณากรอกรหัสโครงการ")},
    )
    name = _text(
        _("ชื่อโครงการ"),
        max_length=500,
        required=True,
        rows=2,
        error_messages={"required": _("กรุณากรอกชื่อโครงการ")},
    )
    responsible = _text(_("ผู้รับผิดชอบ"), max_length=255, attrs={"autocomplete": "name"})
    responsible_phone = _text(
        _("โทรศัพท์ผู้รับผิดชอบ"),
        max_length=50,
        help_text=_("หมายเลขโทรศัพท์หรือเลขภายใน"),
        attrs={"inputmode": "tel", "autocomplete": "tel"},
    )
    rationale = _text(_("หลักการและเหตุผล"), max_length=20000, rows=5)
    objectives = _text(
        _("วัตถุประสงค์ของโครงการ"),
        max_length=20000,
        rows=4,
        help_text=_("ข้อละหนึ่งบรรทัด ระบบจะใส่เลขข้อ 1. 2. 3. ให้"),
    )
    targets = _text(
        _("เป้าหมายของโครงการ"),
        max_length=20000,
        rows=3,
        help_text=_("ใส่ - ถ้าไม่มี"),
    )
    strategy_links = _text(
        _("สนับสนุนยุทธศาสตร์กรุงเทพมหานคร"),
        max_length=20000,
        rows=3,
        help_text=_(
            "รายการละหนึ่งบรรทัด เช่น ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.5 / เป้าหมายที่ 5.5.1 "
            "หรือ ภารกิจงานประจำของหน่วยงาน"
        ),
    )
    budget_code = _text(_("รหัสงบประมาณ"), max_length=30, help_text=_("เช่น 01000800"))
    organisation_code = _text(_("รหัสหน่วยงานเจ้าของงบ"), max_length=30, help_text=_("เช่น 01000800"))
    indicators = forms.TypedMultipleChoiceField(
        label=_("สนับสนุนตัวชี้วัดตามแผนฯ"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("เลือกได้เฉพาะตัวชี้วัดของหน่วยงานในปีงบประมาณที่เลือก")},
    )

    def __init__(self, *args, choose_agency: bool, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_agency:
            # Staff create their own agency's projects: there is nothing to choose.
            del self.fields["agency"]
        self.fields["indicators"].choices = [
            (indicator.pk, str(indicator)) for indicator in indicators
        ]

    def clean(self):
        cleaned = super().clean()
        for name in ("objectives", "strategy_links"):
            if name in cleaned:
                cleaned[name] = typed_lines(cleaned[name])
        return cleaned


class PlanStepForm(LengthLimitsMixin, forms.Form):
    step_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(
        label=_("ลำดับ"),
        min_value=1,
        max_value=999,
        required=False,
        error_messages={"invalid": _("กรอกตัวเลข"), "min_value": _("ต้องไม่น้อยกว่า 1")},
        widget=forms.NumberInput(attrs={"class": "plan__order", "min": "1"}),
    )
    title = forms.CharField(
        label=_("ขั้นตอน"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = percent_field(_("น้ำหนัก (ร้อยละ)"))
    starts_on = ThaiDateField(label=_("เริ่มต้น"), required=False)
    ends_on = ThaiDateField(label=_("สิ้นสุด"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].widget.attrs["class"] = "plan__weight"
        # The editor is a table: each input is named by its column for screen readers.
        for form_field in self.fields.values():
            form_field.widget.attrs.setdefault("aria-label", str(form_field.label or ""))
        self.fields["starts_on"].widget.attrs["class"] = "plan__date"
        self.fields["ends_on"].widget.attrs["class"] = "plan__date"

    def clean(self):
        cleaned = super().clean()
        hidden_errors_to_form(self)
        if self.is_blank():
            return cleaned
        if cleaned.get("DELETE"):
            return cleaned
        if not (cleaned.get("title") or "").strip() and "title" not in self.errors:
            self.add_error("title", _("กรุณากรอกชื่อขั้นตอน"))
        if cleaned.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("กรุณากรอกน้ำหนัก (ร้อยละ 0–100)"))
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"))
        return cleaned

    def is_blank(self) -> bool:
        """An extra row left empty: not a step."""
        data = self.cleaned_data
        return not data.get("step_id") and not any(
            data.get(name) not in (None, "") for name in ("title", "weight", "starts_on", "ends_on")
        )


class BasePlanFormSet(forms.BaseFormSet):
    def to_rows(self) -> list[StepInput]:
        rows = []
        for position, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or form.is_blank():
                continue
            rows.append(
                StepInput(
                    step_id=data.get("step_id"),
                    order=data.get("order") or 1000 + position,
                    title=data.get("title") or "",
                    weight=data.get("weight") or Decimal(0),
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows

    def total(self) -> Decimal:
        """Sum of the weights of the rows that stay, as typed (for the running sum)."""
        total = Decimal(0)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE"):
                continue
            total += data.get("weight") or Decimal(0)
        return total


PlanFormSet = forms.formset_factory(
    PlanStepForm, formset=BasePlanFormSet, extra=2, can_delete=True, max_num=200
)


class PlanVersionForm(LengthLimitsMixin, forms.Form):
    plan_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # Issue 18: once the plan has a baseline, a change needs its reason (the service says so).
    reason = forms.CharField(
        label=_("เหตุผลที่ปรับแผน"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("แผนนี้อนุมัติเป็นแผนฐานแล้ว การแก้ไขจะส่งเป็นแผนฉบับใหม่ให้อนุมัติ"),
    )

    def clean(self):
        cleaned = super().clean()
        hidden_errors_to_form(self)
        return cleaned


class LoginForm(LengthLimitsMixin, AuthenticationForm):
    """Django's login form, with the username's length checked on the server (and not
    by the browser: LengthLimitsMixin).

    AuthenticationForm sets the length only as the input's maxlength, so a longer username
    went on to authenticate() and to django-axes, whose record of the failed attempt holds
    255 characters: PostgreSQL refused the row and the login answered 500."""
