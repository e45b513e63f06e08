"""Forms of the projects app: parse and check what was typed, in Thai; the rules of the
domain (deadlines, lower percent, conflicts) are in services.py."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from projects import evidence, thaidates, uploads
from projects.services import ReportInput, StepInput

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


TAMPERED = _("ข้อมูลที่ส่งมาไม่ครบหรือถูกแก้ไข กรุณาโหลดหน้านี้ใหม่ แล้วกรอกและบันทึกอีกครั้ง")


def hidden_errors_to_form(form: forms.Form) -> None:
    """A hidden input (entry, version) has no place on the page to show its error: say it
    with the form's own errors. Only a truncated or tampered post gets here."""
    if any(name in form.fields and form.fields[name].widget.is_hidden for name in form.errors):
        form.add_error(None, TAMPERED)


class ErrorsDescribedMixin:
    """A field in error points at its message (aria-describedby="<id>_error", before its
    help text), so that a screen reader reads the message with the field. The templates
    give the message that id (projects/_field.html, the evaluation rows)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is None or field.widget.is_hidden:
                continue
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            field.widget.attrs["aria-describedby"] = " ".join(ids)


class ThaiDateField(forms.Field):
    """A date typed as 22/09/2564 (dd/mm/BE) or 2021-09-22 (ISO); shown in BE."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "วว/ดด/ปปปป", "inputmode": "numeric", "maxlength": "20"}
            ),
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return thaidates.format_be(value)
        return value

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        value = str(value or "").strip()[:40]
        if not value:
            return None
        try:
            return thaidates.parse_date(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


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


class ProgressReportForm(ErrorsDescribedMixin, forms.Form):
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
    evidence = EvidenceField(label=_("ไฟล์หลักฐาน"), required=False)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, steps, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
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
        for name in hidden:
            del self.fields[name]
        # Typing in these updates the live preview (see hx-trigger in _report_form.html).
        for name in ("reported_on", "partial_percent", "percent"):
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
        )


class PreviewForm(ProgressReportForm):
    """The same fields, read leniently for the live preview: nothing is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False

    def clean(self):
        return self.cleaned_data


class MonthReopenForm(ErrorsDescribedMixin, forms.Form):
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


class PlanStepForm(forms.Form):
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


class PlanVersionForm(forms.Form):
    plan_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        hidden_errors_to_form(self)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked on the server too.

    AuthenticationForm sets the length only as the input's maxlength, so a longer username
    went on to authenticate() and to django-axes, whose record of the failed attempt holds
    255 characters: PostgreSQL refused the row and the login answered 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
