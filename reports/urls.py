from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("jobs/<int:pk>/", views.report_job, name="job"),
    path("jobs/<int:pk>/download/", views.report_job_download, name="download"),
]
