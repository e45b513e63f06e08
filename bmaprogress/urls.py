from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from bmaprogress.language import choose_language
from bmaprogress.views import home
from projects.forms import LoginForm
from reports.public_sitemaps import SITEMAPS
from reports.public_views import robots_txt

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("language/<str:code>/", choose_language, name="language"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", include("reports.print_urls")),
    # /projects/…, /approvals/… and /notifications/… (one namespace, "projects")
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("", include("indicators.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("imports/", include("projects.imports.urls")),
    path("open-data/", include("reports.opendata.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("account/tokens/", include("reports.api.account_urls")),
    path("admin/", admin.site.urls),
    # Issue 17: the public pages (404 while BMA_PUBLIC_SITE is off), for crawlers too.
    path("public/", include("reports.public_urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# With the database down, these pages (which show the user) become the Thai 503 page.
handler403 = "bmaprogress.views.permission_denied"
handler404 = "bmaprogress.views.page_not_found"
