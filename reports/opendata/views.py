"""ข้อมูลเปิด: the open-data download page and its files, and the button that asks for a
fresh export. Files are built in the background (reports/opendata/services.py), never
inside a request: the page serves the newest finished export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects import permissions
from projects.permissions import require
from reports.opendata import jobs, services

CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}


def _visible(request) -> None:
    """Not found (rather than a login page) where the public may not see it."""
    if not permissions.can_view_open_data(request.user):
        raise Http404


@require_GET
def open_data_index(request):
    _visible(request)
    latest = services.open_data_latest()
    pending = services.open_data_pending()
    if latest is None and pending is None:
        pending = jobs.open_data_export_ensure()
    can_request = permissions.can_request_open_data(request.user)
    context = {
        "latest": latest,
        "pending": pending,
        "failure": services.open_data_failure() if can_request and not pending else None,
        "datasets": services.open_data_listing(latest),
        "can_request": can_request,
    }
    if request.htmx:
        response = render(request, "reports/open_data.html#status", context)
        if pending is None:
            response["HX-Refresh"] = "true"  # finished: the whole page lists the new files
        return response
    return render(request, "reports/open_data.html", context)


@require_GET
def open_data_file(request, name):
    _visible(request)
    latest = services.open_data_latest()
    stored = (latest.manifest.get("files", {}) if latest else {}).get(name)
    if stored is None:
        raise Http404(_("ยังไม่มีไฟล์นี้"))
    try:
        handle = default_storage.open(stored, "rb")
    except FileNotFoundError:
        raise Http404(_("ยังไม่มีไฟล์นี้")) from None
    suffix = name[name.rfind(".") :]
    return FileResponse(
        handle,
        as_attachment=suffix == ".csv",
        filename=name,
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


@login_required
@require(permissions.can_request_open_data)
@require_POST
def open_data_request(request):
    jobs.open_data_export_request(requested_by=request.user)
    messages.success(request, _("รับคำสั่งสร้างไฟล์ข้อมูลเปิดชุดใหม่แล้ว ระบบจะสร้างในเบื้องหลัง"))
    return redirect("opendata:index")
