"""The month's reports in one workbook (issue 18 item 3): choose the month, download the
agency's workbook, upload it filled, see per project what will change and every error
with its cell, confirm (all or nothing). The rules: month_import.py.

The upload is kept as an import batch (projects/imports/batches.py) with the rows read
from it, so the preview and the confirmation never parse the file again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from projects import permissions, thaidates, view_helpers
from projects.imports import batches, month_data, month_import, month_read, month_write
from projects.imports.forms import MonthUploadForm
from projects.imports.views import _batch_error, _read_upload, _upload_limits, _xlsx_response
from projects.imports.workbook_read import max_file_bytes
from projects.models import Agency

MONTH = "month"


def _agency(request) -> Agency:
    """The agency asked for (``?agency=``: administrators choose), else the user's own.
    Never from the body: an upload's body is read only after its limits are set."""
    code = request.GET.get("agency")
    agency = Agency.objects.filter(code=str(code)).first() if code else request.user.agency
    if agency is None and not code and permissions.is_admin(request.user):
        agency = Agency.objects.order_by("code").first()  # the page's chooser offers the rest
    if agency is None:
        if code or permissions.is_admin(request.user):  # no agency of that code: not found
            raise Http404(_("กรุณาเลือกหน่วยงาน"))
        raise PermissionDenied
    if not permissions.can_download_month_workbook(request.user, agency):
        raise PermissionDenied
    return agency


def _month_choices(agency, today):
    return [
        (p.isoformat()[:7], thaidates.month_label(p))
        for p in month_data.open_months(agency, today=today)
    ]


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def month_page(request):
    """Choose the month, download its workbook; upload it filled (staff)."""
    agency = _agency(request)
    if request.method == "POST":
        if not permissions.can_upload_month_workbook(request.user, agency):
            raise PermissionDenied
        limits = _upload_limits(files=1, file_bytes=max_file_bytes())
        if refused := _read_upload(request, limits):
            form = MonthUploadForm(data={}, files={}, months=[])
            form.is_valid()
            form.errors["file"] = form.error_class([refused])
            return _render_page(request, agency, form)
    return _month_page(request, agency)


@csrf_protect
def _month_page(request, agency):
    today = view_helpers.today()
    choices = _month_choices(agency, today)
    form = MonthUploadForm(months=choices)
    if request.method == "POST":
        form = MonthUploadForm(request.POST, request.FILES, months=choices)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            read = month_read.read(data)
            period = form.cleaned_data["month"]
            if problem := read.file_problem:
                form.add_error("file", problem)
            else:
                token = batches.store(
                    user=request.user,
                    kind=MONTH,
                    files=[(upload.name, data)],
                    params={"agency": agency.code, "month": period.isoformat()},
                    rows=read.as_json(),
                )
                return redirect("imports:month_preview", token=token)
    return _render_page(request, agency, form)


def _render_page(request, agency, form):
    choices = form.fields["month"].choices or _month_choices(agency, view_helpers.today())
    return render(
        request,
        "imports/month.html",
        {
            "agency": agency,
            "form": form,
            "months": choices,
            "can_upload": permissions.can_upload_month_workbook(request.user, agency),
            "agencies": Agency.objects.all() if permissions.is_admin(request.user) else None,
        },
    )


@login_required
def month_download(request):
    agency = _agency(request)
    today = view_helpers.today()
    period = view_helpers.period_param(request.GET.get("month") or "")
    if period is None or period not in month_data.open_months(agency, today=today):
        messages.error(request, _("เดือนที่เลือกไม่เปิดรับรายงานแล้ว กรุณาเลือกเดือนที่เปิดรับรายงาน"))
        return redirect(f"{reverse('imports:month')}?{urlencode({'agency': agency.code})}")
    rows = month_data.writable(month_data.month_projects(agency, period, today=today))
    data = month_write.month_workbook(agency=agency, period=period, rows=rows, today=today)
    return _xlsx_response(data, month_write.filename(agency, period))


@login_required
@require_http_methods(["GET", "POST"])
def month_preview(request, token):
    user = request.user
    if not permissions.can_use_imports(user):
        raise PermissionDenied
    upload_url = reverse("imports:month")
    try:
        batch = batches.load(token, user=user, kind=MONTH)
        agency = Agency.objects.get(code=batch.params["agency"])
        period = view_helpers.period_param(batch.params["month"][:7])
        read = month_read.MonthRead.from_json(batch.rows)
    except batches.BatchError as error:
        return _batch_error(request, error, upload_url)
    except (Agency.DoesNotExist, KeyError, TypeError, ValueError):
        return _batch_error(request, _("ไฟล์ที่อัปโหลดไว้เสียหาย กรุณาอัปโหลดใหม่"), upload_url)
    if not permissions.can_upload_month_workbook(user, agency) or period is None:
        raise PermissionDenied
    confirm = request.method == "POST"
    result = month_import.month_report_import(
        read=read,
        agency=agency,
        period=period,
        user=user,
        today=view_helpers.today(),
        dry_run=not confirm,
        submit=request.POST.get("action") == "submit",
    )
    if result.applied:
        batches.discard(batch)
        saved = result.count(month_import.CHANGE)
        messages.success(
            request,
            _("บันทึกรายงานเดือน%(month)s จากไฟล์แล้ว %(count)s โครงการ")
            % {"month": thaidates.month_label(period), "count": saved},
        )
        query = urlencode({"agency": agency.code, "month": period.isoformat()[:7]})
        return redirect(f"{reverse('projects:my_agency')}?{query}")
    return render(
        request,
        "imports/month_preview.html",
        {
            "token": token,
            "file_name": batch.names[0],
            "agency": agency,
            "period": period,
            "result": result,
            "approval": agency.reports_need_approval,
            "month_label": thaidates.month_label(period),
            "changes": result.count(month_import.CHANGE),
            "same": result.count(month_import.SAME),
            "skip": result.count(month_import.SKIP),
            "error_rows": result.count(month_import.ERROR),
            "confirmed": confirm,
            "upload_url": f"{upload_url}?{urlencode({'agency': agency.code})}",
        },
        status=409 if confirm else 200,
    )
