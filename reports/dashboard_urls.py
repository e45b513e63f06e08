from django.urls import path

from reports import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard_index, name="index"),
    path("export.<str:fmt>", dashboard_views.dashboard_download, name="export"),
    path("rates/missing/", dashboard_views.rates_missing, name="rates-missing"),
    path("rates/export.<str:fmt>", dashboard_views.rates_download, name="rates-export"),
]
