from django.urls import path

from projects import views
from reports import views as report_views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/steps/", views.plan_procedure, name="procedure"),
    path("<str:code>/steps/timeline/", views.plan_timeline, name="timeline"),
    path("<str:code>/print/", report_views.project_print, name="print"),
    path("<str:code>/print.pdf", report_views.project_print_pdf, name="print_pdf"),
]
