from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/steps/", views.plan_procedure, name="procedure"),
    path("<str:code>/steps/timeline/", views.plan_timeline, name="timeline"),
    path("<str:code>/print/", views.project_print, name="print"),
]
