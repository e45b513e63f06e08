from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bmaprogress.views import home
from projects.forms import LoginForm

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", include("reports.print_urls")),
    # /projects/…, /approvals/… and /notifications/… (one namespace, "projects")
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("", include("indicators.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("imports/", include("projects.imports.urls")),
    path("api/v1/", include("api.urls")),
    path("account/tokens/", include("api.account_urls")),
    path("admin/", admin.site.urls),
]

# With the database down, these pages (which show the user) become the Thai 503 page.
handler403 = "bmaprogress.views.permission_denied"
handler404 = "bmaprogress.views.page_not_found"
