from django.contrib import admin

from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
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
        "file",
        "page_count",
        "created_at",
        "started_at",
        "finished_at",
    ]
    date_hierarchy = "created_at"
