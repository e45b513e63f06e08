"""The public pages (issue 17) under /public/: 404 while settings.BMA_PUBLIC_SITE is off."""

from django.urls import path

from reports import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.project_list, name="projects"),
    path("projects/<str:code>/", public_views.project_detail, name="project"),
    path("projects/<str:code>/print.pdf", public_views.project_pdf, name="project_pdf"),
    path("agencies/<str:code>/", public_views.agency_summary, name="agency"),
    path("indicators/<str:code>/", public_views.indicator_detail, name="indicator"),
]
