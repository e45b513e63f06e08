from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    Agency,
    FiscalYear,
    PlanStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    StrategyLink,
    User,
)

admin.site.site_header = _("BMA Progress: ผู้ดูแลระบบ")
admin.site.site_title = _("BMA Progress")
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
    list_display = ("code", "name", "short_name")
    search_fields = ("code", "name", "short_name")


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year_be", "starts_on", "ends_on")


class ObjectiveInline(admin.TabularInline):
    model = ProjectObjective
    extra = 0


class StrategyLinkInline(admin.TabularInline):
    model = StrategyLink
    extra = 0


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "agency", "fiscal_year", "responsible")
    list_filter = ("fiscal_year", "agency")
    search_fields = ("code", "name")
    list_select_related = ("agency", "fiscal_year")
    inlines = [ObjectiveInline, StrategyLinkInline, PlanStepInline]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    list_display = ("project", "reported_on", "percent", "created_by")
    list_filter = ("project__fiscal_year", "project__agency")
    search_fields = ("project__code", "project__name", "narrative")
    date_hierarchy = "reported_on"
    raw_id_fields = ("project",)
    list_select_related = ("project", "created_by")


@admin.register(PlanStep)
class PlanStepAdmin(SimpleHistoryAdmin):
    list_display = ("project", "order", "title", "weight", "starts_on", "ends_on")
    raw_id_fields = ("project",)
    list_select_related = ("project",)
