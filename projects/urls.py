from django.urls import include, path

from projects import (
    agency_views,
    approval_views,
    budget_views,
    notification_views,
    plan_version_views,
    plan_views,
    project_views,
    views,
)

app_name = "projects"

# Under /projects/ (bmaprogress/urls.py includes this module at the site's root).
project_patterns = [
    path("", views.project_list, name="list"),
    path("my-agency/", agency_views.my_agency, name="my_agency"),
    path("new/", project_views.project_create, name="create"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/steps/", plan_views.plan_procedure, name="procedure"),
    path("<str:code>/steps/timeline/", plan_views.plan_timeline, name="timeline"),
    path("<str:code>/report/", views.project_report, name="report"),
    path("<str:code>/report/preview/", views.report_preview, name="report_preview"),
    path("<str:code>/budget/transfers/", budget_views.budget_transfer, name="budget_transfer"),
    path("<str:code>/reopen/", agency_views.month_reopen, name="reopen"),
    path("<str:code>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("<str:code>/plan/versions/", plan_version_views.plan_versions_page, name="plan_versions"),
    path("<str:code>/plan/submit/", plan_version_views.plan_submit, name="plan_submit"),
    path(
        "<str:code>/plan/versions/<int:number>/decide/",
        plan_version_views.plan_decide,
        name="plan_decide",
    ),
    path("<str:code>/changes/", agency_views.project_changes, name="changes"),
    path("<str:code>/evidence/<int:pk>/", agency_views.evidence_download, name="evidence"),
    path(
        "<str:code>/evidence/<int:pk>/delete/", agency_views.evidence_delete, name="evidence_delete"
    ),
]

# A person's own notifications, at /notifications/.
notification_patterns = [
    path("", notification_views.notifications, name="notifications"),
    path("bell/", notification_views.notifications_bell, name="notifications_bell"),
    path("read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
    path("<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("settings/", notification_views.notification_settings, name="notification_settings"),
]

urlpatterns = [
    path("projects/", include(project_patterns)),
    path("notifications/", include(notification_patterns)),
    # The head's queue (issue 15): at the site's top level, beside the pages of each role.
    path("approvals/", approval_views.approval_queue, name="approvals"),
    path("approvals/delegations/", approval_views.delegations, name="delegations"),
]
