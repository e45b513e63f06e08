from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    # Quarterly evaluation by สยป.
    path("evaluation/", views.evaluation_home, name="evaluation-home"),
    path("evaluation/<int:year>/<int:quarter>/", views.evaluation_quarter, name="evaluation"),
    path(
        "evaluation/<int:year>/<int:quarter>/projects/<str:code>/",
        views.evaluation_row_save,
        name="evaluation-save",
    ),
    path("evaluation/<int:year>/<int:quarter>/lock/", views.evaluation_lock, name="lock"),
    path("evaluation/<int:year>/<int:quarter>/reopen/", views.evaluation_reopen, name="reopen"),
    path(
        "evaluation/<int:year>/<int:quarter>/history/",
        views.quarter_evaluation_history,
        name="quarter-history",
    ),
    path("evaluation/summary/", views.evaluation_summary_home, name="summary-home"),
    path("evaluation/<int:year>/summary/", views.evaluation_summary, name="summary"),
    path(
        "evaluation/<int:year>/summary/<int:quarter>/",
        views.evaluation_summary_projects,
        name="summary-projects",
    ),
    path(
        "evaluation/projects/<str:code>/history/",
        views.project_evaluation_history,
        name="project-history",
    ),
    # KPIs
    path("indicators/", views.indicator_list, name="list"),
    path("indicators/<str:code>/", views.indicator_detail, name="detail"),
    path("indicators/<str:code>/criteria/", views.indicator_criteria_edit, name="criteria"),
    path(
        "indicators/<str:code>/<int:year>/<int:quarter>/",
        views.indicator_quarter_save,
        name="quarter-save",
    ),
]
