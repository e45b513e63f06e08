"""A project's evidence files, reopening its months, its change history, and the
monthly status of an agency (หน่วยงานของฉัน)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import (
    approvals,
    permissions,
    rates,
    reporting,
    services,
    thaidates,
    view_helpers,
)
from projects.forms import (
    MonthReopenForm,
)
from projects.models import (
    Agency,
    EvidenceFile,
    FiscalYear,
    ProgressEntry,
)


@login_required
def evidence_download(request, code, pk):
    """An evidence file, always as a download with its checked type: never rendered by the
    browser (nosniff, attachment, sandboxed)."""
    # A file of an approved report (its entry), or of a report awaiting approval.
    evidence_file = get_object_or_404(
        EvidenceFile.objects.select_related("entry__project", "submission__project").filter(
            Q(entry__project__code=code) | Q(submission__project__code=code)
        ),
        pk=pk,
    )
    if not permissions.can_download_evidence(request.user, evidence_file):
        raise PermissionDenied
    try:
        handle = evidence_file.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("ไม่พบไฟล์")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence_file.original_name,
        content_type=evidence_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request, code, pk):
    """Remove an evidence file: of the month's report (no approval), or of a report not yet
    approved, while it is a draft or returned to be corrected (approvals)."""
    evidence_file = get_object_or_404(
        EvidenceFile.objects.select_related(
            "entry__project__fiscal_year", "submission__project__agency"
        ).filter(Q(entry__project__code=code) | Q(submission__project__code=code)),
        pk=pk,
    )
    if evidence_file.entry_id is None:
        return _submission_evidence_delete(request, code, evidence_file)
    project = evidence_file.entry.project
    if not permissions.can_report_progress(request.user, project):
        raise PermissionDenied
    services.evidence_file_remove(
        evidence=evidence_file, user=request.user, today=view_helpers.today()
    )
    if request.htmx:
        entry = reporting.entry_for_period(project, evidence_file.entry.period)
        return render(
            request,
            "projects/_report_form.html#evidence-list",
            {"project": project, "report": {"entry": entry, "can_report": True}},
        )
    return _evidence_removed(request, code, evidence_file, evidence_file.entry.period)


def _submission_evidence_delete(request, code, evidence_file):
    submission = evidence_file.submission
    project = submission.project
    if not permissions.can_report_progress(request.user, project):
        raise PermissionDenied
    try:
        approvals.submission_evidence_remove(
            evidence=evidence_file, user=request.user, today=view_helpers.today()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.htmx:  # (the report is on its way to the head: show the page as it is)
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(reverse("projects:report", args=[code]) + f"?period={submission.period}")
    if request.htmx:
        return render(
            request,
            "projects/_report_form.html#evidence-list",
            {
                "project": project,
                "report": {
                    "approval": True,
                    "submission": submission,
                    "entry": submission.entry,
                    "can_report": True,
                },
            },
        )
    return _evidence_removed(request, code, evidence_file, submission.period)


def _evidence_removed(request, code, evidence_file, period):
    messages.success(request, _("ลบไฟล์ %(name)s แล้ว") % {"name": evidence_file.original_name})
    return redirect(reverse("projects:report", args=[code]) + f"?period={period}")


@login_required
def month_reopen(request, code):
    """สยป. reopens a locked month for this project (GET: the form on its own page)."""
    project = view_helpers.project_or_404(code)
    if not permissions.can_reopen_month(request.user, project):
        raise PermissionDenied
    today = view_helpers.today()
    choices = reporting.locked_months(project, today=today)
    if request.method == "POST":
        form = MonthReopenForm(request.POST, months=choices)
        if form.is_valid():
            try:
                reopening = services.month_reopen(
                    project=project,
                    period=form.cleaned_data["period"],
                    user=request.user,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("เปิดรับรายงานเดือน%(month)s ของโครงการนี้ถึงวันที่ %(until)s แล้ว")
                    % {
                        "month": thaidates.month_label(reopening.period),
                        "until": thaidates.format_be(reopening.until),
                    },
                )
                return redirect(reverse("projects:detail", args=[code]) + "#report")
    else:
        form = MonthReopenForm(
            months=choices, initial={"until": thaidates.format_be(today + dt.timedelta(days=7))}
        )
    return render(
        request,
        "projects/month_reopen.html",
        {
            "project": project,
            "form": form,
            "months": choices,
            "reopenings": reporting.recent_reopenings(project, limit=20),
        },
    )


@login_required
def project_changes(request, code):
    """ประวัติการแก้ไข: who changed what and when, old → new, newest first, paginated."""
    project = view_helpers.project_or_404(code)
    if not permissions.can_view_project_changes(request.user, project):
        raise PermissionDenied
    compact = request.GET.get("compact") == "1"
    page = reporting.change_history(
        project,
        request.GET.get("page"),
        per_page=5 if compact else None,
        evidence_names=permissions.can_open_evidence(request.user, project),
    )
    context = {"project": project, "changes": page, "compact": compact}
    template_name = "projects/project_changes.html"
    if request.htmx:
        template_name += "#changes-list"
    return render(request, template_name, context)


@login_required
def my_agency(request):
    """หน่วยงานของฉัน: this month's and last month's report status of each project of an
    agency, with one click to report. Staff see their own agency; สยป., executives and
    administrators choose one (the chooser lists only the agencies one may open)."""
    today = view_helpers.today()
    agencies = list(Agency.objects.all())
    agency = view_helpers.pick(agencies, "code", request.GET.get("agency")) or request.user.agency
    if agency is not None and not permissions.can_view_agency_status(request.user, agency):
        raise PermissionDenied
    agencies = [a for a in agencies if permissions.can_view_agency_status(request.user, a)]
    period = ProgressEntry.period_of(today)
    raw_month = request.GET.get("month") or ""
    if len(raw_month) == 7 and (month := view_helpers.period_param(raw_month)):
        period = min(month, period)
    periods = [thaidates.add_months(period, -1), period]
    context = {
        "agencies": agencies,
        "agency": agency,
        "periods": periods,
        "period": period,
        "today": today,
        "months": thaidates.fiscal_months(thaidates.fiscal_year_of(today)),
        "can_create_project": permissions.can_create_project(request.user, agency),
        "can_month_workbook": permissions.can_download_month_workbook(request.user, agency),
    }
    if agency is not None:
        page, rows = reporting.agency_month_status(
            agency,
            periods=periods,
            today=today,
            page_number=request.GET.get("page"),
            with_submissions=agency.reports_need_approval
            and permissions.can_see_agency_submissions(request.user, agency.pk),
        )
        for row in rows:
            for cell in row.months:
                cell.can_report = cell.state.reportable and permissions.can_report_month(
                    request.user, row.project, cell.state
                )
        context.update(page=page, rows=rows)
        context["rates"] = _agency_rates(agency, period, today)
    return render(request, "projects/my_agency.html", context)


def _agency_rates(agency, period, today):
    """The agency's reporting rates of the fiscal year of ``period`` (projects/rates.py),
    None when that year is not in the system."""
    fiscal_year = FiscalYear.objects.filter(year_be=thaidates.fiscal_year_of(period)).first()
    if fiscal_year is None:
        return None
    return rates.reporting_rates(fiscal_year, today=today, agency=agency)
