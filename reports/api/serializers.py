"""What the API shows of each row. Amounts, percents and scores are decimal strings
("1234567.89"), exact as stored; dates ISO (CE), times ISO 8601 with the offset.

A serializer given ``context["public"]`` (an anonymous request) leaves out what
``projects.public`` keeps from the public and who evaluated (the comment of สยป.)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import (
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
)
from projects.models import Agency, FiscalYear, PlanStep, ProgressEntry, Project
from projects.public import PRIVATE_ENTRY_FIELDS, PRIVATE_PROJECT_FIELDS

# Beyond projects.public: who wrote an evaluation's comment is the evaluator's own word.
PRIVATE_EVALUATION_FIELDS = frozenset({"comment", "evaluated_by"})


class PublicAware(serializers.ModelSerializer):
    private_fields: frozenset[str] = frozenset()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("public"):
            for name in self.private_fields:
                data.pop(name, None)
        return data


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "short_name"]


class FiscalYearSerializer(serializers.ModelSerializer):
    starts_on = serializers.DateField(read_only=True, help_text="1 ต.ค. / 1 October")
    ends_on = serializers.DateField(read_only=True, help_text="30 ก.ย. / 30 September")

    class Meta:
        model = FiscalYear
        fields = ["year_be", "starts_on", "ends_on"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStep
        fields = ["order", "title", "weight", "starts_on", "ends_on"]


class TransferSerializer(serializers.Serializer):
    transferred_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=15, decimal_places=2)
    reason = serializers.CharField()


class BudgetSerializer(serializers.Serializer):
    allocated = serializers.DecimalField(max_digits=15, decimal_places=2)
    after_transfers = serializers.DecimalField(max_digits=15, decimal_places=2)
    type = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    transfers = TransferSerializer(many=True)


class ProjectSerializer(PublicAware):
    private_fields = PRIVATE_PROJECT_FIELDS

    agency = serializers.CharField(source="agency.code", help_text="รหัสหน่วยงาน / agency code")
    agency_name = serializers.CharField(source="agency.name")
    fiscal_year = serializers.IntegerField(source="fiscal_year.year_be", help_text="พ.ศ. / BE")
    objectives = serializers.SerializerMethodField()
    strategy_links = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    kpi_codes = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "agency",
            "agency_name",
            "fiscal_year",
            "rationale",
            "targets",
            "budget_code",
            "organisation_code",
            "responsible",
            "responsible_phone",
            "is_internal",
            "objectives",
            "strategy_links",
            "steps",
            "kpi_codes",
            "budget",
            "updated_at",
        ]
        extra_kwargs = {
            "responsible": {"required": False, "help_text": "เฉพาะผู้ใช้โทเค็น / token only"},
            "responsible_phone": {"required": False, "help_text": "เฉพาะผู้ใช้โทเค็น / token only"},
            "is_internal": {"required": False, "help_text": "เฉพาะผู้ใช้โทเค็น / token only"},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_objectives(self, project) -> list[str]:
        return [objective.text for objective in project.objectives.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_strategy_links(self, project) -> list[str]:
        return [link.text for link in project.strategy_links.all()]

    # Plain dicts, not a nested serializer: ten steps a project, fifty projects a page.
    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, project) -> list[dict]:
        return [
            {
                "order": step.order,
                "title": step.title,
                "weight": str(step.weight),
                "starts_on": step.starts_on and step.starts_on.isoformat(),
                "ends_on": step.ends_on and step.ends_on.isoformat(),
            }
            for step in project.steps.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_kpi_codes(self, project) -> list[str]:
        return [indicator.code for indicator in project.api_indicators]

    @extend_schema_field(BudgetSerializer(allow_null=True))
    def get_budget(self, project) -> dict | None:
        if not project.has_budget:
            return None
        return {
            "allocated": str(project.budget_allocated),
            "after_transfers": str(project.budget_after_transfers()),
            "type": project.budget_type.name if project.budget_type else None,
            "source": project.budget_source,
            "transfers": [
                {
                    "transferred_on": transfer.transferred_on.isoformat(),
                    "amount": str(transfer.amount),
                    "reason": transfer.reason,
                }
                for transfer in project.budget_transfers.all()
            ],
        }


class ProgressEntrySerializer(PublicAware):
    private_fields = PRIVATE_ENTRY_FIELDS

    project = serializers.CharField(source="project.code", help_text="รหัสโครงการ / project code")

    class Meta:
        model = ProgressEntry
        fields = [
            "project",
            "period",
            "reported_on",
            "percent",
            "narrative",
            "problems",
            "obstacles",
            "is_late",
            "committed",
            "disbursed",
            "updated_at",
        ]


class QuarterEvaluationSerializer(PublicAware):
    private_fields = PRIVATE_EVALUATION_FIELDS

    project = serializers.CharField(source="project.code")
    fiscal_year = serializers.IntegerField(source="project.fiscal_year.year_be")

    class Meta:
        model = QuarterEvaluation
        fields = [
            "project",
            "fiscal_year",
            "quarter",
            "result_value",
            "project_score",
            "criterion_21",
            "criterion_22",
            "comment",
            "evaluated_at",
        ]
        extra_kwargs = {"comment": {"required": False}}


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorLevel
        fields = ["level", "description"]


class IndicatorSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "label",
            "name",
            "kind",
            "result_level",
            "unit",
            "target_level",
            "achieved_level",
            "definition",
            "levels",
            "updated_at",
        ]


class IndicatorResultSerializer(PublicAware):
    private_fields = PRIVATE_EVALUATION_FIELDS

    kpi = serializers.CharField(source="indicator.code", help_text="รหัสตัวชี้วัด / KPI code")
    fiscal_year = serializers.IntegerField(source="fiscal_year.year_be")

    class Meta:
        model = IndicatorQuarterResult
        fields = [
            "kpi",
            "fiscal_year",
            "quarter",
            "achieved_level",
            "criterion_21",
            "criterion_22",
            "comment",
            "evaluated_at",
        ]
        extra_kwargs = {"comment": {"required": False}}
