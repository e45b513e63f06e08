"""Printed reports: "พิมพ์ข้อมูล" of one project (HTML and PDF), and the page where agency
and whole-BMA reports are ordered, followed while a worker builds them, and downloaded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects import permissions
from projects.permissions import require
from reports import render as report_render
from reports import selectors, services
from reports.forms import ReportRequestForm
from reports.models import ReportJob


def _thai_digits(request) -> bool:
    return request.GET.get("digits") == "thai"


@login_required
@require(permissions.can_read)
def project_print(request, code):
    """ดูโครงการแผนปีฯ : พิมพ์ข้อมูล, as a page the browser can print."""
    report = selectors.project_report_for_code(code)
    html = report_render.project_print_html(
        report, pdf_mode=False, thai_digits=_thai_digits(request), request=request
    )
    return HttpResponse(html)


@login_required
@require(permissions.can_read)
def project_print_pdf(request, code):
    """The same report as an A4 PDF."""
    report = selectors.project_report_for_code(code)
    data = report_render.project_pdf(report, thai_digits=_thai_digits(request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.project.code}.pdf"'
    return response


@login_required
@require(permissions.can_use_reports)
@require_http_methods(["GET", "POST"])
def report_index(request):
    """Order an agency or whole-BMA report; the list of reports ordered, newest first."""
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.report_job_request(
            requested_by=request.user,
            kind=form.cleaned_data["kind"],
            fiscal_year=form.cleaned_data["fiscal_year"],
            quarter=form.cleaned_data["quarter"],
            agency=form.cleaned_data["agency"],
            file_format=form.cleaned_data["format"],
            thai_digits=form.cleaned_data["thai_digits"],
            language=translation.get_language(),
        )
        messages.success(request, _("รับคำสั่งสร้างรายงานแล้ว ระบบจะสร้างไฟล์ในเบื้องหลัง"))
        return redirect(f"{request.path}#job-{job.pk}")
    jobs = (
        ReportJob.objects.visible_to(request.user)
        .select_related("fiscal_year", "agency", "requested_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "reports/index.html", {"form": form, "page": page})


def _visible_job(request, pk) -> ReportJob:
    job = get_object_or_404(
        ReportJob.objects.select_related("fiscal_year", "agency", "requested_by"), pk=pk
    )
    if not permissions.can_download_report(request.user, job):
        raise PermissionDenied
    return job


@login_required
def report_job(request, pk):
    """One job: a page, or (htmx) its row, which polls itself until the job finishes."""
    job = _visible_job(request, pk)
    template_name = "reports/index.html#job" if request.htmx else "reports/job.html"
    return render(request, template_name, {"job": job, "now": timezone.now()})


@login_required
def report_job_download(request, pk):
    job = _visible_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404(_("รายงานนี้ยังไม่มีไฟล์"))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("ไฟล์รายงานถูกลบไปแล้ว")) from None
    return FileResponse(handle, as_attachment=True, filename=job.download_name)
