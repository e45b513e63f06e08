"""Import pages (issue 8): upload → preview → confirm, for pages of today's system
(administrators) and for the annual-plan workbook (administrators, and staff for their
own agency); the workbook's template and export (everybody who may read).

Nothing is written before confirmation. The upload is kept server-side
(projects/imports/batches.py) behind a signed token in the URL; the preview (GET) and the
confirmation (POST) both compare it with the database as it is then. The confirmation
carries the preview's digest: when the database changed in between, nothing is written
and the new preview is shown instead.

The workbook is read once, at its upload (issue 12): a file that cannot be read at all
(damaged, a zip bomb, too slow to read) is refused there, next to the field; otherwise
the rows read are kept with the batch, and the preview, its reloads and the confirmation
use them without parsing the file again.

The upload views are ``csrf_exempt`` only so that their limits on files
(projects/uploads.py) are set before the body is read; ``csrf_protect`` then checks the token as usual
(Django's documented pattern for custom upload handlers).
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from projects import permissions, uploads
from projects.imports import (
    batches,
    page_parser,
    services,
    workbook_columns,
    workbook_read,
    workbook_rows,
    workbook_write,
)
from projects.imports.forms import PageUploadForm, PlanExportForm, PlanUploadForm
from projects.models import Agency, FiscalYear

PAGES = "pages"
PLAN = "plan"
PREVIEW_PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _upload_limits(*, files: int, file_bytes: int, total_bytes: int | None = None):
    """Limits on an upload's files; all of them together never above the site's total."""
    site_total = settings.BMA_UPLOAD_MAX_REQUEST_BYTES
    return uploads.UploadLimits(
        files=files,
        file_bytes=file_bytes,
        total_bytes=site_total if total_bytes is None else min(total_bytes, site_total),
    )


def _read_upload(request, limits: uploads.UploadLimits) -> str:
    """Read the multipart body with ``limits`` on its files; a Thai message when Django
    refuses it."""
    refused = uploads.read_body(request, limits)
    if refused == uploads.TOO_MANY_FILES:
        return _(
            "ส่งไฟล์ได้ครั้งละไม่เกิน %(count)s ไฟล์ กรุณาแบ่งส่งหลายครั้ง "
            "หรือให้ผู้ดูแลระบบใช้คำสั่ง manage.py import_bma_page"
        ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    if refused == uploads.TOO_MUCH_DATA:
        return _("ข้อมูลในแบบฟอร์มใหญ่เกินกำหนด")
    return ""


@login_required
def index(request):
    _require(permissions.can_read(request.user))
    user = request.user
    return render(
        request,
        "imports/index.html",
        {
            "can_import_pages": permissions.can_import_pages(user),
            "can_import_plan": permissions.can_use_imports(user),
            "can_import_strategy": permissions.can_import_strategy(user),
            "export_form": PlanExportForm(user=user),
        },
    )


# --- pages of today's system -----------------------------------------------------------------


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def pages_upload(request):
    _require(permissions.can_import_pages(request.user))
    if request.method == "POST":
        limits = _upload_limits(
            files=settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            file_bytes=page_parser.MAX_PAGE_BYTES,
            total_bytes=page_parser.MAX_UPLOAD_BYTES,
        )
        if refused := _read_upload(request, limits):
            # Django refused the body (so the CSRF token in it is unreadable too): say why.
            # Nothing was stored or written, so this answer needs no CSRF check.
            form = PageUploadForm(data={}, files={})
            form.is_valid()
            form.errors["files"] = form.error_class([refused])
            return render(request, "imports/pages_upload.html", {"form": form})
    return _pages_upload(request)


@csrf_protect
def _pages_upload(request):
    form = PageUploadForm()
    if request.method == "POST":
        form = PageUploadForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
            token = batches.store(user=request.user, kind=PAGES, files=files)
            return redirect("imports:pages_preview", token=token)
    return render(request, "imports/pages_upload.html", {"form": form})


def _plans_digest(plans) -> str:
    text = repr(
        [(p.source, [(c.model, c.key, c.action, c.fields) for c in p.changes]) for p in plans]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Stale(Exception):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def pages_preview(request, token):
    _require(permissions.can_import_pages(request.user))
    try:
        batch = batches.load(token, user=request.user, kind=PAGES)
    except batches.BatchError as error:
        return _batch_error(request, error, reverse("imports:pages"))
    stale = False
    if request.method == "POST":
        posted = request.POST.get("digest", "")
        try:
            with transaction.atomic():
                plans = services.bma_pages_import(
                    pages=batch.files, dry_run=False, user=request.user
                )
                if all(plan.applied for plan in plans) and _plans_digest(plans) != posted:
                    raise _Stale
        except _Stale:
            stale = True
            plans = None
        if plans is not None and all(plan.applied for plan in plans):
            batches.discard(batch)
            created = sum(plan.counts["created"] for plan in plans)
            updated = sum(plan.counts["updated"] for plan in plans)
            deleted = sum(plan.counts["deleted"] for plan in plans)
            messages.success(
                request,
                _(
                    "นำเข้าหน้าโครงการแล้ว %(files)s ไฟล์: สร้าง %(created)s แก้ไข %(updated)s "
                    "ลบ %(deleted)s รายการ"
                )
                % {"files": len(plans), "created": created, "updated": updated, "deleted": deleted},
            )
            codes = [plan.project_code for plan in plans]
            if len(codes) == 1:
                return redirect("projects:detail", code=codes[0])
            return redirect("projects:list")
    if request.method == "GET" or stale:
        plans = services.bma_pages_import(pages=batch.files, dry_run=True, user=request.user)
    problems = [(plan.source, problem) for plan in plans for problem in plan.problems]
    return render(
        request,
        "imports/pages_preview.html",
        {
            "token": token,
            "plans": plans,
            "problems": problems,
            "stale": stale,
            "digest": _plans_digest(plans),
            "has_changes": any(
                plan.counts["created"] or plan.counts["updated"] or plan.counts["deleted"]
                for plan in plans
            ),
            "totals": _totals([plan.counts for plan in plans]),
        },
        status=409 if stale else 200,
    )


def _totals(counts_list) -> dict[str, int]:
    totals = dict.fromkeys(("created", "updated", "deleted", "unchanged", "kept"), 0)
    for counts in counts_list:
        for action in totals:
            totals[action] += counts.get(action, 0)
    return totals


def _batch_error(request, error, upload_url):
    return render(
        request,
        "imports/batch_error.html",
        {"message": str(error), "upload_url": upload_url},
        status=410,
    )


# --- the annual-plan workbook ----------------------------------------------------------------


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request):
    _require(permissions.can_use_imports(request.user))
    if request.method == "POST":
        limits = _upload_limits(files=1, file_bytes=workbook_read.max_file_bytes())
        if refused := _read_upload(request, limits):
            # As in pages_upload: nothing stored or written, no CSRF check needed.
            form = PlanUploadForm(data={}, files={}, user=request.user)
            form.is_valid()
            form.errors["file"] = form.error_class([refused])
            return render(request, "imports/plan_upload.html", {"form": form})
    return _plan_upload(request)


@csrf_protect
def _plan_upload(request):
    user = request.user
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            fiscal_year = form.cleaned_data["fiscal_year"]
            _require(permissions.can_import_plan(user, agency))
            upload = form.cleaned_data["file"]
            data = upload.read()
            rows = workbook_read.read(
                data, agency_code=agency.code, fiscal_year_be=fiscal_year.year_be
            )
            if problem := rows.file_problem:
                form.add_error("file", problem.message)
            else:
                token = batches.store(
                    user=user,
                    kind=PLAN,
                    files=[(upload.name, data)],
                    params={"agency": agency.code, "year": fiscal_year.year_be},
                    rows=rows.as_json(),
                )
                return redirect("imports:plan_preview", token=token)
    else:
        form = PlanUploadForm(user=user)
    return render(request, "imports/plan_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_preview(request, token):
    user = request.user
    _require(permissions.can_use_imports(user))
    try:
        batch = batches.load(token, user=user, kind=PLAN)
        agency = Agency.objects.get(code=batch.params["agency"])
        fiscal_year = FiscalYear.objects.get(year_be=batch.params["year"])
        rows = workbook_rows.ReadResult.from_json(batch.rows)
    except batches.BatchError as error:
        return _batch_error(request, error, reverse("imports:plan"))
    except (Agency.DoesNotExist, FiscalYear.DoesNotExist, KeyError):
        return _batch_error(
            request,
            _("ไม่พบหน่วยงานหรือปีงบประมาณของไฟล์ชุดนี้แล้ว กรุณาอัปโหลดใหม่"),
            reverse("imports:plan"),
        )
    except (TypeError, ValueError):  # no rows kept, or not rows of this version
        return _batch_error(request, _("ไฟล์ที่อัปโหลดไว้เสียหาย กรุณาอัปโหลดใหม่"), reverse("imports:plan"))
    _require(permissions.can_import_plan(user, agency))
    name = batch.names[0]
    if request.method == "POST":
        plan = services.plan_spreadsheet_import(
            read_result=rows,
            agency=agency,
            fiscal_year=fiscal_year,
            dry_run=False,
            user=user,
            expected_digest=request.POST.get("digest", ""),
        )
        if plan.applied:
            batches.discard(batch)
            counts = plan.counts
            messages.success(
                request,
                _(
                    "นำเข้าแผนปฏิบัติราชการของ %(agency)s ปีงบประมาณ %(year)s แล้ว: "
                    "โครงการใหม่ %(new)s แก้ไข %(changed)s · รายการที่สร้าง %(created)s "
                    "แก้ไข %(updated)s ลบ %(deleted)s"
                )
                % {
                    "agency": agency.name,
                    "year": fiscal_year.year_be,
                    "new": plan.project_counts["created"],
                    "changed": plan.project_counts["updated"],
                    "created": counts["created"],
                    "updated": counts["updated"],
                    "deleted": counts["deleted"],
                },
            )
            query = urlencode({"agency": agency.code, "year": fiscal_year.year_be})
            return redirect(f"{reverse('projects:list')}?{query}")
        if plan.stale:
            stale = True
            plan = services.plan_spreadsheet_import(
                read_result=rows, agency=agency, fiscal_year=fiscal_year, dry_run=True, user=user
            )
        else:
            stale = False
    else:
        stale = False
        plan = services.plan_spreadsheet_import(
            read_result=rows, agency=agency, fiscal_year=fiscal_year, dry_run=True, user=user
        )
    outcomes = Paginator(plan.projects, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/plan_preview.html",
        {
            "token": token,
            "file_name": name,
            "agency": agency,
            "fiscal_year": fiscal_year,
            "plan": plan,
            "page": outcomes,
            "stale": stale,
        },
        status=409 if stale else 200,
    )


@login_required
def plan_template(request):
    _require(permissions.can_download_plan_template(request.user))
    return _xlsx_response(workbook_write.template_workbook(), "plan-template.xlsx")


@login_required
def plan_export(request):
    user = request.user
    # Another agency's plan: 403, not "no such agency" (the form offers only one's own).
    asked = Agency.objects.filter(code=str(request.GET.get("agency", ""))).first()
    if asked is not None:
        _require(permissions.can_export_plan(user, asked))
    form = PlanExportForm(request.GET or None, user=user)
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["agency"]
        fiscal_year = form.cleaned_data["fiscal_year"]
        _require(permissions.can_export_plan(user, agency))
        data = services.plan_spreadsheet_export(agency=agency, fiscal_year=fiscal_year)
        return _xlsx_response(
            data, workbook_write.export_filename(agency=agency, fiscal_year=fiscal_year)
        )
    _require(permissions.can_read(user))
    return render(request, "imports/plan_export.html", {"form": form})


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=workbook_columns.WORKBOOK_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
