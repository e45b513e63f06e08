from django.contrib import admin

from indicators.models import (
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)
from projects.admin_dates import ThaiDatesAdmin
from projects.admin_history import HistoryAdmin


class IndicatorLevelInline(admin.TabularInline):
    model = IndicatorLevel
    extra = 0
    max_num = 5


@admin.register(Indicator)
class IndicatorAdmin(ThaiDatesAdmin, HistoryAdmin):
    list_display = (
        "code",
        "label",
        "name",
        "kind",
        "result_level",
        "target_level",
        "achieved_level",
        "is_internal",
    )
    # is_internal: kept from the public pages (issue 17, indicators.public).
    list_editable = ("is_internal",)
    list_filter = ("is_internal", "kind", "result_level")
    search_fields = ("code", "label", "name")
    filter_horizontal = ("projects", "strategy_nodes")
    inlines = [IndicatorLevelInline]


class LockedQuarterReadOnly:
    """Rows of a closed quarter are read-only here too; an edit bumps ``version`` so that
    an evaluator who loaded the row before is refused rather than overwriting it."""

    def _locked(self, obj) -> bool:
        if obj is None:
            return False
        return QuarterLock.objects.filter(
            fiscal_year_id=self._fiscal_year_id(obj), quarter=obj.quarter, is_locked=True
        ).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(QuarterEvaluation)
class QuarterEvaluationAdmin(ThaiDatesAdmin, LockedQuarterReadOnly, HistoryAdmin):
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

    def _fiscal_year_id(self, obj):
        return obj.project.fiscal_year_id


@admin.register(IndicatorQuarterResult)
class IndicatorQuarterResultAdmin(ThaiDatesAdmin, LockedQuarterReadOnly, HistoryAdmin):
    list_display = ("indicator", "fiscal_year", "quarter", "achieved_level", "evaluated_by")
    list_filter = ("fiscal_year", "quarter")
    search_fields = ("indicator__code", "indicator__name")
    raw_id_fields = ("indicator",)
    list_select_related = ("indicator", "fiscal_year", "evaluated_by")
    readonly_fields = ("version",)

    def _fiscal_year_id(self, obj):
        return obj.fiscal_year_id


class QuarterLockEventInline(ThaiDatesAdmin, admin.TabularInline):
    model = QuarterLockEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "by", "at", "reason")

    def has_add_permission(self, request, obj=None):
        # Closing and reopening go through the evaluation screen, which records who and why.
        return False


@admin.register(QuarterLock)
class QuarterLockAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    list_display = ("fiscal_year", "quarter", "is_locked", "locked_by", "locked_at")
    list_filter = ("fiscal_year", "is_locked")
    readonly_fields = ("fiscal_year", "quarter", "is_locked", "locked_by", "locked_at")
    inlines = [QuarterLockEventInline]

    def has_add_permission(self, request):
        return False
