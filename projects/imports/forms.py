"""Forms of the import pages (issue 8): pages of today's system, the annual-plan workbook,
its export. Errors in Thai next to the field; sizes are checked on what the bounded
upload handler let through (projects/uploads.py)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects import permissions, thaidates, uploads
from projects.imports import page_parser, workbook_columns, workbook_read
from projects.models import Agency, FiscalYear


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        items = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            single(None, initial)  # "required"
            return []
        return [single(item, initial) for item in items]


class PageUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("ไฟล์หน้าโครงการ (.txt)"),
        widget=MultipleFileInput(attrs={"accept": ".txt,text/plain"}),
        help_text=_(
            "หน้าความคืบหน้าโครงการของระบบเดิมที่บันทึกเป็นข้อความ (UTF-8) เลือกได้หลายไฟล์ "
            "ครั้งละไม่เกิน %(count)s ไฟล์ ไฟล์ละไม่เกิน %(size)s MB"
        )
        % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "size": page_parser.MAX_PAGE_BYTES // 1024 // 1024,
        },
        error_messages={
            "required": _("กรุณาเลือกไฟล์หน้าโครงการอย่างน้อยหนึ่งไฟล์"),
            "empty": _("ไฟล์ที่เลือกว่างเปล่า"),
        },
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if refusals := uploads.refusal_messages(files):
            raise forms.ValidationError(refusals)
        too_big = [f for f in files if getattr(f, "oversized", False)]
        if too_big:
            names = ", ".join(f"{f.name} ({_megabytes(f.size)})" for f in too_big)
            raise forms.ValidationError(
                _(
                    "ไฟล์ใหญ่เกิน %(limit)s MB ซึ่งเป็นขนาดสูงสุดของหน้าโครงการ: %(names)s "
                    "ไฟล์เหล่านี้ไม่ใช่หน้าโครงการที่บันทึกเป็นข้อความ นำออกแล้วอัปโหลดใหม่"
                )
                % {"limit": page_parser.MAX_PAGE_BYTES // 1024 // 1024, "names": names}
            )
        return files


class AgencyYearForm(forms.Form):
    """Agency and fiscal year: staff see only their own agency."""

    agency = forms.ModelChoiceField(
        label=_("หน่วยงาน"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        empty_label=_("— เลือกหน่วยงาน —"),
        error_messages={
            "required": _("กรุณาเลือกหน่วยงาน"),
            "invalid_choice": _("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์นำเข้าข้อมูลของหน่วยงานนี้"),
        },
    )
    fiscal_year = forms.ModelChoiceField(
        label=_("ปีงบประมาณ"),
        queryset=FiscalYear.objects.all(),
        to_field_name="year_be",
        empty_label=_("— เลือกปีงบประมาณ —"),
        error_messages={
            "required": _("กรุณาเลือกปีงบประมาณ"),
            "invalid_choice": _("ไม่พบปีงบประมาณนี้ในระบบ"),
        },
    )

    def __init__(self, *args, user, all_agencies: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.all()
        if not all_agencies and not permissions.is_admin(user):
            agencies = agencies.filter(pk=user.agency_id)
            if user.agency_id:
                self.fields["agency"].empty_label = None
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: f"{a.code} {a.name}"
        if not self.is_bound:
            # The current fiscal year, when the system has it.
            current = thaidates.fiscal_year_of(timezone.localdate())
            if FiscalYear.objects.filter(year_be=current).exists():
                self.fields["fiscal_year"].initial = current


class PlanUploadForm(AgencyYearForm):
    file = forms.FileField(
        label=_("ไฟล์แผนปฏิบัติราชการ (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx," + workbook_columns.WORKBOOK_CONTENT_TYPE}
        ),
        help_text=_("ใช้แม่แบบที่ดาวน์โหลดจากระบบ ขนาดไม่เกิน %(size)s MB")
        % {"size": settings.BMA_IMPORT_MAX_XLSX_BYTES // 1024 // 1024},
        error_messages={
            "required": _("กรุณาเลือกไฟล์ Excel (.xlsx)"),
            "empty": _("ไฟล์ที่เลือกว่างเปล่า"),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if refusals := uploads.refusal_messages([upload]):
            raise forms.ValidationError(refusals)
        if getattr(upload, "oversized", False):
            raise forms.ValidationError(
                workbook_read.check_file(head=b"PK\x03\x04", size=upload.size)
                or _("ไฟล์ใหญ่เกินกำหนด")
            )
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if message := workbook_read.check_file(head=head, size=upload.size):
            raise forms.ValidationError(message)
        return upload


class MonthUploadForm(forms.Form):
    """The month's workbook filled (issue 18): the month it is about, among those still
    open for reporting, and the file (checked as the plan workbook's)."""

    month = forms.TypedChoiceField(
        label=_("เดือนที่รายงาน"),
        coerce=lambda value: thaidates.parse_date(f"{value}-01"),
        error_messages={
            "required": _("กรุณาเลือกเดือนที่รายงาน"),
            "invalid_choice": _("เดือนที่เลือกไม่เปิดรับรายงานแล้ว"),
        },
    )
    file = forms.FileField(
        label=_("ไฟล์รายงานประจำเดือน (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx," + workbook_columns.WORKBOOK_CONTENT_TYPE}
        ),
        help_text=_("ไฟล์ที่ดาวน์โหลดจากหน้านี้และกรอกแล้ว"),
        error_messages={
            "required": _("กรุณาเลือกไฟล์ Excel (.xlsx)"),
            "empty": _("ไฟล์ที่เลือกว่างเปล่า"),
        },
    )

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = months

    clean_file = PlanUploadForm.clean_file


class PlanExportForm(AgencyYearForm):
    """The agencies whose plan ``user`` may export: all for สยป., executives and
    administrators, their own for staff (permissions.can_export_plan)."""

    def __init__(self, *args, user, **kwargs):
        all_agencies = permissions.oversees_every_agency(user)
        super().__init__(*args, user=user, all_agencies=all_agencies, **kwargs)
        if user.agency_id and not self.is_bound:
            self.fields["agency"].initial = user.agency.code
