from django.urls import path

from reports.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.open_data_index, name="index"),
    path("refresh/", views.open_data_request, name="request"),
    path("files/<str:name>", views.open_data_file, name="file"),
]
