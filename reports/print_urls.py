"""พิมพ์ข้อมูล: a project's print view and its PDF, under the project's address
(/projects/<code>/print/), served by reports."""

from django.urls import path

from reports import views

app_name = "print"

urlpatterns = [
    path("<str:code>/print/", views.project_print, name="project"),
    path("<str:code>/print.pdf", views.project_print_pdf, name="project_pdf"),
]
