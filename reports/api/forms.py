from django import forms
from django.utils.translation import gettext_lazy as _

from projects.form_helpers import ErrorsDescribedMixin, LengthLimitsMixin, ThaiDateField


class TokenForm(ErrorsDescribedMixin, LengthLimitsMixin, forms.Form):
    name = forms.CharField(
        label=_("ชื่อโทเค็น"),
        max_length=100,
        help_text=_("เช่น ระบบ BI ของสำนัก หรือ สคริปต์ดึงข้อมูลรายเดือน"),
        error_messages={"required": _("กรุณาตั้งชื่อโทเค็น")},
    )
    expires_on = ThaiDateField(
        label=_("ใช้ได้ถึงวันที่ (ไม่บังคับ)"),
        required=False,
        help_text=_("วว/ดด/ปปปป เว้นว่างไว้หากไม่ต้องการให้หมดอายุ"),
    )
