from django import forms
from django.utils.translation import gettext_lazy as _

from projects import permissions
from projects.models import Agency, FiscalYear
from reports.models import ReportJob

QUARTER_CHOICES = [("", _("ทั้งปีงบประมาณ"))] + [(q, _("ไตรมาสที่ %d") % q) for q in range(1, 5)]


class ReportRequestForm(forms.Form):
    """Order an agency or whole-BMA report. Staff see only their own agency and cannot
    order the whole-BMA report; the rules are in projects/permissions.py."""

    kind = forms.ChoiceField(
        label=_("รายงาน"), choices=ReportJob.Kind.choices, initial=ReportJob.Kind.AGENCY
    )
    agency = forms.ModelChoiceField(
        label=_("หน่วยงาน"), queryset=Agency.objects.none(), required=False, empty_label="—"
    )
    fiscal_year = forms.ModelChoiceField(
        label=_("ปีงบประมาณ"), queryset=FiscalYear.objects.all(), empty_label=None
    )
    quarter = forms.TypedChoiceField(
        label=_("ช่วงเวลา"),
        choices=QUARTER_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    format = forms.ChoiceField(
        label=_("รูปแบบไฟล์"), choices=ReportJob.Format.choices, initial=ReportJob.Format.PDF
    )
    thai_digits = forms.BooleanField(label=_("ใช้เลขไทย (๐–๙) ใน PDF"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if permissions.can_request_bma_report(user):
            self.fields["agency"].queryset = Agency.objects.all()
        else:
            self.fields["kind"].choices = [
                c for c in ReportJob.Kind.choices if c[0] == ReportJob.Kind.AGENCY
            ]
            self.fields["agency"].queryset = Agency.objects.filter(pk=user.agency_id)
            self.fields["agency"].initial = user.agency_id
            self.fields["agency"].empty_label = None

    def clean(self):
        data = super().clean()
        kind, agency = data.get("kind"), data.get("agency")
        if kind == ReportJob.Kind.AGENCY:
            if agency is None:
                self.add_error("agency", _("กรุณาเลือกหน่วยงาน"))
            elif not permissions.can_request_agency_report(self.user, agency):
                self.add_error("agency", _("คุณสั่งพิมพ์รายงานของหน่วยงานนี้ไม่ได้"))
        elif kind == ReportJob.Kind.BMA:
            if not permissions.can_request_bma_report(self.user):
                self.add_error("kind", _("คุณสั่งพิมพ์รายงานภาพรวมกรุงเทพมหานครไม่ได้"))
            data["agency"] = None
        return data
