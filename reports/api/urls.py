"""/api/v1/: the endpoints, the OpenAPI schema and its docs page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from reports.api import views
from reports.api.schema import DocsView

app_name = "api"

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("fiscal-years", views.FiscalYearViewSet, basename="fiscal-year")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("monthly-reports", views.ProgressEntryViewSet, basename="monthly-report")
router.register(
    "quarter-evaluations", views.QuarterEvaluationViewSet, basename="quarter-evaluation"
)
router.register("kpis", views.IndicatorViewSet, basename="kpi")
router.register("kpi-results", views.IndicatorResultViewSet, basename="kpi-result")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", DocsView.as_view(permission_classes=[AllowAny]), name="docs"),
    *router.urls,
]
