"""The read-only endpoints of /api/v1/: thin viewsets over ``api.access`` (which rows),
``api.filters`` (which of them), ``api.paging`` (a page) and ``api.serializers`` (what of
each). Every list costs the same few queries whatever the page size: the rows and one
prefetch per nested list (tests/test_api.py counts them)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from indicators.models import Indicator
from projects.models import Agency, FiscalYear
from reports.api import access, serializers
from reports.api.filters import ApiFilters
from reports.api.paging import ApiCursorPagination
from reports.api.polling import Polled
from reports.api.schema import ApiSchema


def _kpi_year(queryset, year_be):
    return queryset.of_year(FiscalYear.objects.filter(year_be=year_be).first())


def _kpi_agency(queryset, code):
    return queryset.of_agency(Agency(code=code))


class ApiListViewSet(Polled, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list (rows that have no page of their own: monthly reports, quarter results)."""

    permission_classes = [access.MayRead]
    filter_backends = [ApiFilters]
    pagination_class = ApiCursorPagination
    schema = ApiSchema()
    api_filters: dict = {}

    def get_serializer_context(self):
        public = not access.is_reader(self.request.user)
        return {**super().get_serializer_context(), "public": public}

    def list(self, request, *args, **kwargs):
        return self.polled(
            request, lambda: super(ApiListViewSet, self).list(request, *args, **kwargs)
        )


class ApiViewSet(mixins.RetrieveModelMixin, ApiListViewSet):
    """A list and each row by its key."""

    def retrieve(self, request, *args, **kwargs):
        return self.polled(
            request, lambda: super(ApiViewSet, self).retrieve(request, *args, **kwargs)
        )


@extend_schema_view(
    list=extend_schema(summary="หน่วยงาน / Agencies"),
    retrieve=extend_schema(summary="หน่วยงานหนึ่ง / One agency"),
)
class AgencyViewSet(ApiViewSet):
    queryset = Agency.objects.all()
    serializer_class = serializers.AgencySerializer
    lookup_field = "code"
    cursor_ordering = "code"
    api_filters = {"code": "code"}


@extend_schema_view(
    list=extend_schema(summary="ปีงบประมาณ / Fiscal years"),
    retrieve=extend_schema(summary="ปีงบประมาณหนึ่ง / One fiscal year"),
)
class FiscalYearViewSet(ApiViewSet):
    queryset = FiscalYear.objects.all()
    serializer_class = serializers.FiscalYearSerializer
    lookup_field = "year_be"
    cursor_ordering = "-year_be"
    api_filters = {"year": "year_be"}


@extend_schema_view(
    list=extend_schema(
        summary="โครงการ / Projects",
        description=(
            "โครงการพร้อมขั้นตอน วัตถุประสงค์ ยุทธศาสตร์ รหัสตัวชี้วัด และงบประมาณ (ถ้ามี) "
            "/ Projects with their plan steps, objectives, strategy links, KPI codes and "
            "budget (when they have one)."
        ),
    ),
    retrieve=extend_schema(summary="โครงการหนึ่ง / One project"),
)
class ProjectViewSet(ApiViewSet):
    serializer_class = serializers.ProjectSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    cursor_ordering = "code"
    api_filters = {
        "year": "fiscal_year__year_be",
        "agency": "agency__code",
        "code": "code",
        "updated_since": "updated_at__gte",
    }

    def get_queryset(self):
        user = self.request.user
        return (
            access.projects(user)
            .select_related("agency", "fiscal_year", "budget_type")
            .prefetch_related(
                "objectives",
                "strategy_links",
                "steps",
                "budget_transfers",
                Prefetch(
                    "indicators",
                    queryset=access.indicators(user).only("code").order_by("code"),
                    to_attr="api_indicators",
                ),
            )
        )


@extend_schema_view(
    list=extend_schema(
        summary="ผลการดำเนินงานรายเดือน / Monthly reports",
        description=(
            "เฉพาะรายงานที่อนุมัติแล้ว (ไม่มีฉบับร่าง) / Approved monthly reports only "
            "(never drafts or reports waiting for approval)."
        ),
    )
)
class ProgressEntryViewSet(ApiListViewSet):
    serializer_class = serializers.ProgressEntrySerializer
    cursor_ordering = "pk"
    api_filters = {
        "year": "project__fiscal_year__year_be",
        "agency": "project__agency__code",
        "code": "project__code",
        "updated_since": "updated_at__gte",
    }

    def get_queryset(self):
        return access.entries(self.request.user).select_related("project")


@extend_schema_view(list=extend_schema(summary="ผลการประเมินรายไตรมาส / Quarter evaluations"))
class QuarterEvaluationViewSet(ApiListViewSet):
    serializer_class = serializers.QuarterEvaluationSerializer
    cursor_ordering = "pk"
    api_filters = {
        "year": "project__fiscal_year__year_be",
        "agency": "project__agency__code",
        "code": "project__code",
        "updated_since": "evaluated_at__gte",
    }

    def get_queryset(self):
        return access.evaluations(self.request.user).select_related("project__fiscal_year")


@extend_schema_view(
    list=extend_schema(summary="ตัวชี้วัดและเกณฑ์ระดับ 1–5 / KPIs and their levels 1–5"),
    retrieve=extend_schema(summary="ตัวชี้วัดหนึ่ง / One KPI"),
)
class IndicatorViewSet(ApiViewSet):
    serializer_class = serializers.IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    cursor_ordering = "code"
    api_filters = {
        "year": _kpi_year,
        "agency": _kpi_agency,
        "code": "code",
        "updated_since": "updated_at__gte",
    }

    def get_queryset(self):
        return access.indicators(self.request.user).prefetch_related("levels")


@extend_schema_view(list=extend_schema(summary="ผลตัวชี้วัดรายไตรมาส / KPI results by quarter"))
class IndicatorResultViewSet(ApiListViewSet):
    serializer_class = serializers.IndicatorResultSerializer
    cursor_ordering = "pk"
    api_filters = {
        "year": "fiscal_year__year_be",
        "agency": lambda queryset, code: queryset.filter(
            indicator__in=Indicator.objects.of_agency(Agency(code=code))
        ),
        "code": "indicator__code",
        "updated_since": "evaluated_at__gte",
    }

    def get_queryset(self):
        return access.indicator_results(self.request.user).select_related(
            "indicator", "fiscal_year"
        )
