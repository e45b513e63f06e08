from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.admin_dates import ThaiDatesAdmin
from reports.models import OpenDataExport, ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "agency",
        "fiscal_year",
        "quarter",
        "format",
        "status",
        "parts_done",
        "parts_total",
        "page_count",
        "retries",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind", "format", "fiscal_year"]
    list_select_related = ["agency", "fiscal_year", "requested_by"]
    readonly_fields = [
        "project_ids",
        "status",
        "parts_total",
        "parts_done",
        "error",
        "retries",
        "download",
        "page_count",
        "created_at",
        "started_at",
        "finished_at",
    ]
    date_hierarchy = "created_at"
    exclude = ["file"]

    @admin.display(description=_("ไฟล์รายงาน"))
    def download(self, job):
        """The file through the view that checks who asks (media is not served)."""
        if job.status != ReportJob.Status.DONE or not job.file:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:download", args=[job.pk]), job.download_name
        )


@admin.register(OpenDataExport)
class OpenDataExportAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    """Open-data exports (reports/opendata): built by the worker, read-only here."""

    list_display = [
        "pk",
        "status",
        "parts_done",
        "parts_total",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "status",
        "parts_total",
        "parts_done",
        "error",
        "folder",
        "manifest",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False
