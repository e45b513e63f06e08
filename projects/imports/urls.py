"""URLs of the import pages (issue 8), under /imports/."""

from django.urls import path

from projects.imports import month_views, strategy_views, views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("pages/", views.pages_upload, name="pages"),
    path("pages/<str:token>/", views.pages_preview, name="pages_preview"),
    path("plan/", views.plan_upload, name="plan"),
    path("plan/template.xlsx", views.plan_template, name="plan_template"),
    path("plan/export/", views.plan_export, name="plan_export"),
    path("plan/<str:token>/", views.plan_preview, name="plan_preview"),
    # a month's reports of an agency in one workbook (issue 18)
    path("month/", month_views.month_page, name="month"),
    path("month/download/", month_views.month_download, name="month_download"),
    path("month/<str:token>/", month_views.month_preview, name="month_preview"),
    path("strategy/", strategy_views.tree_upload, name="strategy"),
    path("strategy/confirm/", strategy_views.tree_confirm, name="strategy_confirm"),
]
