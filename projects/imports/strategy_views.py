"""Importing the strategy tree from a workbook (issue 18), for administrators:
upload → preview (every change, every error in Thai by row and column) → confirm.

The file is read once, at the upload (projects/imports/strategy_read.py); the rows read
travel to the confirmation signed in the form (django.core.signing, an hour), so nothing
is stored before confirmation, and the confirmation checks them again against the tree
as it is then (strategy_services.strategy_nodes_upsert: all or nothing, upsert by code).

``tree_upload`` is ``csrf_exempt`` only so that its limits on files (projects/uploads.py)
are set before the body is read; ``csrf_protect`` then checks the token as usual.
"""

import dataclasses

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from projects import permissions, strategy_services, uploads
from projects.imports import strategy_read, workbook_columns, workbook_read
from projects.imports.views import _read_upload, _require, _upload_limits

SALT = "strategy-tree-import"
MAX_AGE = 3600


class TreeUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ไฟล์ยุทธศาสตร์ (.xlsx): คอลัมน์ ระดับ รหัส ชื่อ รหัสแม่"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx," + workbook_columns.WORKBOOK_CONTENT_TYPE}
        ),
        error_messages={
            "required": gettext_lazy("กรุณาเลือกไฟล์ Excel (.xlsx)"),
            "empty": gettext_lazy("ไฟล์ที่เลือกว่างเปล่า"),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if refusals := uploads.refusal_messages([upload]):
            raise forms.ValidationError(refusals)
        upload.seek(0)
        if message := workbook_read.check_file(head=upload.read(8), size=upload.size):
            raise forms.ValidationError(message)
        upload.seek(0)
        return upload


@csrf_exempt
@login_required
def tree_upload(request):
    _require(permissions.can_import_strategy(request.user))
    if request.method == "POST":
        limits = _upload_limits(files=1, file_bytes=settings.BMA_IMPORT_MAX_XLSX_BYTES)
        if refused := _read_upload(request, limits):
            form = TreeUploadForm(data={}, files={})
            form.is_valid()
            form.errors["file"] = form.error_class([refused])
            return render(request, "imports/strategy_upload.html", {"form": form})
    return _tree_upload(request)


@csrf_protect
def _tree_upload(request):
    form = TreeUploadForm()
    context = {"form": form}
    if request.method == "POST":
        form = TreeUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            read = strategy_read.read(form.cleaned_data["file"].read())
            changes, errors = strategy_services.strategy_rows_check(read.rows)
            errors = read.problems + errors
            context.update(
                changes=changes,
                errors=sorted(errors, key=lambda e: e.row),
                counts={
                    action: sum(1 for c in changes if c.action == action)
                    for action in ("create", "update", "same")
                },
                payload=None
                if errors or not read.rows
                else signing.dumps(
                    [dataclasses.astuple(row) for row in read.rows], salt=SALT, compress=True
                ),
            )
    return render(request, "imports/strategy_upload.html", context)


@login_required
@require_POST
def tree_confirm(request):
    _require(permissions.can_import_strategy(request.user))
    try:
        rows = [
            strategy_services.NodeRow(*row)
            for row in signing.loads(request.POST.get("payload", ""), salt=SALT, max_age=MAX_AGE)
        ]
    except (signing.BadSignature, TypeError, ValueError):
        messages.error(request, _("ข้อมูลตัวอย่างหมดอายุหรือไม่ถูกต้อง กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return redirect("imports:strategy")
    try:
        changes = strategy_services.strategy_nodes_upsert(rows=rows)
    except ValidationError as error:
        for message in error.messages[:20]:
            messages.error(request, message)
        return redirect("imports:strategy")
    messages.success(
        request,
        _("นำเข้ายุทธศาสตร์แล้ว: เพิ่ม %(created)s แก้ไข %(updated)s ไม่เปลี่ยน %(same)s รายการ")
        % {
            "created": sum(1 for c in changes if c.action == "create"),
            "updated": sum(1 for c in changes if c.action == "update"),
            "same": sum(1 for c in changes if c.action == "same"),
        },
    )
    if request.user.is_staff:  # the tree in the Django admin
        return redirect("admin:projects_strategynode_changelist")
    return redirect("imports:strategy")
