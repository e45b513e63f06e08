from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, QuarterEvaluation


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
