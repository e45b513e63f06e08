"""Form helpers that any app's forms may use (indicators' do): errors read with their
field by screen readers, a hidden input's error said on the form, dates typed in BE and
numbers typed in Thai digits. They import nothing of the domain."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects import thaidates

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


class ThaiDecimalField(forms.DecimalField):
    default_error_messages = {
        "invalid": _("กรุณากรอกตัวเลข เช่น 85 หรือ 87.50"),
        "max_value": _("ต้องไม่เกิน %(limit_value)s"),
        "min_value": _("ต้องไม่น้อยกว่า %(limit_value)s"),
        "max_digits": _("ตัวเลขยาวเกินไป"),
        "max_decimal_places": _("ทศนิยมได้ไม่เกิน %(max)s ตำแหน่ง"),
        "max_whole_digits": _("ตัวเลขยาวเกินไป"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No min/max/step attributes: the browser would block Enter with its own message.
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            value = thaidates.arabic_digits(value).strip().replace(",", "")
        return super().to_python(value)
