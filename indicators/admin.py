from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import (
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)


class IndicatorLevelInline(admin.TabularInline):
    model = IndicatorLevel
    extra = 0
    max_num = 5


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "label",
        "name",
        "kind",
        "result_level",
        "target_level",
        "achieved_level",
    )
    list_filter = ("kind", "result_level")
    search_fields = ("code", "label", "name")
    filter_horizontal = ("projects",)
    inlines = [IndicatorLevelInline]


@admin.register(QuarterEvaluation)
class QuarterEvaluationAdmin(SimpleHistoryAdmin):
    list_display = (
        "project",
        "quarter",
        "result_value",
        "criterion_21",
        "criterion_22",
        "project_score",
        "evaluated_by",
    )
    list_filter = ("quarter", "project__fiscal_year")
    search_fields = ("project__code", "project__name")
    raw_id_fields = ("project",)
    list_select_related = ("project", "evaluated_by")
    readonly_fields = ("version",)


@admin.register(IndicatorQuarterResult)
class IndicatorQuarterResultAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "fiscal_year", "quarter", "achieved_level", "evaluated_by")
    list_filter = ("fiscal_year", "quarter")
    search_fields = ("indicator__code", "indicator__name")
    raw_id_fields = ("indicator",)
    list_select_related = ("indicator", "fiscal_year", "evaluated_by")
    readonly_fields = ("version",)


class QuarterLockEventInline(admin.TabularInline):
    model = QuarterLockEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "by", "at", "reason")

    def has_add_permission(self, request, obj=None):
        # Closing and reopening go through the evaluation screen, which records who and why.
        return False


@admin.register(QuarterLock)
class QuarterLockAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "quarter", "is_locked", "locked_by", "locked_at")
    list_filter = ("fiscal_year", "is_locked")
    readonly_fields = ("fiscal_year", "quarter", "is_locked", "locked_by", "locked_at")
    inlines = [QuarterLockEventInline]

    def has_add_permission(self, request):
        return False
