from django.urls import path

from reports import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard_index, name="index"),
    path("export.<str:fmt>", dashboard_views.dashboard_download, name="export"),
]
