"""Form helpers that any app's forms may use (indicators' do): errors read with their
field by screen readers, a hidden input's error said on the form, texts checked against
their length by the server only, dates typed in BE and numbers typed in Thai digits. They
import nothing of the domain."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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


class TextLengthValidator(MaxLengthValidator):
    """A text longer than its limit, said with both numbers (60,000 and 20,000). A line
    break counts as one character, as the page's counter counts it (static/js/forms.js):
    browsers send it as CR LF."""

    message = _("ข้อความยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร กรุณาตัดให้สั้นลง")

    def clean(self, x):
        return len(x.replace("\r\n", "\n"))

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"length": f"{length:,}", "limit": f"{self.limit_value:,}"},
            )


def limit_lengths(form: forms.BaseForm) -> None:
    """Each field with a ``max_length`` is checked by the server only (TextLengthValidator),
    and tells the page its limit as ``data-maxlength`` for the live counter. No
    ``maxlength`` attribute: the browser would cut a pasted text at the limit without a word,
    and the person would save the first 20,000 characters of 60,000 unknowingly."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if limit is None or field.widget.is_hidden:
            continue
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-maxlength"] = str(limit)
        field.validators = [
            v for v in field.validators if not isinstance(v, MaxLengthValidator)
        ] + [TextLengthValidator(limit)]


class LengthLimitsMixin:
    """limit_lengths() for the form's declared fields; a form that adds fields in its
    ``__init__`` calls limit_lengths(self) after adding them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_lengths(self)


class ThaiDateInput(forms.TextInput):
    """The box of a ThaiDateField: วว/ดด/ปปปป as its placeholder, digits on a phone's
    keyboard. No maxlength: a longer paste is refused whole, with what was typed in view."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("วว/ดด/ปปปป"), "inputmode": "numeric", **(attrs or {})})


class ThaiDateField(forms.Field):
    """A date typed as 22/09/2564 (dd/mm/BE) or 2021-09-22 (ISO); shown in BE."""

    widget = ThaiDateInput

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
