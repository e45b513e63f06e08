from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects import (
    money,
    strategy_admin,  # noqa: F401 (registers the strategy tree's admin)
)
from projects.admin_dates import ThaiDatesAdmin
from projects.admin_history import HistoryAdmin
from projects.budget_admin import BudgetTransferInline, ProjectBudgetForm
from projects.models import (
    Agency,
    ApprovalDelegation,
    EvidenceFile,
    FiscalYear,
    MonthReopening,
    Notification,
    PlanStep,
    PlanVersion,
    PlanVersionStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    ReportingDeadline,
    ReportSubmission,
    ReportTransition,
    StrategyLink,
    User,
)

admin.site.site_header = _("ผู้ดูแลระบบ · ระบบติดตามความคืบหน้าโครงการ กรุงเทพมหานคร")
admin.site.site_title = _("ผู้ดูแลระบบ BMA Progress")
admin.site.index_title = _("การจัดการข้อมูล")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("บทบาทในระบบ"), {"fields": ("role", "agency", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("บทบาทในระบบ"), {"fields": ("role", "agency")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "agency", "is_active")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "reports_need_approval")
    list_filter = ("reports_need_approval",)
    list_editable = ("reports_need_approval",)
    search_fields = ("code", "name", "short_name")


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year_be", "starts_on", "ends_on", "report_deadline_day")
    list_editable = ("report_deadline_day",)


class ObjectiveInline(admin.TabularInline):
    model = ProjectObjective
    extra = 0


class StrategyLinkInline(admin.TabularInline):
    model = StrategyLink
    extra = 0
    autocomplete_fields = ("node",)


class PlanStepInline(ThaiDatesAdmin, admin.TabularInline):
    model = PlanStep
    extra = 0


@admin.register(Project)
class ProjectAdmin(ThaiDatesAdmin, HistoryAdmin):
    form = ProjectBudgetForm
    list_display = (
        "code",
        "name",
        "agency",
        "fiscal_year",
        "responsible",
        "budget_allocated",
        "is_internal",
    )
    # is_internal: kept from the public pages (issue 17, projects.public); editable in the
    # list too, so that an administrator can mark several at once.
    list_editable = ("is_internal",)
    list_filter = ("is_internal", "fiscal_year", "agency", "budget_type", "budget_source")
    search_fields = ("code", "name")
    list_select_related = ("agency", "fiscal_year")
    inlines = [ObjectiveInline, StrategyLinkInline, PlanStepInline, BudgetTransferInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is PlanStep and formset.has_changed():
            _plan_changed(form.instance.pk)


@admin.register(ProgressEntry)
class ProgressEntryAdmin(ThaiDatesAdmin, HistoryAdmin):
    list_display = ("project", "reported_on", "percent", "created_by")
    list_filter = ("project__fiscal_year", "project__agency")
    search_fields = ("project__code", "project__name", "narrative")
    date_hierarchy = "reported_on"
    raw_id_fields = ("project",)
    list_select_related = ("project", "created_by")


@admin.register(PlanStep)
class PlanStepAdmin(ThaiDatesAdmin, HistoryAdmin):
    list_display = ("project", "order", "title", "weight", "starts_on", "ends_on")
    raw_id_fields = ("project",)
    list_select_related = ("project",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _plan_changed(obj.project_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _plan_changed(obj.project_id)


def _plan_changed(project_id) -> None:
    """A plan edited here must also refuse the stale saves of the plan editor."""
    Project.objects.filter(pk=project_id).update(plan_version=F("plan_version") + 1)


# --- Monthly reporting (issue 3): deadlines, reopenings, evidence -------------------------


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    """A month whose report is due on another day than the fiscal year's default."""

    list_display = ("period", "due_on", "note")
    date_hierarchy = "period"


@admin.register(MonthReopening)
class MonthReopeningAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    list_display = ("project", "period", "until", "reopened_by", "reopened_at")
    list_filter = ("period",)
    search_fields = ("project__code", "project__name", "reason")
    raw_id_fields = ("project",)
    list_select_related = ("project", "reopened_by")
    readonly_fields = ("reopened_by", "reopened_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reopened_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ThaiDatesAdmin, HistoryAdmin):
    """Read-only here: files are added through the report form, which checks their type,
    and downloaded through projects:evidence, never from MEDIA_URL."""

    list_display = ("original_name", "entry", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("entry__project", "uploaded_by")
    search_fields = ("original_name", "entry__project__code")
    readonly_fields = (
        "entry",
        "download",
        "original_name",
        "content_type",
        "extension",
        "size",
        "uploaded_by",
        "uploaded_at",
    )

    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("ดาวน์โหลด"))
    def download(self, obj):
        url = reverse("projects:evidence", args=[obj.entry.project.code, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


@admin.register(Notification)
class NotificationAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    """Read-only: notices are made from the data by `manage.py send_notifications`
    (projects/notifications/); here administrators see who was told what and whether the
    e-mail went (failed ones are sent by nobody again)."""

    list_display = ("created_at", "user", "kind", "title", "read_at", "email_state")
    list_filter = ("kind", "email_state")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "title")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Approval of monthly reports (issue 15) ------------------------------------------------
# Heads are users with the role หัวหน้าหน่วยงาน and their agency (UserAdmin above); whether
# an agency's reports need approval is on AgencyAdmin.


@admin.register(ApprovalDelegation)
class ApprovalDelegationAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    """A head hands approval to a deputy for a period (heads do it on their own page)."""

    list_display = ("agency", "head", "deputy", "starts_on", "ends_on", "note")
    list_filter = ("agency",)
    search_fields = ("agency__name", "head__username", "deputy__username", "note")
    raw_id_fields = ("head", "deputy")
    list_select_related = ("agency", "head", "deputy")
    date_hierarchy = "starts_on"


class RecordInline(ThaiDatesAdmin, admin.TabularInline):
    """A read-only table of the rows a service records with its parent (a report's moves,
    a plan version's steps): shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every field it shows (as an attribute, so that ThaiDatesAdmin shows its dates in BE).
        self.readonly_fields = self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    """Read-only: rows that only a service writes, after checking every move; the admin
    shows every field and adds, changes or deletes nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every field (as an attribute, so that ThaiDatesAdmin shows its dates in BE).
        self.readonly_fields = [_record_column(f) for f in self.model._meta.fields]
        # The fields shown by a column of their own stay out of the form.
        self.exclude = [f.__name__ for f in self.readonly_fields if callable(f)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _record_column(field):
    """How a read-only record shows ``field``: amounts as money (1,234.50), the ticked steps
    by their numbers and titles in the plan's order; any other field as Django shows it."""
    if money.is_amount_field(field):

        @admin.display(description=field.verbose_name)
        def column(obj):
            return money.format_amount(getattr(obj, field.name)) or "-"

    elif field.name == "completed_steps":

        @admin.display(description=field.verbose_name)
        def column(obj):
            steps = PlanStep.objects.filter(pk__in=obj.completed_steps).order_by("order", "pk")
            return " · ".join(map(str, steps)) or "-"  # ("1. สำรวจพื้นที่", as the step in progress)

    else:
        return field.name
    column.__name__ = field.name  # (its row's class: field-<name>)
    return column


class ReportTransitionInline(RecordInline):
    model = ReportTransition
    fields = ("at", "from_state", "to_state", "by", "comment")


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(RecordAdmin):
    """Read-only: a report moves between its states only through projects/approvals.py
    (the report form, the head's queue), which checks every move and records it."""

    list_display = ("project", "period", "state", "percent", "submitted_at", "is_late")
    list_filter = ("state", "is_late", "project__agency")
    search_fields = ("project__code", "project__name", "narrative")
    date_hierarchy = "period"
    list_select_related = ("project",)
    inlines = [ReportTransitionInline]


class PlanVersionStepInline(RecordInline):
    model = PlanVersionStep
    fields = ("order", "title", "weight", "starts_on", "ends_on")


@admin.register(PlanVersion)
class PlanVersionAdmin(RecordAdmin):
    """Read-only: versions are sent and decided only through projects/plan_versions.py
    (the plan editor, the versions page), which checks every move (issue 18)."""

    list_display = ("project", "number", "state", "is_baseline", "submitted_at", "decided_at")
    list_filter = ("state", "is_baseline", "project__agency")
    search_fields = ("project__code", "project__name", "reason")
    list_select_related = ("project",)
    inlines = [PlanVersionStepInline]
